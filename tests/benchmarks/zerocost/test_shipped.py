"""The table shipped with the package: it loads fast, without torch, and holds what docs/zerocost.md says."""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.zerocost import DATA, DATA_FREE, DEFAULT
from benchmarks.zerocost.table import N_CELLS, load, order


def test_the_shipped_table_loads_without_torch() -> None:
    # how fast it loads is measured, not asserted here (docs/zerocost.md quotes the command)
    had_torch = "torch" in sys.modules
    t = load()
    assert had_torch or "torch" not in sys.modules
    assert t.setting == DEFAULT


def test_the_shipped_table_covers_a_prefix_of_the_uniform_build_order() -> None:
    t = load()
    assert t.covered("params") == t.covered("flops") == N_CELLS
    for p in DATA_FREE + DATA:
        n = t.covered(p)
        assert n > 0 and t.done[p][order(DEFAULT.seed)[:n]].all()  # a uniform sample: the order's first n
    assert t.covered("synflow") == N_CELLS and min(t.covered(p) for p in DATA) >= 2000
    assert all(np.isfinite(t.values[p][t.done[p]]).mean() > 0.9 for p in DATA_FREE + DATA)
