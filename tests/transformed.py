"""A table searched through a strictly increasing transform of its values (tests only).

``transformed(bench, name)`` is a shallow copy of a :class:`~benchmarks.table.TableBenchmark` whose
``valid`` (and ``value_range``) are ``TRANSFORMS[name]`` of the original's: the same architectures, the same order of
values, another scale. A rank-invariant algorithm must give the same history on every copy, as
long as the transform keeps distinct values distinct in floating point (checked: the real tables
hold values one ulp apart, which e.g. ``cube`` merges on ``nbgraph/proteins``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from benchmarks.table import TableBenchmark

#: strictly increasing on the value range [lo, hi] of every table, finite there (u = (v - lo) / (hi - lo))
TRANSFORMS: dict[str, Callable[[np.ndarray, float, float], np.ndarray]] = {
    "affine": lambda v, lo, hi: 1000.0 * v - 7.0,
    "exp": lambda v, lo, hi: np.exp(12.0 * (v - lo) / (hi - lo)),
    "neglog-error": lambda v, lo, hi: -np.log(1.0 + 1e-3 - (v - lo) / (hi - lo)),
    "cube": lambda v, lo, hi: ((v - lo) / (hi - lo) - 0.3) ** 3,
}


def transformed(bench: TableBenchmark, name: str) -> TableBenchmark:
    f = TRANSFORMS[name]
    lo, hi = bench.value_range
    valid = np.asarray(bench.valid, dtype=float)
    distinct = np.unique(valid)  # a transform strictly increasing on the reals can merge values an ulp
    merged = int(np.sum(np.diff(f(distinct, lo, hi)) <= 0))  # apart (the tables have such pairs)
    if merged:
        raise ValueError(
            f"{name} is not strictly increasing on {bench.name}'s values in floating point "
            f"({merged} neighbouring values merged or reversed)"
        )
    out = copy.copy(bench)  # the same class: the same space, neighbours and canonical forms
    out.valid = f(valid, lo, hi)
    out.value_range = (float(f(np.float64(lo), lo, hi)), float(f(np.float64(hi), lo, hi)))
    out.valid_runs = None  # per-seed values are not transformed: no noisy queries
    return out
