"""The tree that LaNAS and LaMOO share (algorithms/lanas/partition.py: growth, UCB, selection)
and LaNAS's fixed-height tree on it (algorithms/lanas/tree.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from algorithms.lanas.partition import capped, descend, grow, pick, ucb
from algorithms.lanas.regressors import make_regressor
from algorithms.lanas.tree import Tree


def test_ucb_by_hand():
    assert ucb(0.5, 4, 16, 0.25) == pytest.approx(0.5 + 2 * 0.25 * math.sqrt(2 * math.log(16) / 4))
    assert ucb(0.5, 4, 16, 0.0) == 0.5 and ucb(0.5, 4, 16, 1.0) > ucb(0.5, 8, 16, 1.0)


def test_pick_takes_the_largest_and_draws_only_on_a_tie():
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert pick([0.1, 0.7, 0.3], rng) == 1 and pick([math.inf, 2.0], rng) == 0
    assert rng.bit_generator.state == state  # no tie: no draw
    counts = np.bincount([pick([1.0, 0.0, 1.0, 1.0], rng) for _ in range(3000)], minlength=4)
    assert counts[1] == 0 and all(900 < c < 1100 for c in counts[[0, 2, 3]])  # uniform among the tied


def test_tree_select_descends_by_ucb():
    rng = np.random.default_rng(0)
    tree = Tree(3, [make_regressor("lstsq", 4, rng) for _ in range(3)])
    tree.n = [10, 6, 4, 3, 3, 2, 2]
    tree.count = list(tree.n)
    tree.total = [5.0, 1.0, 3.6, 0.3, 0.6, 1.8, 1.6]  # the bad child (node 2) has the larger mean
    assert tree.select(0.0, rng) == 2  # node 2, then its good child 5 (0.9 against 0.8): leaf 2
    tree.total[6] = 1.8  # a tie below node 2: either of its leaves, at random
    assert {tree.select(0.0, rng) for _ in range(40)} == {2, 3}
    assert tree.ucb(2, 0.0) == ucb(0.9, 4, 10, 0.0)


def _halves(X: np.ndarray, y: np.ndarray) -> tuple[str, np.ndarray] | None:
    """A splitter labelling good the samples of value at least the mean; None when all are."""
    good = y >= y.mean()
    return None if good.all() else ("boundary", good)


def test_grow_numbers_nodes_breadth_first_good_child_first():
    y = np.array([5.0, 1.0, 4.0, 2.0, 8.0, 0.0])
    part = grow(len(y), lambda groups, n: [_halves(y[g], y[g]) for g in groups], depth=2)
    assert part.kids[0] == (1, 2) and part.parent[1:3] == [0, 0]
    assert part.members[1].tolist() == [0, 2, 4] and part.members[2].tolist() == [1, 3, 5]
    assert part.kids[1] == (3, 4) and part.kids[2] == (5, 6)  # depth 2: the grandchildren are leaves
    assert part.members[3].tolist() == [4] and part.members[6].tolist() == [5]
    assert part.kids[3:] == [()] * 4 and part.models[0] == "boundary" and part.models[3] is None


def test_capped_splits_nodes_of_enough_samples_until_the_node_cap():
    y = np.arange(40, dtype=float)
    X = y[:, None]
    deep = grow(len(y), capped(_halves, X, y, 5, 100))
    assert all(len(deep.members[j]) >= 5 for j, k in enumerate(deep.kids) if k)  # only nodes of 5 samples split
    assert all(len(deep.members[j]) < 5 for j, k in enumerate(deep.kids) if not k)  # and all of them did
    for cap in (1, 2, 3, 6):  # the tree stops splitting once it has more than ``cap`` nodes
        part = grow(len(y), capped(_halves, X, y, 5, cap))
        assert len(part.members) == cap + 1 + cap % 2
        assert [len(m) for m in part.members] == [len(m) for m in deep.members[: len(part.members)]]


def test_descend_takes_the_best_scored_child_down_to_a_leaf():
    kids = {0: [1, 2], 1: [3, 4], 2: [], 3: [], 4: []}
    score = {1: 0.5, 2: 0.2, 3: 0.1, 4: 0.3}
    rng = np.random.default_rng(0)
    assert descend(0, kids.__getitem__, score.__getitem__, rng) == 4
    assert descend(0, lambda j: [k for k in kids[j] if k != 1], score.__getitem__, rng) == 2  # a single child is taken
    score[2] = 0.5
    assert {descend(0, kids.__getitem__, score.__getitem__, rng) for _ in range(40)} == {2, 4}  # a tie: at random


def test_tree_rebuild_is_grow_to_its_height():
    """LaNAS's tree grown on :func:`grow`: every node split, heap order, leaf members by value."""
    rng = np.random.default_rng(0)
    X = rng.random((32, 4))
    y = X @ np.array([1.0, 0.5, 0.0, -0.5])
    tree = Tree(3, [make_regressor("lstsq", 4, rng) for _ in range(3)])
    tree.rebuild(X, y)
    assert sum(len(tree.members[j]) for j in range(3, 7)) == 32
    for j in range(3):
        kids = np.concatenate([tree.members[2 * j + 1], tree.members[2 * j + 2]])
        assert sorted(kids.tolist()) == sorted(tree.members[j].tolist())
        assert y[tree.members[2 * j + 1]].min() >= y[tree.members[2 * j + 2]].max()  # by value, route=actual
