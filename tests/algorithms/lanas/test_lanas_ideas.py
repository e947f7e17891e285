"""The in-leaf GP for the first samples (``gp_until``, :mod:`algorithms.lanas.gp`) and the climb
restarted from the selected leaf (``inleaf=climb|climbbo``), on the synthetic table."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms.lanas import LaNAS
from algorithms.lanas.gp import HammingGP, matches
from algorithms.registry import SpecError
from benchmarks.base import Result
from harness.runner import run
from tests.synthetic import linear_table


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def test_matches_counts_equal_decisions():
    A = np.array([[0, 1, 2], [1, 1, 1]])
    B = np.array([[0, 1, 2], [2, 2, 2], [1, 0, 1]])
    assert matches(A, B).tolist() == [[3, 1, 0], [1, 0, 2]]


def test_gp_ranks_unseen_architectures_by_a_planted_additive_score():
    """Fitted on 60 random rows of a table whose value is a sum over decisions, the GP's
    posterior mean ranks the other rows with Spearman correlation above 0.7."""
    bench = linear_table(choices=(5, 5, 5, 5, 5), optimum=(4, 3, 2, 1, 0), interaction=0.0)
    rng = np.random.default_rng(0)
    archs = bench.all_archs()
    rows = rng.permutation(len(bench.valid))
    seen, rest = rows[:60], rows[60:]
    gp = HammingGP(archs[seen], bench.valid[seen])
    mu, sd = gp.predict(archs[rest])
    rho = np.corrcoef(np.argsort(np.argsort(mu)), np.argsort(np.argsort(bench.valid[rest])))[0, 1]
    assert rho > 0.7
    assert (sd > 0).all()


def test_gp_depends_on_the_values_order_only():
    """Any strictly increasing transform of the values gives the same fit and acquisition."""
    rng = np.random.default_rng(1)
    X, y, C = rng.integers(0, 4, (30, 5)), rng.random(30), rng.integers(0, 4, (200, 5))
    a = HammingGP(X, y).expected_improvement(C)
    b = HammingGP(X, np.exp(20 * y) - 3).expected_improvement(C)
    assert np.array_equal(a, b)


def test_gp_keeps_given_hyperparameters():
    rng = np.random.default_rng(2)
    X, y = rng.integers(0, 4, (25, 5)), rng.random(25)
    assert HammingGP(X, y, hyper=(2.0, 0.1)).hyper == (2.0, 0.1)


@pytest.mark.parametrize("spec", ["lanas-plus:gp_until=40", "lanas-plus:inleaf=climb", "lanas-plus:inleaf=climbbo"])
def test_new_options_are_deterministic_and_never_repeat(spec, synthetic):
    first = run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert first == run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert len(set(first)) == len(first) == 120
    assert first != run(synthetic, spec, seed=5, budget=120).rows["arch"]


def test_gp_until_changes_only_what_it_says(synthetic):
    """gp_until=N changes the history from the first proposal after the n_init random ones;
    the random ones are the same."""
    plain = run(synthetic, "lanas-plus", seed=0, budget=60).rows["arch"]
    with_gp = run(synthetic, "lanas-plus:gp_until=40", seed=0, budget=60).rows["arch"]
    assert plain[:10] == with_gp[:10] and plain != with_gp


def test_climb_moves_to_the_first_better_neighbour():
    """Once a neighbour of the climb's current architecture is told better, the next proposals
    are that neighbour's neighbours (first improvement), until a local optimum."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(0), inleaf="climb", n_parents=3, scale="rank", split="svm")
    moves = 0
    for _ in range(200):
        arch = algo.ask()
        climber = algo._inleaf.picker.climber
        before = None if climber.center is None else climber.center[0]
        algo.tell(arch, answer(bench, arch))
        after = None if climber.center is None else climber.center[0]
        if before is not None and after != before:
            if after == arch:
                moves += 1
                assert sum(a != b for a, b in zip(arch, before)) == 1  # a neighbour ...
                assert answer(bench, arch).valid > answer(bench, before).valid  # ... that is better
    assert moves >= 3


def test_new_options_are_checked():
    for spec in ("lanas:gp_until=10", "lanas-plus:gp_until=-1", "lanas:inleaf=bo,widen=5"):  # uniform has no GP
        with pytest.raises(SpecError):
            algorithms.check(spec)
    algorithms.check("lanas-plus:inleaf=climbbo,gp_until=20")
