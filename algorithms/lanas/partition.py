"""The tree that LaNAS and LaMOO share: a partition of the samples grown by splits, the UCB of
a node and the descent by UCB (as Optuna's GA base serves both NSGA samplers).

The two differ only in how a node's samples are labelled (LaNAS: value at least the node's mean,
:class:`algorithms.lanas.tree.Tree`; LaMOO: the first half by dominance number,
:class:`algorithms.lamoo.tree.DominanceSplit`) and in the growth rule (LaNAS: every node split to a
fixed height; LaMOO: :func:`capped`, a node of enough samples while the tree is under a node cap).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

T = TypeVar("T")


def ucb(mean: float, n: int, n_parent: int, cp: float) -> float:
    """The UCB of a node visited ``n`` times whose parent was visited ``n_parent`` times:
    x̄ + 2·Cp·sqrt(2·ln n_parent / n) (LaNAS's release, ``MCTS.py``; LaMOO's ``Node.get_uct``)."""
    return mean + 2.0 * cp * math.sqrt(2.0 * math.log(n_parent) / n)


def pick(scores: Sequence[float], rng: np.random.Generator) -> int:
    """Index of the largest of ``scores``, ties broken uniformly at random (a draw only on a tie):
    the selection rule of LaNAS (between two children) and LaMOO (among children or leaves)."""
    best = max(scores)
    ties = [i for i, s in enumerate(scores) if s == best]
    return ties[0] if len(ties) == 1 else ties[int(rng.integers(len(ties)))]


class Splitter(Protocol):
    """A node's split rule, ``(X, y) -> (boundary, good mask)`` or None (no split): LaMOO's tree
    splits by one (:class:`algorithms.lamoo.tree.DominanceSplit`, ``y`` its samples' costs, under
    :func:`capped`); LaNAS's tries one before a node's regressor (``lanas:split=svm``,
    :class:`algorithms.lanas.svm_split.SvmSplit`; None leaves the node to its regressor)."""

    def __call__(self, X: np.ndarray, y: np.ndarray, /) -> tuple[Any, np.ndarray] | None: ...


#: a node's split: its boundary (model) and which of its samples go to the good child; None: a leaf
Split = tuple[Any, np.ndarray] | None


@dataclass
class Partition:
    """Sample sets of a tree's nodes, numbered breadth first with the good child before the bad
    one (for a full tree, heap order: node ``j``'s children are ``2j+1`` and ``2j+2``)."""

    members: list[np.ndarray]  # the samples of each node
    kids: list[tuple[int, ...]]  # (good, bad) children, () at a leaf
    parent: list[int]  # -1 at the root
    models: list[Any]  # each node's boundary, None at a leaf


def grow(n: int, split_level: Callable[[list[np.ndarray], int], list[Split]], depth: int | None = None) -> Partition:
    """The tree over samples ``0..n-1`` grown level by level: ``split_level(groups, n_nodes)``
    gets the samples of a level's nodes and the tree's size, and splits each node or not.
    LaNAS's tree is every node split to a fixed ``depth``; LaMOO's, split while :func:`capped`
    allows (the growth rule is their one difference beside the labelling of the splits)."""
    part = Partition([np.arange(n)], [()], [-1], [None])
    level = [0]
    while level and (depth is None or depth > 0):
        below: list[int] = []
        for j, found in zip(level, split_level([part.members[j] for j in level], len(part.members))):
            if found is not None:
                part.models[j], good = found
                part.kids[j] = (len(part.members), len(part.members) + 1)
                part.members += [part.members[j][good], part.members[j][~good]]
                part.kids += [(), ()]
                part.parent += [j, j]
                part.models += [None, None]
                below += part.kids[j]
        level, depth = below, None if depth is None else depth - 1
    return part


def capped(
    split: Splitter, X: np.ndarray, y: np.ndarray, min_samples: int, max_nodes: int
) -> Callable[[list[np.ndarray], int], list[Split]]:
    """A :func:`grow` rule splitting node by node: a node of at least ``min_samples`` samples
    by ``split``, while the tree has at most ``max_nodes`` nodes (LaMOO's ``leaf_size``, ``max_nodes``)."""

    def split_level(groups: list[np.ndarray], n_nodes: int) -> list[Split]:
        out: list[Split] = []
        for idx in groups:
            found = split(X[idx], y[idx]) if n_nodes <= max_nodes and len(idx) >= min_samples else None
            n_nodes += 0 if found is None else 2
            out.append(found)
        return out

    return split_level


def descend(root: T, kids: Callable[[T], Sequence[T]], score: Callable[[T], float], rng: np.random.Generator) -> T:
    """From ``root`` to a leaf, taking the child of largest ``score`` (:func:`pick`: ties at random)."""
    node = root
    while below := kids(node):
        node = below[pick([score(k) for k in below], rng)] if len(below) > 1 else below[0]
    return node
