"""The official NAS-Bench-201 file (``NAS-Bench-201-v1_0-e61699.pth`` / ``-v1_1-096897.pth``).

Dong & Yang, "NAS-Bench-201", ICLR 2020. The file is a ``torch.save`` of a dict with
``meta_archs`` (arch strings), ``arch2infos`` ({index: {"less": state, "full": state}}, the
12- and 200-epoch schedules) and ``evaluated_indexes``; each state is read by PyPI
``nas-bench-201``'s own ``ArchResults.create_from_state_dict`` exactly as ``NASBench201API``
does. The embedded ``nb201/<dataset>`` tables (``benchmarks/nb201.py``) switch to this file
when ``NB201_PATH`` (``--nb201-path``) is set, and gain test accuracy, ``hp=12`` and per-seed
results.

Encoding: a 6-tuple of op indices (``OPS`` order) for the edges in arch-string order
1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, the same as the embedded table.
"""

from __future__ import annotations

import logging
import os
import pickle
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ._cell import OPS
from .base import BenchmarkError
from .table import cached_arrays

log = logging.getLogger(__name__)

ENV = "NB201_PATH"
FILES = ("NAS-Bench-201-v1_0-e61699.pth", "NAS-Bench-201-v1_1-096897.pth")
DOWNLOAD = (
    "download NAS-Bench-201-v1_1-096897.pth (4.7 GB; or v1_0-e61699.pth, 2.1 GB) from "
    "https://github.com/D-X-Y/NAS-Bench-201 and pass --nb201-path FILE or set NB201_PATH"
)
#: (validation set, test set) per dataset, as ``NASBench201API.get_more_info`` reads them;
#: cifar10 is trained on train+valid, so it has no validation set and both are 'ori-test'
EVAL_SETS = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar100": ("x-valid", "x-test"),
    "ImageNet16-120": ("x-valid", "x-test"),
    "cifar10": ("ori-test", "ori-test"),
}
#: per-seed results are padded to this many columns by cycling the seeds a cell has (1, 2 or 3),
#: so a uniform draw over the columns is a uniform draw over its seeds
RUNS = 6
_LOAD_ERRORS = (
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    ImportError,
    MemoryError,
    OverflowError,
    pickle.UnpicklingError,
    zipfile.BadZipFile,
    UnicodeDecodeError,
)


