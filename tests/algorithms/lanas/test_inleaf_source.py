"""The in-leaf candidate sources (:mod:`algorithms.lanas.inleaf_source`): the one-decision
neighbours (the benchmark's, and the pool's vectorised look-up of them), and the candidate sets a
pool and the rejection sampler give for one leaf."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms.lanas import LaNAS
from algorithms.lanas.inleaf_source import (
    PoolSource,
    RegionSource,
    first_owners,
    one_decision_neighbours,
    stored_changes,
)
from algorithms.lanas.pool import Pool
from benchmarks.base import Result
from benchmarks.table import TableBenchmark
from tests.synthetic import linear_table


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def holey_table() -> TableBenchmark:
    """A table that stores a third of its product space: most one-decision changes are not in it."""
    full = linear_table(choices=(4, 4, 4, 3), optimum=(3, 2, 1, 0))
    keep = np.random.default_rng(0).random(len(full.valid)) < 0.35
    archs = full.all_archs()
    return TableBenchmark(choices=full.choices, archs=archs[keep], valid=full.valid[keep], value_range=(0.0, 1.0))


def check_stored_changes(bench, archs) -> None:
    pool = Pool(bench, np.random.default_rng(0))
    rows, owner = stored_changes(archs, pool)
    for k, arch in enumerate(archs):
        near = one_decision_neighbours(bench, tuple(int(v) for v in arch))
        assert list(rows[owner == k]) == list(bench.index(near)) if near else not (owner == k).any()
        assert all(sum(a != b for a, b in zip(n, arch)) == 1 for n in near)
        assert set(near) <= set(bench.neighbours(tuple(int(v) for v in arch)))


def test_the_pools_look_up_is_the_benchmarks_one_decision_neighbours_in_order():
    bench = holey_table()
    check_stored_changes(bench, bench.all_archs()[::7])


@pytest.mark.slow
def test_on_nas_bench_graph_neighbours_that_change_several_decisions_are_left_out():
    """NAS-Bench-Graph's ``neighbours`` include stored representatives that change several
    decisions; the local searches' neighbourhood is the one-decision part, in the same order."""
    from benchmarks.registry import make

    bench = make("nbgraph/cora")
    archs = bench.all_archs()[:: len(bench.all_archs()) // 60][:60]
    check_stored_changes(bench, archs)
    wider = [
        a
        for a in archs
        if len(bench.neighbours(tuple(int(v) for v in a)))
        > len(one_decision_neighbours(bench, tuple(int(v) for v in a)))
    ]
    assert wider, "no architecture with a representative that changes several decisions"


def test_first_owners_keeps_the_first_k_parents_that_have_any():
    owner = np.array([0, 0, 2, 5, 5, 7])
    assert first_owners(owner, 1).tolist() == [True, True, False, False, False, False]
    assert first_owners(owner, 3).tolist() == [True, True, True, True, True, False]
    assert first_owners(owner, 9).all()


def lanas_after(bench, steps: int, **options) -> LaNAS:
    algo = LaNAS(bench, np.random.default_rng(5), **options)
    for _ in range(steps):
        arch = algo.ask()
        algo.tell(arch, answer(bench, arch))
    return algo


@pytest.mark.parametrize("k", [1, 3])
def test_pool_and_rejection_sources_give_the_same_neighbours_in_a_leaf(k):
    """For every leaf the pool's in-region neighbours of the first ``k`` of the leaf's best samples
    that have any are those the rejection sampler's source finds parent by parent."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = lanas_after(bench, 90, inleaf="localbo", n_parents=3)
    search = algo._inleaf
    region = RegionSource(bench, algo.rng, algo.pool, algo.samples.view(), 100)
    region.refresh(algo.tree)
    compared = 0
    for leaf in range(algo.tree.n_leaves):
        order = search.leaf_samples(leaf)
        from_pool = search.source.near(leaf, order, search.scan, k, True)
        from_region = region.near(leaf, order, search.scan, k, True)
        assert (from_pool is None) == (from_region is None)
        if from_pool is not None:
            assert {tuple(a) for a in from_pool.archs.tolist()} == {tuple(a) for a in from_region.archs.tolist()}
            assert (algo.tree.route(algo.pool.encodings()[from_pool.rows]) == leaf).all()
            assert algo.pool.available[from_pool.rows].all()
            compared += 1
    assert compared >= 2


def test_take_marks_the_row_unavailable_and_returns_the_architecture():
    bench = linear_table()
    algo = lanas_after(bench, 40, inleaf="bo")
    source: PoolSource = algo._inleaf.source
    cands = source.region(0)
    assert cands is not None
    arch, row = source.take(cands, 0)
    assert not algo.pool.available[row] and arch == algo.pool.arch(row) and row == cands.rows[0]
    other = next(tuple(int(v) for v in a) for r, a in enumerate(bench.all_archs()) if algo.pool.available[r])
    assert source.take_arch(other)[1] == bench.index([other])[0] and not algo.pool.available[bench.index([other])[0]]


def test_the_region_is_the_leafs_available_rows():
    bench = linear_table()
    algo = lanas_after(bench, 40, inleaf="bo")
    pool, source = algo.pool, algo._inleaf.source
    for leaf in range(algo.tree.n_leaves):
        cands = source.region(leaf)
        want = np.flatnonzero(pool.available & (algo.tree.route(pool.encodings()) == leaf))
        assert (set() if cands is None else set(cands.rows.tolist())) == set(want.tolist())


def test_the_gps_set_is_a_random_part_of_the_leaf_and_the_parents_neighbours_in_it(monkeypatch):
    from algorithms.lanas import inleaf_source

    monkeypatch.setattr(inleaf_source, "GP_CANDIDATES", 5)
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = lanas_after(bench, 60, inleaf="localbo", n_parents=3)
    search, pool = algo._inleaf, algo.pool
    leaf = max(range(algo.tree.n_leaves), key=lambda leaf: int(pool.sizes[leaf]))
    parents = search.leaf_samples(leaf)[:3]
    cands = search.source.for_gp(leaf, parents)
    rows, _ = stored_changes(np.array([algo.samples.archs[i] for i in parents]), pool)
    near = {int(r) for r in rows if pool.available[r] and pool.leaves(np.array([r]))[0] == leaf}
    got = set(cands.rows.tolist())
    assert near and near <= got and (pool.leaves(cands.rows) == leaf).all()
    assert 0 < len(got - near) <= 5 < int(pool.sizes[leaf])  # 5 of the leaf's rows at most


def test_the_region_sources_candidates_lie_in_the_leaf():
    bench = linear_table()
    algo = lanas_after(bench, 40, inleaf="bo", sampler="reject", max_tries=200)
    source: RegionSource = algo._inleaf.source
    for leaf in range(algo.tree.n_leaves):
        cands = source.region(leaf)
        if cands is not None:
            assert (algo.tree.route(np.asarray(bench.encode(cands.archs), dtype=float)) == leaf).all()
            assert not {tuple(a) for a in cands.archs.tolist()} & set(algo.samples.seen)
