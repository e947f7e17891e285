"""LaNAS's search tree: a full binary tree of learned linear splits (Wang et al., TPAMI, Sec. 3).

Nodes are stored in heap order as in the release (``MCTS.py``): node ``j`` has children
``2j+1`` (the good child, listed first) and ``2j+2`` (the bad child); nodes ``0..n_int-1``
are internal, the rest are leaves. Leaf ``k`` is node ``n_int + k``, so leaves are numbered in
breadth-first order, leaf 0 is the all-good path and the bits of ``k`` (most significant
first, good = 0) spell its path. Values are the benchmark's scaled to [0, 1]. The tree is
:mod:`.partition`'s, shared with LaMOO: grown by :func:`~.partition.grow` with every node split to
a fixed height, searched by :func:`~.partition.ucb` and :func:`~.partition.descend`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .partition import Split, Splitter, descend, grow, ucb
from .regressors import fit_many

#: how a node without samples routes candidates (``unsampled_node``, see :meth:`Tree.rebuild`)
UNSAMPLED_NODE = ("by_sign", "all_good")


@dataclass(frozen=True)
class Constraint:
    """``coef·x + intercept >= threshold`` when ``good``, ``<`` otherwise (values scaled to [0, 1])."""

    node: int
    coef: np.ndarray
    intercept: float
    threshold: float
    good: bool


@dataclass(frozen=True)
class Leaf:
    """A leaf as of the last rebuild: its region and the evaluated samples routed to it."""

    index: int  # 0 = the all-good path; binary digits of the index spell the path (good = 0)
    node: int  # heap id in the tree
    constraints: tuple[Constraint, ...]  # from the root down
    archs: tuple  # the samples routed here at the last rebuild
    values: np.ndarray  # their values, benchmark units
    n: int  # visits, including those since the last rebuild
    mean: float | None  # x̄ in benchmark units; None without values


class Tree:
    """Regressors, thresholds and visit statistics of a tree of ``height`` levels."""

    def __init__(self, height: int, regressors: list, splitter: Splitter | None = None) -> None:
        if height < 1:
            raise ValueError(f"height must be >= 1, got {height}")
        self.height = height
        self.n_internal = 2 ** (height - 1) - 1
        self.n_nodes = 2**height - 1
        self.n_leaves = self.n_nodes - self.n_internal
        if len(regressors) != self.n_internal:
            raise ValueError("one regressor per internal node")
        self.regressors = regressors
        #: the split rule: None, the paper's (each node's regressor, split at the mean of its
        #: predictions), or one tried first at every node with samples (``lanas:split=svm``)
        self.splitter = splitter
        self.models = list(regressors)  # each node's boundary: its regressor or the splitter's
        self.threshold = np.full(self.n_internal, -np.inf)  # no samples yet: everything is good
        # per-node statistics as lists: the selection loop reads them one by one
        self.n = [0] * self.n_nodes  # visits (pending proposals included)
        self.count = [0] * self.n_nodes  # values received
        self.total = [0.0] * self.n_nodes  # sum of values received
        self.members: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * self.n_nodes
        self._W = np.zeros((0, self.n_internal))
        self._b = np.zeros(self.n_internal)

    # ----- building ----------------------------------------------------------------------
    def rebuild(self, X: np.ndarray, y: np.ndarray, route: str = "actual", unsampled_node: str = "by_sign") -> None:
        """Refit every internal node on the samples routed to it, level by level, and reset n and x̄.

        A node's threshold is the mean of its model's predictions on its own samples (for least
        squares, the mean value). Samples go to the good child when their value (``route=
        "actual"``, the release) or their prediction (``"predicted"``) is >= the threshold.
        A node without samples is not refitted; as in the release (``unsampled_node="by_sign"``)
        it sends a candidate to its good child when its current model predicts >= 0 (an untrained
        Adam model splits at random; a least-squares model, zero until fitted, sends all of them
        there), or every candidate there (``"all_good"``). The nodes of one level train together
        (:func:`fit_many`). The tree grows by :func:`grow` to its fixed height (every node splits).
        """
        part = grow(
            len(y), lambda groups, n: self._split_level(X, y, groups, n, route, unsampled_node), self.height - 1
        )
        self.members = part.members
        self.models = part.models[: self.n_internal]
        self.n = [len(m) for m in self.members]
        self.count = list(self.n)
        self.total = [float(y[m].sum()) for m in self.members]
        if self.n_internal:
            self._W = np.stack([r.coef_ for r in self.models], axis=1)
            self._b = np.array([r.intercept_ for r in self.models])

    def _split_level(
        self, X: np.ndarray, y: np.ndarray, groups: list[np.ndarray], n_nodes: int, route: str, unsampled_node: str
    ) -> list[Split]:
        """The splits of one level's nodes (heap ids ``n_nodes - len(groups)`` on), thresholds set."""
        first, out, fit = n_nodes - len(groups), [], []
        for j, idx in enumerate(groups, first):
            found = None if self.splitter is None or len(idx) == 0 else self.splitter(X[idx], y[idx])
            if found is None and len(idx):
                fit.append(j)  # split below, once the level's regressors are fitted
            elif found is None:
                self.threshold[j] = -np.inf if unsampled_node == "all_good" else 0.0
                found = (self.regressors[j], np.zeros(0, dtype=bool))
            else:
                self.threshold[j] = 0.0
            out.append(found)
        fit_many(
            [self.regressors[j] for j in fit], [X[groups[j - first]] for j in fit], [y[groups[j - first]] for j in fit]
        )
        for j in fit:
            idx = groups[j - first]
            pred = self.regressors[j].predict(X[idx])
            # exact for a constant model, so constant values all go to the good child
            thr = float(pred[0]) if pred.max() == pred.min() else float(pred.mean())
            self.threshold[j] = thr
            out[j - first] = (self.regressors[j], (y[idx] if route == "actual" else pred) >= thr)
        return out

    def route(self, X: np.ndarray) -> np.ndarray:
        """Leaf index of every row of ``X`` by predicted value, vectorised (one product per level)."""
        node = np.zeros(len(X), dtype=np.int64)
        if self.n_internal == 0 or len(X) == 0:
            return node
        if self.n_internal <= 64:  # one BLAS product for all nodes beats per-row gathers here
            # side[i, j]: row i goes to node j's bad child; walk it down with flat gathers
            side = ((X @ self._W + self._b) < self.threshold).ravel()
            base = np.arange(0, len(X) * self.n_internal, self.n_internal)
            for _ in range(self.height - 1):
                node = 2 * node + 1 + side[base + node]
        else:
            for _ in range(self.height - 1):
                p = np.einsum("ij,ji->i", X, self._W[:, node]) + self._b[node]
                node = 2 * node + 1 + (p < self.threshold[node])
        return node - self.n_internal

    def in_region(self, X: np.ndarray, leaf: int) -> np.ndarray:
        """How many of the path's constraints (from the root down) each row satisfies in a row."""
        path = self.path(leaf)
        ok = np.ones(len(X), dtype=bool)
        depth = np.zeros(len(X), dtype=np.int64)
        for parent, child in zip(path[:-1], path[1:]):
            good = (X @ self._W[:, parent] + self._b[parent]) >= self.threshold[parent]
            ok &= good if child == 2 * parent + 1 else ~good
            depth += ok
        return depth

    # ----- MCTS --------------------------------------------------------------------------
    def path(self, leaf: int) -> list[int]:
        """Node ids from the root down to leaf ``leaf``."""
        node = leaf + self.n_internal
        out = [node]
        while node:
            node = (node - 1) // 2
            out.append(node)
        return out[::-1]

    def mean(self, node: int) -> float:
        """x̄ of a node: mean of its values, inf without visits (release); while a node has only
        pending (batch) visits, the nearest ancestor's x̄."""
        if self.n[node] == 0:
            return math.inf
        while self.count[node] == 0 and node:
            node = (node - 1) // 2
        return self.total[node] / self.count[node] if self.count[node] else 0.0

    def ucb(self, node: int, cp: float) -> float:
        """The node's :func:`ucb`, infinite for an unvisited node (the release)."""
        n = self.n[node]
        if n == 0:
            return math.inf
        return ucb(self.mean(node), n, self.n[(node - 1) // 2], cp)

    def select(self, cp: float, rng: np.random.Generator, open_leaves: np.ndarray | None = None) -> int | None:
        """Descend from the root taking the child of larger UCB (ties at random); a leaf index.

        With ``open_leaves`` (a bool per leaf), a child whose subtree holds no open leaf is
        never taken (``lanas:empty_leaf=avoid``); None when no leaf is open."""
        ok = None
        if open_leaves is not None:
            ok = np.zeros(self.n_nodes, dtype=bool)
            ok[self.n_internal :] = open_leaves
            for j in range(self.n_internal - 1, -1, -1):
                ok[j] = ok[2 * j + 1] or ok[2 * j + 2]
            if not ok[0]:
                return None

        def kids(j: int) -> list[int]:
            both = [2 * j + 1, 2 * j + 2] if j < self.n_internal else []
            return both if ok is None else [k for k in both if ok[k]]

        return descend(0, kids, lambda j: self.ucb(j, cp), rng) - self.n_internal

    def visit(self, leaf: int) -> None:
        """Count a proposal from ``leaf`` along its path (its value arrives with :meth:`backup`)."""
        for node in self.path(leaf):
            self.n[node] += 1

    def backup(self, leaf: int, value: float) -> None:
        """Back-propagate a value along the path of ``leaf`` (running mean x̄)."""
        for node in self.path(leaf):
            self.count[node] += 1
            self.total[node] += value

    # ----- inspection --------------------------------------------------------------------
    def leaves(self, archs: Sequence, values: np.ndarray, unscale: Callable[[float], float]) -> list[Leaf]:
        """Every leaf in index order; ``archs``/``values`` are the samples the tree was built on
        (and later ones, ignored), ``unscale`` maps x̄ back to benchmark units."""
        out = []
        for k in range(self.n_leaves):
            path = self.path(k)
            node, mean = path[-1], self.mean(path[-1])
            members = self.members[node]
            cons = tuple(self._constraint(p, c) for p, c in zip(path[:-1], path[1:]))
            known = self.count[node] and math.isfinite(mean)
            out.append(
                Leaf(
                    k,
                    node,
                    cons,
                    tuple(archs[i] for i in members),
                    values[members],
                    self.n[node],
                    unscale(mean) if known else None,
                )
            )
        return out

    def _constraint(self, parent: int, child: int) -> Constraint:
        """The boundary of node ``parent`` as seen from its child ``child``."""
        model = self.models[parent]
        good = child == 2 * parent + 1
        return Constraint(parent, np.array(model.coef_), float(model.intercept_), float(self.threshold[parent]), good)
