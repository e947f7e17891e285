"""The GP of ``gp_until`` (:mod:`algorithms.lanas.gp`): the Hamming kernel's fit, its dependence on
the values' order only, and the grid choice of its hyperparameters."""

from __future__ import annotations

import numpy as np

from algorithms.lanas import gp as gp_module
from algorithms.lanas.gp import HammingGP, LeafGP, matches
from tests.synthetic import linear_table


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


class Told:
    """The read-only sample view the GP reads (architectures and their order keys)."""

    def __init__(self, archs, y) -> None:
        self.archs, self.y = [tuple(int(v) for v in a) for a in archs], list(y)

    def __len__(self) -> int:
        return len(self.archs)


def test_leaf_gp_chooses_its_hyperparameters_again_every_grid_every_samples(monkeypatch):
    """Between two choices on the grid the GP is fitted with the pair chosen last; the grid is
    searched again once GRID_EVERY more samples are told."""
    rng = np.random.default_rng(3)
    X, y = rng.integers(0, 4, (40, 5)), rng.random(40)
    grids: list[int] = []
    fit = gp_module.HammingGP

    def counting(X, values, hyper=None):
        if hyper is None:
            grids.append(len(X))
        return fit(X, values, hyper)

    monkeypatch.setattr(gp_module, "HammingGP", counting)
    told = Told(X[:5], y[:5])
    leaf_gp = LeafGP(told)  # type: ignore[arg-type]
    for n in range(5, 5 + 2 * gp_module.GRID_EVERY + 1):
        told.archs, told.y = [tuple(map(int, a)) for a in X[:n]], list(y[:n])
        leaf_gp.pick(rng.integers(0, 4, (10, 5)))
    assert grids == [5, 5 + gp_module.GRID_EVERY, 5 + 2 * gp_module.GRID_EVERY]


def test_leaf_gp_picks_the_candidate_of_largest_expected_improvement():
    bench = linear_table(choices=(4, 4, 4, 4, 3), interaction=0.0)
    archs = bench.all_archs()
    rows = np.random.default_rng(4).permutation(len(archs))
    told, cands = rows[:30], archs[rows[30:80]]
    leaf_gp = LeafGP(Told(archs[told], bench.valid[told]))  # type: ignore[arg-type]
    want = HammingGP(archs[told], bench.valid[told]).expected_improvement(cands)
    assert leaf_gp.pick(cands) == int(np.argmax(want))
