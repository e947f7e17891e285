"""The table shipped with the package: it loads fast, without torch, and holds what docs/zerocost.md says."""

from __future__ import annotations

import sys
import time

import numpy as np

from benchmarks.zerocost import DATA, DATA_FREE, DEFAULT
from benchmarks.zerocost.table import N_CELLS, load, order


def test_the_shipped_table_loads_in_under_a_second_without_torch() -> None:
    had_torch = "torch" in sys.modules
    t0 = time.perf_counter()
    t = load()
    assert time.perf_counter() - t0 < 1.0
    assert had_torch or "torch" not in sys.modules
    assert t.setting == DEFAULT


def test_the_shipped_table_covers_a_prefix_of_the_uniform_build_order() -> None:
    t = load()
    assert t.covered("params") == t.covered("flops") == N_CELLS
    for p in DATA_FREE + DATA:
        n = t.covered(p)
        assert n > 0 and t.done[p][order(DEFAULT.seed)[:n]].all()  # a uniform sample: the order's first n
    assert t.covered("synflow") >= 2000
    assert all(np.isfinite(t.values[p][t.done[p]]).mean() > 0.9 for p in DATA_FREE + DATA)
