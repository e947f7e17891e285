"""The pool of table rows that LaNAS and LaMOO share (algorithms/lanas/pool.py): rows, neighbour rows,
availability."""

from __future__ import annotations

import numpy as np

from algorithms.lanas import pool as pool_module
from algorithms.lanas.pool import Pool
from tests.synthetic import linear_table


def test_rows_are_the_benchmarks_index_with_or_without_the_dense_lookup(monkeypatch):
    bench = linear_table()
    rng = np.random.default_rng(0)
    grid = rng.integers(0, bench.choices, size=(200, len(bench.choices)))
    expected = bench.index(grid)
    assert np.array_equal(Pool(bench, rng).rows(grid), expected)
    monkeypatch.setattr(pool_module, "MAX_LOOKUP", 0)  # the space too large for the dense look-up
    assert np.array_equal(Pool(bench, rng).rows(grid), expected)


def test_neighbour_rows_are_the_benchmarks_neighbours():
    bench = linear_table()
    pool = Pool(bench, np.random.default_rng(0))
    for row in (0, 7, len(bench.all_archs()) - 1):
        near = bench.neighbours(pool.arch(row))
        assert sorted(pool.neighbour_rows(row).tolist()) == sorted(bench.index(near).tolist())
        assert pool.neighbour_rows(row) is pool.neighbour_rows(row)  # kept
    assert pool.row(pool.arch(7)) == 7


def test_a_draw_takes_each_available_row_once():
    bench = linear_table()
    pool = Pool(bench, np.random.default_rng(0))
    pool.available[:5] = False
    drawn = [pool.draw_initial() for _ in range(len(bench.all_archs()) - 5)]
    assert sorted(drawn) == list(range(5, len(bench.all_archs())))
    assert pool.draw_initial() is None and not pool.available.any()