def official_source() -> Path | None:
    """The official file named by ``NB201_PATH`` (set by ``--nb201-path``), or None."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser() if value else None


def parse_cell(arch_str: str) -> tuple[int, ...]:
    """``'|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|'`` -> op index per edge, in string order."""
    edges = [tok.split("~")[0] for tok in arch_str.split("|") if "~" in tok]
    if len(edges) != 6:
        raise ValueError(f"not a NAS-Bench-201 cell: {arch_str!r}")
    return tuple(OPS.index(op) for op in edges)


def check_file(path: Path, download: str) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise BenchmarkError(f"{path} does not exist; {download}")
    return path


def _mean(values: list[Any]) -> float:
    vals = [float(v) for v in values if v is not None]
    return float(np.mean(vals)) if vals else float("nan")


def extract(items: Iterable[tuple[tuple[int, ...], Any]], dataset: str) -> dict[str, np.ndarray]:
    """Final-epoch arrays of ``dataset`` from ``(arch, ArchResults)`` pairs (NB201 or NATS classes).

    Cells without results on ``dataset`` are skipped; an empty result raises ``KeyError``.
    """
    valid_set, test_set = EVAL_SETS[dataset]
    archs, valid, test, cost, runs, params, flops, latency = [], [], [], [], [], [], [], []
    for arch, res in items:
        if dataset not in res.get_dataset_names():
            continue
        trials = [res.query(dataset, seed) for seed in res.get_dataset_seeds(dataset)]
        v = [float(t.get_eval(valid_set)["accuracy"]) for t in trials]
        archs.append(arch)
        valid.append(np.mean(v))
        test.append(_mean([t.get_eval(test_set)["accuracy"] for t in trials]))
        cost.append(_mean([t.get_train()["all_time"] for t in trials]))
        runs.append([v[i % len(v)] for i in range(RUNS)])
        costs = res.get_compute_costs(dataset)
        params.append(_mean([costs["params"]]))
        flops.append(_mean([costs["flops"]]))
        latency.append(_mean([costs["latency"]]))
    if not archs:
        raise KeyError(dataset)
    return {
        "archs": np.asarray(archs, dtype=np.int8),
        "valid": np.asarray(valid),
        "test": np.asarray(test),
        "cost_s": np.asarray(cost),
        "valid_runs": np.asarray(runs),
        "extra.model_size": np.asarray(params),
        "extra.flops": np.asarray(flops),
        "extra.latency": np.asarray(latency),
    }


def table_kwargs(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, Any]:
    """``TableBenchmark`` keyword arguments from the flat cached arrays under ``prefix``."""
    found = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
    extra = {k[len("extra.") :]: v for k, v in found.items() if k.startswith("extra.")}
    out: dict[str, Any] = {k: v for k, v in found.items() if not k.startswith("extra.")}
    out["extra"] = extra
    return out


def _build_nb201(path: Path) -> dict[str, np.ndarray]:
    from nas_201_api.api_utils import ArchResults  # the package's own loading code

    log.info("converting %s (a few minutes and several GB of memory, once)", path)
    try:
        # the official file is a pickle of plain containers; weights_only cannot read it
        data = __import__("torch").load(str(path), map_location="cpu", weights_only=False)
        meta = data["meta_archs"]
        hp_results: dict[str, list] = {"12": [], "200": []}
        for index in sorted(data["arch2infos"]):
            infos = data["arch2infos"][index]
            arch = parse_cell(meta[index])
            hp_results["12"].append((arch, ArchResults.create_from_state_dict(infos["less"])))
            hp_results["200"].append((arch, ArchResults.create_from_state_dict(infos["full"])))
    except _LOAD_ERRORS as exc:
        raise BenchmarkError(
            f"{path} is not a readable NAS-Bench-201 file ({type(exc).__name__}: {str(exc)[:120]}); {DOWNLOAD}"
        ) from None
    return flatten(hp_results)


def flatten(per_hp: dict[str, list]) -> dict[str, np.ndarray]:
    """``{"<dataset>.<hp>.<column>": array}`` for every dataset and schedule the results hold
    (NAS-Bench-201 v1_0 has 12-epoch results for cifar10-valid only; NATS lacks some too)."""
    out: dict[str, np.ndarray] = {}
    for hp, items in per_hp.items():
        for dataset in EVAL_SETS:
            try:
                arrays = extract(items, dataset)
            except KeyError:
                continue
            out.update({f"{dataset}.{hp}.{k}": v for k, v in arrays.items()})
    return out


def load_official_nb201(path: str | Path, dataset: str, hp: str = "200") -> dict[str, Any]:
    """Keyword arguments of ``TableBenchmark`` (archs, valid, test, cost_s, valid_runs, extra) for
    ``dataset`` under the ``hp``-epoch schedule; converted once into the npz cache.

    ``valid`` is the mean over seeds of the final-epoch validation accuracy (percent), ``test``
    the test accuracy, ``cost_s`` the training time, ``valid_runs`` the per-seed values; ``extra``
    holds ``model_size`` (parameters, MB), ``flops`` (M) and ``latency`` (s), as the embedded table.
    """
    hp = str(hp)
    if dataset not in EVAL_SETS:
        raise BenchmarkError(f"unknown NAS-Bench-201 dataset {dataset!r}; known: {', '.join(EVAL_SETS)}")
    if hp not in ("12", "200"):
        raise BenchmarkError(f"NAS-Bench-201 has hp=12 or hp=200, not hp={hp}")
    path = check_file(Path(path), DOWNLOAD)
    arrays = cached_arrays(f"nb201-official-{path.name}", path, lambda: _build_nb201(path))
    kwargs = table_kwargs(arrays, f"{dataset}.{hp}.")
    if "archs" not in kwargs:
        raise BenchmarkError(
            f"{path.name} has no {hp}-epoch results for {dataset} "
            f"(NAS-Bench-201-v1_1-096897.pth has them for every dataset)"
        )
    return kwargs
