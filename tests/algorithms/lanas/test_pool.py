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


def test_draw_inside_takes_available_rows_of_the_region_uniformly_from_one_permutation(monkeypatch):
    bench = linear_table()
    n = len(bench.all_archs())
    monkeypatch.setattr(pool_module, "CHUNK", 16)
    pool = Pool(bench, np.random.default_rng(0))
    pool.available[::3] = False
    seen: list[int] = []

    def inside(rows: np.ndarray) -> np.ndarray:
        seen.append(len(rows))
        return rows % 2 == 0

    rows = pool.draw_inside(inside, 6, skip={2, 4})
    assert len(set(rows)) == 6 and all(r % 2 == 0 and r % 3 and r not in (2, 4) for r in rows)
    assert pool.available[rows].all()  # the rows stay available
    assert len(seen) < n // 16 and set(seen) == {16}  # chunks only until six were inside
    twin = np.random.default_rng()
    twin.bit_generator.state = pool.rng.bit_generator.state
    assert pool.draw_inside(inside, 0) == []
    twin.permutation(int(pool.available.sum()))
    assert pool.rng.bit_generator.state == twin.bit_generator.state  # want=0: one permutation drawn still
    counts = np.bincount([r for _ in range(6000) for r in pool.draw_inside(inside, 1)], minlength=n)
    region = [r for r in range(n) if r % 2 == 0 and r % 3]
    assert counts.sum() == counts[region].sum() == 6000
    assert 0 < counts[region].min() and counts[region].max() < 3 * 6000 / len(region)  # uniform over the region
