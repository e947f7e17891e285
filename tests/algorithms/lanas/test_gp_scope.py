"""Where the GP of ``gp_until`` looks (``gp_scope``) and where a stopped climb starts again
(``restart_pick``), as LaNAS runs them on the synthetic table."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms.lanas import LaNAS
from algorithms.lanas.inleaf_source import GP_CANDIDATES, PoolSource, RegionSource, one_decision_neighbours
from algorithms.lanas.pool import Pool
from algorithms.lanas.samples import Samples
from benchmarks.base import Result
from harness.runner import run


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def outside_their_leaf(synthetic, spec_options: dict, budget: int) -> int:
    """Proposals after the random ones that lie outside the leaf the walk selected (and credits)."""
    algo = LaNAS(synthetic, np.random.default_rng(3), **spec_options)
    outside = 0
    for step in range(budget):
        arch = algo.ask()
        assert arch is not None
        leaf, _, row = algo._pending[arch]
        if step >= algo.n_init and leaf is not None and row is not None:
            outside += int(algo.pool.leaves(np.array([row]))[0] != leaf)
        algo.tell(arch, answer(synthetic, arch))
    return outside


PLUS = {"inleaf": "localbo", "n_parents": 3, "restart": 50, "scale": "rank", "split": "svm", "gp_until": 40}


def test_gp_scope_space_looks_beyond_the_selected_leaf(synthetic):
    """``gp_scope=leaf`` proposes inside the selected leaf only; ``space`` also outside it."""
    assert outside_their_leaf(synthetic, PLUS, 40) == 0
    assert outside_their_leaf(synthetic, {**PLUS, "gp_scope": "space"}, 40) > 0


def test_anywhere_draws_from_every_available_row_and_the_parents_neighbours(synthetic):
    pool = Pool(synthetic, np.random.default_rng(0))
    samples = Samples()
    for arch in synthetic.all_archs()[:3]:
        samples.add(tuple(int(v) for v in arch), 0.0, 0.0)
        pool.available[pool.row(tuple(int(v) for v in arch))] = False
    source = PoolSource(synthetic, np.random.default_rng(1), pool, samples.view())
    cands = source.anywhere(np.array([0]))
    assert cands is not None and cands.rows is not None
    assert pool.available[cands.rows].all()
    assert len(cands) >= min(GP_CANDIDATES, int(pool.available.sum()))


@pytest.mark.parametrize(
    "spec, budget",
    [
        ("lanas-gp:gp_scope=space", 150),
        ("lanas-gp:restart_pick=gp", 150),
        # the rejection sampler's candidates (RegionSource): a shorter GP phase, so a shorter run
        pytest.param("lanas-plus:gp_until=30,gp_scope=space,sampler=reject", 60, marks=pytest.mark.slow),
        pytest.param("lanas-plus:gp_until=30,restart_pick=gp,restart=10,sampler=reject", 80, marks=pytest.mark.slow),
    ],
)
def test_the_options_are_deterministic_and_never_repeat(spec, budget, synthetic):
    first = run(synthetic, spec, seed=4, budget=budget).rows["arch"]
    assert first == run(synthetic, spec, seed=4, budget=budget).rows["arch"]
    assert len(set(first)) == len(first) == budget
    assert first != run(synthetic, spec, seed=5, budget=budget).rows["arch"]


def test_the_rejection_samplers_anywhere_is_unseen_draws_and_neighbours(synthetic):
    algo = LaNAS(synthetic, np.random.default_rng(0), inleaf="localbo", gp_until=30, sampler="reject")
    for _ in range(12):
        arch = algo.ask()
        assert arch is not None
        algo.tell(arch, answer(synthetic, arch))
    source = algo._inleaf.source
    assert isinstance(source, RegionSource)
    cands = source.anywhere(np.array([0]))
    assert cands is not None
    archs = [tuple(int(v) for v in a) for a in cands.archs]
    assert len(set(archs)) == len(archs) and not set(archs) & algo.samples.seen
    near = set(one_decision_neighbours(synthetic, algo.samples.archs[0])) - algo.samples.seen
    assert near <= set(archs) and len(archs) > len(near)


def test_restart_pick_acts_only_at_restarts_after_the_gp(synthetic):
    """``restart_pick=gp`` changes nothing without restarts, nothing before ``gp_until`` samples,
    and the history after a restart that follows them."""
    same = ("lanas-plus:gp_until=20,restart=0", "lanas-plus:gp_until=20,restart=0,restart_pick=gp")
    assert (
        run(synthetic, same[0], seed=1, budget=120).rows["arch"]
        == run(synthetic, same[1], seed=1, budget=120).rows["arch"]
    )
    plain = run(synthetic, "lanas-plus:gp_until=20,restart=5", seed=1, budget=120).rows["arch"]
    picked = run(synthetic, "lanas-plus:gp_until=20,restart=5,restart_pick=gp", seed=1, budget=120).rows["arch"]
    first_difference = next(i for i, (a, b) in enumerate(zip(plain, picked)) if a != b)
    assert first_difference >= 20
