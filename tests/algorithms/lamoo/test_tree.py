"""LaMOO's dominance-split tree (algorithms/lamoo/tree.py) against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from algorithms.lamoo.tree import DominanceSplit, Node, build, dominance_number, region
from algorithms.lanas.tree import ucb
from benchmarks.objectives import hypervolume


def test_dominance_number_by_hand():
    C = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 2.0], [1.0, 1.0], [2.0, 0.0]])
    # (0,0) dominates every other; (1,1) twice is not a domination; (0.5,2) is dominated by (0,0) only
    assert dominance_number(C).tolist() == [0, 1, 1, 1, 1]
    assert dominance_number(np.array([[2.0, 2.0], [1.0, 1.0], [0.0, 0.0]])).tolist() == [2, 1, 0]


def test_node_ucb_is_lanas_ucb():
    root = Node(np.arange(16))
    kid = Node(np.arange(4), root, True, value=0.5)
    assert root.uct(1.0) == math.inf and Node(np.zeros(0, dtype=int), root).uct(1.0) == math.inf
    assert kid.uct(0.25) == ucb(0.5, 4, 16, 0.25) == pytest.approx(0.5 + 0.5 * math.sqrt(2 * math.log(16) / 4))
    assert kid.path() == [root, kid]


def _samples(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One-hot encodings of a 2-decision space whose first decision sets the costs: value 0 is
    good in both objectives, so the boundary is learnable."""
    rng = np.random.default_rng(seed)
    a = rng.integers(4, size=(n, 2))
    X = np.zeros((n, 8))
    X[np.arange(n), a[:, 0]] = X[np.arange(n), 4 + a[:, 1]] = 1.0
    C = np.column_stack([a[:, 0] + 0.1 * rng.random(n), a[:, 0] + 0.1 * rng.random(n)]) / 4
    return X, C


def test_build_splits_by_dominance_and_values_nodes_by_hypervolume():
    X, C = _samples()
    nodes = build(X, C, leaf_size=16, max_nodes=50, split=DominanceSplit("poly", 4))
    root = nodes[0]
    assert len(nodes) > 1 and len(root.kids) == 2
    good, bad = root.kids
    assert good.good and not bad.good
    assert sorted(np.concatenate([good.rows, bad.rows]).tolist()) == list(range(len(C)))
    # the good child takes the n // 2 + 1 samples of least dominance number
    order = np.argsort(dominance_number(C), kind="stable")
    assert sorted(good.rows.tolist()) == sorted(order[: len(C) // 2 + 1].tolist())
    assert all(n.value == hypervolume(C[n.rows]) for n in nodes)
    assert good.value > bad.value
    assert all(len(n.rows) >= 16 for n in nodes if n.kids)  # only nodes of leaf_size samples split


def test_a_node_whose_samples_do_not_separate_stays_a_leaf():
    X, C = _samples(n=20)
    assert len(build(X, C, leaf_size=21, max_nodes=50, split=DominanceSplit("poly", 4))) == 1  # too few samples
    # one encoding for all: the SVM cannot tell the good half from the bad, predicts one class
    assert len(build(np.ones_like(X), C, leaf_size=2, max_nodes=50, split=DominanceSplit("poly", 4))) == 1


def test_region_is_where_the_paths_svms_send_rows():
    X, C = _samples()
    nodes = build(X, C, leaf_size=16, max_nodes=3, split=DominanceSplit("linear", 1))
    good, bad = nodes[0].kids
    side = nodes[0].svm.predict(X)
    assert np.array_equal(region([nodes[0], good], X), side == 0)
    assert np.array_equal(region([nodes[0], bad], X), side == 1)
    assert region([nodes[0]], X).all()


def test_build_stops_splitting_past_the_node_cap_breadth_first():
    X, C = _samples(n=200)
    full = build(X, C, leaf_size=16, max_nodes=1000, split=DominanceSplit("linear", 1))
    for cap in (1, 4, 8):
        nodes = build(X, C, leaf_size=16, max_nodes=cap, split=DominanceSplit("linear", 1))
        assert cap < len(nodes) <= cap + 2 < len(full)  # a split past the cap is the last one
        assert [len(n.rows) for n in nodes] == [len(n.rows) for n in full[: len(nodes)]]  # breadth first
        at = {id(n): i for i, n in enumerate(nodes)}
        assert all(at[id(n.parent)] < at[id(n)] for n in nodes[1:])
        assert all([k.good for k in n.kids] == [True, False] for n in nodes if n.kids)
