"""LaMOO's tree (release ``aoiang/LaMOO``, ``nasbench/MCTS.py``, ``Node.py``, ``Classifier.py``).

Each node holds samples (encodings ``X``, objective vectors as normalised costs ``C``). A node
splits when it holds at least ``leaf_size`` samples (the release: more than 15) and its samples
separate: they are ordered by dominance number (how many of the node's samples dominate each;
the release's ``pg.fast_non_dominated_sorting`` ``dc``), the first ``n // 2 + 1`` are labelled
good (the release's ``i <= len // 2``), and an SVM (``sklearn.svm.SVC``, the release's
``kernel="poly", degree=4, gamma="scale"``) learns the boundary in the search space; the children
take the samples by their dominance label, as the release's ``split_data`` does. A node is not
split when the labels or the SVM's predictions on its samples are all one class. Splitting stops
when no leaf splits or the tree has more than ``max_nodes`` nodes (the release: 50). The tree
is LaNAS's (:mod:`algorithms.lanas.partition`): grown by :func:`~algorithms.lanas.partition.grow`
under that node cap (:func:`~algorithms.lanas.partition.capped`) with this labelling.

A node's value is the hypervolume of its samples' costs (:func:`benchmarks.objectives.hypervolume`,
against the reference point 1.1) in costs normalised over all samples so far; its UCB is LaNAS's
(:func:`algorithms.lanas.partition.ucb`, the release's ``Node.get_uct``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.objectives import hypervolume

from ..lanas.partition import Splitter, capped, grow, ucb


def dominance_number(C: np.ndarray) -> np.ndarray:
    """How many rows of ``C`` (costs) dominate each row."""
    le = np.ones((len(C), len(C)), dtype=bool)  # le[j, i]: row j is no worse than row i everywhere
    lt = np.zeros((len(C), len(C)), dtype=bool)  # lt[j, i]: row j is better than row i somewhere
    for k in range(C.shape[1]):
        column = C[:, k]
        le &= column[:, None] <= column[None, :]
        lt |= column[:, None] < column[None, :]
    return (le & lt).sum(axis=0)


@dataclass
class Node:
    rows: np.ndarray  # indices of the node's samples
    parent: Node | None = None
    good: bool = True  # which side of the parent's boundary (label 0 in the release)
    svm: Any = None  # the boundary to the children (DominanceSplit's SVM), None at a leaf
    kids: list[Node] = field(default_factory=list)
    value: float = 0.0

    def uct(self, cp: float) -> float:
        if self.parent is None or not len(self.rows):
            return math.inf
        return ucb(self.value, len(self.rows), len(self.parent.rows), cp)

    def path(self) -> list[Node]:
        """The nodes from the root down to this one."""
        out: list[Node] = []
        node: Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


class DominanceSplit:
    """LaMOO's split of a node's samples, in the protocol of LaNAS's splits
    (:class:`algorithms.lanas.partition.Splitter`): ``(X, C) -> (fitted SVM, good mask)``, or None when
    they do not separate. Its labelling is its one difference from LaNAS's: the first ``n // 2 + 1``
    samples by dominance number are good (LaNAS: a value at least the node's mean)."""

    def __init__(self, kernel: str, degree: int, svm_max: int = 0) -> None:
        self.kernel, self.degree, self.svm_max = kernel, degree, svm_max

    def __call__(self, X: np.ndarray, C: np.ndarray) -> tuple[Any, np.ndarray] | None:
        from sklearn.svm import SVC

        order = np.argsort(dominance_number(C), kind="stable")
        good = np.zeros(len(C), dtype=bool)
        good[order[: len(C) // 2 + 1]] = True
        if good.all():
            return None
        fit = np.arange(len(C))
        if 0 < self.svm_max < len(C):  # evenly spaced in dominance order: good and bad in proportion
            fit = np.sort(order[np.linspace(0, len(C) - 1, self.svm_max).round().astype(int)])
        # libsvm draws a seed from numpy's global generator unless given one; it is used only for
        # probability estimates (off here), so a fixed one changes nothing and leaves numpy's alone
        svm = SVC(kernel=self.kernel, degree=self.degree, gamma="scale", random_state=0)
        svm.fit(X[fit], (~good[fit]).astype(int))
        predicted = svm.predict(X[fit])
        if predicted.min() == predicted.max():
            return None
        return svm, good


def build(X: np.ndarray, C: np.ndarray, *, leaf_size: int, max_nodes: int, split: Splitter) -> list[Node]:
    """Every node of the tree over the samples (root first, breadth first), values set: LaNAS's
    :func:`~algorithms.lanas.partition.grow` under the node cap (:func:`~algorithms.lanas.partition.capped`)."""
    part = grow(len(C), capped(split, X, C, leaf_size, max_nodes))
    nodes: list[Node] = []
    for j, rows in enumerate(part.members):
        parent = nodes[part.parent[j]] if j else None
        good = parent is None or part.kids[part.parent[j]][0] == j
        node = Node(rows, parent, good, part.models[j], value=hypervolume(C[rows]))
        if parent is not None:
            parent.kids.append(node)
        nodes.append(node)
    return nodes


def region(path: list[Node], E: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``E`` (encodings) that the boundaries along ``path`` send to its last node."""
    inside = np.ones(len(E), dtype=bool)
    for parent, kid in zip(path, path[1:]):
        if not inside.any():
            break
        idx = np.flatnonzero(inside)
        side = parent.svm.predict(E[idx])
        inside[idx[side != (0 if kid.good else 1)]] = False
    return inside
