"""AnalogNAS-Bench: the NAS-Bench-201 cell space trained again on CIFAR-10 and scored on analog
in-memory hardware (PyPI ``analog-nasbench``); a second table on the space of the LaNAS paper's
Sec. 5.1 benchmark.

``anb201/baseline`` maximises ``baseline_accuracy`` (standard digital training), ``anb201/analog``
``analog_accuracy``; every other column (PTQ/QAT/noisy accuracy, drift after 60 s .. 30 days with
its ``_pm`` uncertainty) is in ``Result.extra``, with ``flops``: NAS-Bench-201's count of the cell's
CIFAR-10 network (:mod:`benchmarks.flops`), the network the package's cells were trained as (NASLib's
``NasBench201SearchSpace(n_classes=10)``: channels 16/32/64, 5 cells a stage, NAS-Bench-201's
reduction blocks and classifier; IBM/analog-nas ``analognasbench/training_script.py``).

The package imports ``pkg_resources`` at import time, which new setuptools lacks, so it is never
imported: ``data.anb`` (a pickle of ``{6-tuple: analognasbench.data.Architecture}``) is read through
importlib.resources with an unpickler that maps the package's two classes to local stand-ins.

Key order. The package does not document it; archs here use the nb201 encoding
(:mod:`benchmarks._cell`), so one tuple is one cell in both families. Established by rank-
correlating ``baseline_accuracy`` with ``nb201/cifar10-valid`` over all 15,625 cells for every op
relabelling (5!) x edge assignment (6!) = 86,400 mappings:

* package op index 0..4 = skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3 (so the
  all-zero key, 60.8%, is the all-skip cell, not the empty one);
* package key position 0..5 = edges 1<-0, 2<-0, 3<-0, 2<-1, 3<-1, 3<-2 (edges ordered by source
  node), i.e. nb201 edge j is package position ``(0, 1, 3, 2, 4, 5)[j]``;
* Spearman rho 0.987 for this mapping; 0.966 for its mirror image (reverse the DAG), <= 0.901
  for every other one, median 0.01. Mirror against chosen is also decided by the parts that the
  mirror flips: over the 15,000 mirror-asymmetric cells, acc(c) - acc(mirror c) correlates with
  the same difference on nb201 at Pearson 0.88 (the mirror would give -0.88).
* with it, the 341 cells whose output is cut off from the input score exactly 10.0% and every
  other cell >= 35.1%.
"""

from __future__ import annotations

import pickle
from collections.abc import Sized
from typing import Any

import numpy as np

from ._cell import CHOICES, CellTable
from ._data import corrupt, load_pickle, package_file, package_unavailable
from .flops import mflops
from .registry import register
from .table import cached_arrays

PACKAGE, PIP, RELPATH = "analognasbench", "analog-nasbench", "data.anb"
#: package op index -> nb201 op index (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)
OP_FROM_PACKAGE = (1, 0, 3, 2, 4)
#: nb201 edge j (arch-string order) is position PACKAGE_POSITION[j] of the package's key
PACKAGE_POSITION = (0, 1, 3, 2, 4, 5)
ACCURACIES = ("baseline_accuracy", "analog_accuracy", "ptq_accuracy", "qat_accuracy", "noisy_accuracy")
DRIFTS = tuple(f"{kind}_drift_{t}" for kind in ("baseline", "analog") for t in (60, 3600, 86400, 2592000))
N_CELLS = 15_625


class _Record:
    """Stand-in for ``analognasbench.data.Architecture`` / ``DriftMeasurement``: just the state."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class _Architecture(_Record):
    pass


class _Drift(_Record):
    pass


class _Unpickler(pickle.Unpickler):
    """Maps the package's classes to the stand-ins; refuses any other class of the package."""

    _CLASSES = {
        ("analognasbench.data", "Architecture"): _Architecture,
        ("analognasbench.data", "DriftMeasurement"): _Drift,
    }

    def find_class(self, module: str, name: str) -> Any:
        if module.split(".")[0] == PACKAGE:
            try:
                return self._CLASSES[module, name]
            except KeyError:
                raise pickle.UnpicklingError(f"unexpected class {module}.{name}") from None
        return super().find_class(module, name)


def package_key(arch: tuple[int, ...]) -> tuple[int, ...]:
    """The package's key of an nb201-encoded cell."""
    inverse_op = {c: p for p, c in enumerate(OP_FROM_PACKAGE)}
    key = [0] * 6
    for edge, pos in enumerate(PACKAGE_POSITION):
        key[pos] = inverse_op[int(arch[edge])]
    return tuple(key)


def from_package_keys(keys: np.ndarray) -> np.ndarray:
    """nb201 encoding of an (N, 6) array of the package's keys."""
    return np.asarray(OP_FROM_PACKAGE)[np.asarray(keys)][:, list(PACKAGE_POSITION)]


def _build(path) -> dict[str, np.ndarray]:
    raw = load_pickle(path, PIP, _Unpickler)
    try:
        if not isinstance(raw, dict) or len(raw) != N_CELLS:
            size = len(raw) if isinstance(raw, Sized) else "?"
            raise ValueError(f"expected {N_CELLS} cells, got {type(raw).__name__} of {size}")
        keys = np.array(list(raw), dtype=np.int64).reshape(-1, 6)
        if keys.min() < 0 or keys.max() >= CHOICES[0]:
            raise ValueError("key entries outside 0..4")
        rows = list(raw.values())
        out = {"archs": from_package_keys(keys).astype(np.int8)}
        for name in ACCURACIES:
            out[name] = np.array([getattr(r, name) for r in rows], dtype=float)
        for name in DRIFTS:
            out[name] = np.array([getattr(r, name).value for r in rows], dtype=float)
            out[name + "_pm"] = np.array([getattr(r, name).uncertainty for r in rows], dtype=float)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise corrupt(path, PIP, f"{type(exc).__name__}: {str(exc)[:80]}") from None
    return out


def load_arrays() -> dict[str, np.ndarray]:
    """All columns as arrays, from the npz cache when it matches the installed ``data.anb``.

    Unpickling the 15,625 objects takes ~0.25 s; the cache ~0.01 s.
    """
    path = package_file(PACKAGE, RELPATH, PIP)
    return cached_arrays("anb201", path, lambda: _build(path), version=1)


class ANB201(CellTable):
    """``anb201/<objective>``: CIFAR-10 accuracy (%) of a NAS-Bench-201 cell from analog-nasbench."""

    def __init__(self, objective: str) -> None:
        t = load_arrays()
        column = f"{objective}_accuracy"
        extra = {k: v for k, v in t.items() if k not in ("archs", column)} | {"flops": mflops(t["archs"], "cifar10")}
        super().__init__(
            choices=CHOICES,
            archs=t["archs"],
            valid=t[column],
            extra=extra,
            value_range=(0.0, 100.0),
            objective=f"CIFAR-10 {objective} accuracy (%)",
        )
        self.column = column
        self.name = f"anb201/{objective}"

    def describe(self) -> str:
        return (
            f"{len(self):,} cells, AnalogNAS-Bench CIFAR-10 {self.column.replace('_', ' ')}; "
            f"optimum {self.valid.max():.2f}% (analog-nasbench)"
        )


def _factory(objective: str):
    def make() -> ANB201:
        return ANB201(objective)

    return make


for _objective in ("baseline", "analog"):
    register(
        f"anb201/{_objective}", _factory(_objective), unavailable=lambda: package_unavailable(PACKAGE, RELPATH, PIP)
    )
