"""The UCB and the selection rule that LaNAS's tree and LaMOO's share (algorithms/lanas/tree.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from algorithms.lanas.regressors import make_regressor
from algorithms.lanas.tree import Tree, pick, ucb


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
