"""LaMOO's tree as its release builds it (``aoiang/LaMOO``, ``nasbench/MCTS.py`` ``dynamic_treeify``,
``Node.py``, ``Classifier.py``), rebuilt from every sample before each batch.

A node holds samples (continuous points ``X``, objective vectors ``Y`` to maximise). It can split
when it holds more than 15 samples (``Node.update_bag``) and they separate: ordered by how many of
the node's samples dominate each (``pg.fast_non_dominated_sorting``'s ``dc``, ties by sample order),
the first ``n // 2 + 1`` are labelled good (0), the rest bad (1); an SVM (``SVC(kernel="poly",
degree=4, gamma="scale")``) learns the labels, and the node is not splittable when the labels or
the SVM's predictions on its samples are one class. The kids take the samples by label
(``split_data``). ``dynamic_treeify`` splits, round by round, every splittable leaf of the round,
and stops after a round that leaves more than 50 nodes, or when no leaf is splittable.

A node's value is the hypervolume of its samples against the reference point; UCB
``value + 2 Cp sqrt(2 ln n_parent / n)`` (``Node.get_uct``); ``leaf_select`` takes the leaf of
highest UCB among all leaves (ties at random), or the root while it has no kids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from benchmarks import objectives

from ..lamoo.tree import dominance_number
from ..lanas.partition import ucb

#: ``Node.update_bag``: a node with at most this many samples does not split
SPLIT_ABOVE = 15


def domination_count(Y: np.ndarray) -> np.ndarray:
    """How many rows of ``Y`` (values to maximise) dominate each row (LaMOO's dominance number)."""
    return dominance_number(-Y)


def maximised_hypervolume(Y: np.ndarray, reference: np.ndarray) -> float:
    """Hypervolume of ``Y`` (to maximise) above ``reference`` (``botorch``'s ``Hypervolume``)."""
    return objectives.hypervolume(-np.asarray(Y, dtype=float), -np.asarray(reference, dtype=float))


@dataclass
class Node:
    rows: np.ndarray  # the node's samples
    parent: Node | None = None
    label: int = 0  # 0: the good kid of its parent, 1: the bad one
    kids: list[Node] = field(default_factory=list)
    svm: object | None = None  # fitted when the node can split
    labels: np.ndarray | None = None
    value: float = 0.0

    def uct(self, cp: float) -> float:
        if self.parent is None:
            return math.inf
        return ucb(self.value, len(self.rows), len(self.parent.rows), cp)

    def path(self) -> list[tuple[object, int]]:
        """(boundary, side) of each ancestor from the root down: the leaf's region."""
        out: list[tuple[object, int]] = []
        node = self
        while node.parent is not None:
            out.append((node.parent.svm, node.label))
            node = node.parent
        return out[::-1]


def _node(rows: np.ndarray, X: np.ndarray, Y: np.ndarray, reference: np.ndarray, **kw: object) -> Node:
    """A node over ``rows`` with its value and, when it can split, its SVM and labels."""
    from sklearn.svm import SVC

    node = Node(rows, **kw)  # type: ignore[arg-type]
    node.value = maximised_hypervolume(Y[rows], reference)
    if len(rows) <= SPLIT_ABOVE:
        return node
    labels = np.ones(len(rows), dtype=int)
    labels[np.argsort(domination_count(Y[rows]), kind="stable")[: len(rows) // 2 + 1]] = 0
    if labels.min() == labels.max():
        return node
    # random_state only seeds probability estimates (off here): numpy's global generator is left alone
    svm = SVC(kernel="poly", degree=4, gamma="scale", random_state=0).fit(X[rows], labels)
    if len(np.unique(svm.predict(X[rows]))) > 1:
        node.svm, node.labels = svm, labels
    return node


def build(X: np.ndarray, Y: np.ndarray, reference: np.ndarray, *, max_nodes: int = 50) -> list[Node]:
    """Every node of the tree over all samples, root first, kids in the order they were made."""
    nodes = [_node(np.arange(len(X)), X, Y, reference)]
    while True:
        splittable = [n for n in nodes if not n.kids and n.svm is not None]
        if not splittable:
            return nodes
        for node in splittable:
            assert node.labels is not None
            node.kids = [
                _node(node.rows[node.labels == side], X, Y, reference, parent=node, label=side) for side in (0, 1)
            ]
            nodes += node.kids
        if len(nodes) > max_nodes:
            return nodes


def select_leaf(nodes: list[Node], cp: float, rng: np.random.Generator) -> Node:
    """The leaf of highest UCB (ties at random); the root while it is the only node."""
    leaves = [n for n in nodes if not n.kids]
    if len(leaves) == 1:
        return leaves[0]
    scores = np.array([leaf.uct(cp) for leaf in leaves])
    return leaves[int(rng.choice(np.flatnonzero(scores == scores.max())))]


def inside(path: list[tuple[object, int]], X: np.ndarray) -> np.ndarray:
    """Mask of the points of ``X`` that every boundary of ``path`` sends to its side."""
    mask = np.ones(len(X), dtype=bool)
    for svm, side in path:
        idx = np.flatnonzero(mask)
        if not len(idx):
            break
        mask[idx[svm.predict(X[idx]) != side]] = False  # type: ignore[attr-defined]
    return mask
