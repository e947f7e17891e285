"""Zero-cost proxies of NAS-Bench-201 cells: scores of the untrained network, from one minibatch or none.

Abdelfattah, Mehrotra, Dudziak, Lane, "Zero-Cost Proxies for Lightweight NAS", ICLR 2021 (release:
github.com/mohsaied/zero-cost-nas); Mellor et al., "Neural Architecture Search without Training", ICML
2021. :mod:`.measures` and :mod:`.activations` define the proxies, :mod:`.network` the network and
minibatch they score, :mod:`.scores` one cell's scores, :mod:`.table` the shipped table of the whole
space (``benchmarks/data/zerocost_nb201.npz``, rebuilt by ``python -m benchmarks.zerocost build``), :mod:`.evaluator` a
proxy as a table's evaluator. This module is free of torch: the tables load without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..base import BenchmarkError

#: one input's shape and the classes of the network a proxy scores, per minibatch dataset
SHAPES = {"cifar10": ((3, 32, 32), 10), "fashion-mnist": ((3, 32, 32), 10)}

#: proxies that need no data: computed exactly as published, whatever the setting's dataset
DATA_FREE = ("synflow", "params", "flops")
#: proxies of one minibatch of the setting's dataset
DATA = ("grad_norm", "snip", "grasp", "fisher", "jacov", "naswot")
PROXIES = DATA_FREE + DATA
#: proxies that depend on the cell only through how many 1x1 and 3x3 convolutions it holds (dead edges
#: included, as NAS-Bench-201 computes them): the table computes them once per such pair
BY_CONV_COUNT = ("params", "flops")


@dataclass(frozen=True)
class Setting:
    """Where a score comes from: the minibatch's dataset, its size, and the seed that draws both the
    minibatch and (with the cell's code) the network's initial weights."""

    dataset: str = "fashion-mnist"
    batch_size: int = 64
    seed: int = 0

    def check(self) -> None:
        if self.dataset not in SHAPES:
            raise BenchmarkError(f"zero-cost proxies: unknown dataset {self.dataset!r} (known: {', '.join(SHAPES)})")
        if self.batch_size < 2:
            raise BenchmarkError(f"zero-cost proxies: batch_size={self.batch_size} must be at least 2")


#: the setting of the shipped table and of a score asked without one
DEFAULT = Setting()
