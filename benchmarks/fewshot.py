"""Published supernet estimates of every NAS-Bench-201 cell on CIFAR-10 (Zhao et al., ICML 2021).

Zhao, Wang, Tian, Fonseca, Guo, "Few-Shot Neural Architecture Search", Proceedings of the 38th
International Conference on Machine Learning (PMLR 139), 12707-12718, 2021. Data: the files
``one-shot-supernet``, ``few-shot-supernet`` and ``nasbench201`` of github.com/aoiang/few-shot-NAS,
folder ``Few-Shot_NasBench201/supernet_info/`` (commit ec366c1; the files are those of commit d3423c1,
unchanged since), converted by
:mod:`benchmarks._fewshot_build` into ``data/fewshot_nb201.npz``. The authors ask users of the data to
cite the paper above.

Columns (accuracy in %, row ``i`` = the cell whose harness code is ``i``): ``oneshot`` (one weight-sharing
supernet), ``fewshot`` (their few-shot supernets: the supernet split into sub-supernets on the
operation of one edge) and ``cifar10_test`` (their file ``nasbench201``: NAS-Bench-201's CIFAR-10
test accuracy, best 94.37; stored as ``nasbench201`` in older copies of the data file, still read).
``tests/benchmarks/test_oneshot.py`` checks the mapping against the embedded ``nb201/cifar10-valid`` table.

Costs (estimates, not measured on a GPU here; ``tests/benchmarks/test_oneshot.py`` recomputes them). NAS-Bench-201's
table gives each cell's 200-epoch training time on CIFAR-10's 25,000-image training half; its mean over
the cells, /200, is one epoch of an average cell, :data:`EPOCH_S` (9.14 s). A supernet trained by sampling
one cell per batch pays about that per epoch. The recipe that produced the estimates, the configs of
the data's commit d3423c1 (``configs/nas-benchmark/algos/ONE-SHOT-SUPERNET.config``,
``FEW-SHOT-SUPERNET.config``), trains the one-shot supernet for 600 epochs and then each of the 5
few-shot sub-supernets for 150 more from its weights (batch 128): :data:`TRAIN_EPOCHS`, so 1.5
GPU-hours and 3.4 GPU-hours. (The repository's later configs, from commit bb7cc4e on, say 300
epochs and batch 48; the published estimates predate them.) A proxy query is one forward pass over
the 25,000 validation images with the shared weights, about a third of a training epoch (no
backward pass): :data:`QUERY_S`. The paper's own GPU-hour figures could not be read here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).with_name("data") / "fewshot_nb201.npz"
COLUMNS = ("oneshot", "fewshot", "cifar10_test")
#: earlier names of columns, still read from older copies of the data file
OLD_NAMES = {"cifar10_test": "nasbench201"}
PROXIES = {"oneshot": "one-shot supernet's", "fewshot": "few-shot supernets'"}
CITATION = (
    "Zhao et al., Few-Shot Neural Architecture Search, ICML 2021 "
    "(github.com/aoiang/few-shot-NAS, Few-Shot_NasBench201/supernet_info)"
)

#: the two-stage flow's default k: train the proxy's best k evaluated cells from scratch (``:k=`` on the spec)
DEFAULT_K = 10
#: one training epoch of an average NAS-Bench-201 cell on CIFAR-10 (s): the table's mean 200-epoch time / 200
EPOCH_S = 9.14
#: supernet training epochs of the recipe behind the estimates (commit d3423c1): one-shot 600; few-shot
#: 600 + 5 sub-supernets x 150
TRAIN_EPOCHS = {"oneshot": 600, "fewshot": 600 + 5 * 150}
#: seconds of one proxy query: a forward pass over the validation half, ~1/3 of a training epoch
QUERY_S = round(EPOCH_S / 3, 2)


def train_gpu_h(evaluator: str) -> float:
    """GPU-hours to train the supernet(s) behind ``evaluator`` (an estimate from the recipe, see above)."""
    return TRAIN_EPOCHS[evaluator] * EPOCH_S / 3600


@cache
def estimates() -> dict[str, np.ndarray]:
    """Each column as float64 percent, indexed by the cell's code (see module docstring)."""
    return read(DATA)


def read(path: Path) -> dict[str, np.ndarray]:
    """The columns of a data file written by :mod:`benchmarks._fewshot_build`, old names included."""
    with np.load(path, allow_pickle=False) as f:
        return {name: f[name if name in f.files else OLD_NAMES[name]].astype(float) / 100 for name in COLUMNS}
