"""LaNAS's parts: regressors on degenerate data, the tree's numbering and UCB, and rejection
sampling on a space that cannot be enumerated."""

from __future__ import annotations

import math

import numpy as np
import pytest

from algorithms.lanas import LaNAS
from algorithms.lanas.regressors import AdamRegressor, make_regressor
from algorithms.lanas.tree import Tree
from benchmarks.base import Benchmark
from harness.runner import run
from tests.synthetic import linear_table


@pytest.mark.parametrize("kind", ["lstsq", "ridge", "adam"])
@pytest.mark.parametrize("n", [0, 1, 5])
def test_regressors_handle_degenerate_data(kind, n):
    rng = np.random.default_rng(0)
    X = np.eye(6)[rng.integers(6, size=n)]
    reg = make_regressor(kind, 6, rng, adam_epochs=50, adam_refit_epochs=10)
    for y in (np.full(n, 0.7), rng.random(n)):
        pred = reg.fit(X, y).predict(np.eye(6))
        assert np.all(np.isfinite(pred))
        if kind == "lstsq" and n and np.ptp(y) == 0:
            assert np.all(pred == y[0])  # exactly the constant, so it splits nothing off


def test_lstsq_is_least_squares_and_adam_approaches_it():
    rng = np.random.default_rng(1)
    X = np.eye(8)[rng.integers(8, size=300)]
    y = X @ rng.random(8) + 0.01 * rng.standard_normal(300)
    lstsq = make_regressor("lstsq", 8, rng).fit(X, y)
    ref = np.linalg.lstsq(np.hstack([X, np.ones((300, 1))]), y, rcond=None)[0]
    assert np.allclose(lstsq.predict(X), np.hstack([X, np.ones((300, 1))]) @ ref, atol=1e-8)
    adam = AdamRegressor(8, rng, lr=0.05, epochs=3000, refit_epochs=10).fit(X, y)
    assert np.abs(adam.predict(X) - lstsq.predict(X)).max() < 0.02


def test_tree_numbering_and_split():
    tree = Tree(3, [make_regressor("lstsq", 2, np.random.default_rng(0)) for _ in range(3)])
    assert (tree.n_internal, tree.n_leaves) == (3, 4)
    assert tree.path(0) == [0, 1, 3] and tree.path(3) == [0, 2, 6]
    assert tree.ucb(1, 0.1) == math.inf  # unvisited
    X = np.array([[1.0, 0.0], [0.0, 1.0]] * 4)
    y = np.array([0.9, 0.1, 0.8, 0.2, 0.9, 0.1, 0.8, 0.2])
    tree.rebuild(X, y)
    assert list(tree.members[1]) == [0, 2, 4, 6] and list(tree.members[2]) == [1, 3, 5, 7]
    # a constant model (identical encodings) still splits its samples by actual value ...
    assert list(tree.members[3]) == [0, 4] and list(tree.members[4]) == [2, 6]
    # ... and sends every candidate to its good child
    assert list(tree.route(X)[:2]) == [0, 2]
    assert tree.n[0] == 8 and math.isclose(tree.mean(1), 0.85)
    # UCB: x̄ + 2·Cp·sqrt(2·ln n_parent / n_child)
    assert math.isclose(tree.ucb(1, 0.1), 0.85 + 0.2 * math.sqrt(2 * math.log(8) / 4))
    tree.visit(1)
    tree.backup(1, 0.5)
    assert tree.n[4] == tree.count[4] == 3 and math.isclose(tree.mean(4), 0.7) and tree.n[0] == 9
    tree.visit(1)  # a pending proposal counts as a visit before its value arrives
    assert tree.n[4] == 4 and math.isclose(tree.mean(4), 0.7)


class Unlisted(Benchmark):
    """A synthetic table (5^6 architectures) seen as a space that cannot be enumerated."""

    name = "synthetic/unlisted"

    def __init__(self) -> None:
        self.table = linear_table(choices=(5,) * 6, optimum=(4, 3, 2, 1, 0, 4))
        self.choices = self.table.choices

    def query(self, arch, rng=None):
        return self.table.query(arch, rng)


def test_rejection_sampling_on_a_space_without_all_archs():
    bench = Unlisted()
    assert bench.all_archs() is None
    result = run(bench, "lanas", seed=0, budget=150)
    assert result.status == "budget", result.error
    assert len(set(result.rows["arch"])) == 150 and not any(result.rows["cached"])
    algo = result.algorithm
    with pytest.raises(ValueError):
        algo.partition()
    # proposals land in the leaf UCB chose (the deepest-region fallback is rare)
    algo = run(bench, "lanas", seed=0, budget=60).algorithm
    chosen, landed = [], []
    select = algo.tree.select

    def record(cp, rng):
        chosen.append(select(cp, rng))
        return chosen[-1]

    algo.tree.select = record
    for _ in range(30):
        arch = algo.ask()
        landed.append(algo._pending[arch][0])
        algo.tell(arch, bench.query(arch))
    assert np.mean(np.array(chosen) == np.array(landed)) > 0.8
    # it concentrates on the best region (later, in this small table, the region runs dry)
    assert np.mean(result.rows["valid"][50:100]) > np.quantile(bench.table.valid, 0.9)


def test_pool_and_reject_samplers_agree_on_the_first_rebuild():
    """Same initial samples, same tree: the two samplers differ only in how they draw."""
    bench = linear_table()
    a = LaNAS(bench, np.random.default_rng(3))
    b = LaNAS(bench, np.random.default_rng(3), sampler="reject")
    for algo in (a, b):
        for _ in range(11):
            arch = algo.ask()
            algo.tell(arch, bench.query(arch))
    assert a.samples.archs[:10] == b.samples.archs[:10]
    assert np.array_equal(a.tree.threshold, b.tree.threshold)
    assert np.array_equal(a.partition(), b.partition())
