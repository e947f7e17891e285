"""``lamoo``: LaMOO (Zhao et al., ICLR 2022) on a table benchmark with several objectives.

Settings from the authors' NAS-Bench-201 release (``aoiang/LaMOO``, ``nasbench/``): ``cp=6``
(``--cp``), ``leaf_size=16`` (``Node.update_bag``: a node splits only with more than 15 samples),
``kernel=poly``, ``degree=4`` (``--kernel``, ``--degree``, ``gamma="scale"``), ``max_nodes=50``
(``dynamic_treeify``), ``n_init=10`` (``ninits``), ``batch=5`` proposals from one leaf per tree
(``--sample_num``; ``rebuild_every=1``: the tree is rebuilt from every sample before each batch), ``select=leaf``
(``--node_select leaf``: the leaf of highest UCB among all leaves; ``select=path`` descends by UCB
as LaNAS does). Departures, each stated: the in-leaf sampler is the harness's (``inleaf=uniform``,
a uniform draw among the unevaluated architectures the path's SVMs send to the leaf, as
``lanas``; ``inleaf=local``, a one-decision neighbour of the leaf's non-dominated samples inside
the region, as ``lanas:inleaf=local``) instead of the release's qEHVI on a continuous relaxation;
costs are normalised over the samples so far (the release standardises a fixed data file); the
first ``n_init`` samples are uniform draws (the release reads them from that file); when the
selected region holds no unevaluated architecture the last boundary of the path is dropped until
one does. Two options that the release does not have make it cheap (``lamoo-plus``,
:mod:`.variants`): ``rebuild_every=k`` rebuilds the tree only once at least ``k`` samples were
told since the last build (the batches in between use the same tree and UCB values; the selected
leaf's local search also starts from the samples told since that fall in its region), and
``svm_max=m`` fits each node's SVM on at most ``m`` of its samples (:class:`.tree.DominanceSplit`). Values are read from ``result.extra["objectives"]`` (:mod:`benchmarks.objectives`).
"""

from __future__ import annotations

from collections import deque
from typing import Literal

import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.objectives import scale

from ..lanas.partition import descend, pick
from ..lanas.pool import Pool
from ..registry import at_least, one_of, register
from .tree import DominanceSplit, Node, build, dominance_number, region


@register(
    "lamoo",
    limits={
        "cp": at_least(0),
        "leaf_size": at_least(2),
        "degree": at_least(1),
        "max_nodes": at_least(1),
        "n_init": at_least(1),
        "batch": at_least(1),
        "rebuild_every": at_least(1),
        "svm_max": at_least(0),
        "kernel": one_of("poly", "rbf", "linear"),
    },
)
class LaMOO:
    """LaMOO: a tree that splits the search space by dominance, searched by UCB (module doc)."""

    multiobjective = True
    single_objective = False

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        cp: float = 6.0,
        leaf_size: int = 16,
        kernel: str = "poly",
        degree: int = 4,
        max_nodes: int = 50,
        n_init: int = 10,
        batch: int = 5,
        select: Literal["leaf", "path"] = "leaf",
        inleaf: Literal["uniform", "local"] = "uniform",
        rebuild_every: int = 1,
        svm_max: int = 0,
    ) -> None:
        self.objectives = benchmark.several_objectives()
        self.pool = Pool(benchmark, rng)  # the table's rows, which are not proposed yet, neighbours
        self.benchmark, self.rng = benchmark, rng
        self.cp, self.leaf_size, self.kernel, self.degree = cp, leaf_size, kernel, degree
        self.max_nodes, self.n_init, self.batch, self.select, self.inleaf = max_nodes, n_init, batch, select, inleaf
        self.rebuild_every, self.svm_max = rebuild_every, svm_max
        self.E = self.pool.encodings()
        self.told_rows: list[int] = []
        self.costs: list[np.ndarray] = []
        self.queue: deque[int] = deque()
        self.nodes: list[Node] = []
        self.built_at = 0  # how many samples were told when the tree was built
        self.builds = 0  # how many times the tree was built
        self._masks: dict[int, np.ndarray] = {}  # id(node) -> its region's rows (rebuild_every > 1)

    def ask(self) -> Arch | None:
        if not self.pool.available.any():
            return None
        if not self.queue:
            if len(self.told_rows) < self.n_init:
                self.queue.append(self._uniform(self.pool.available))
            else:
                self.queue.extend(self._propose())
        row = self.queue.popleft()
        self.pool.available[row] = False
        return self.pool.arch(row)

    def tell(self, arch: Arch, result: Result) -> None:
        self.costs.append(self.objectives.costs(self.objectives.vector(result.extra))[0])
        self.told_rows.append(self.pool.row(arch))

    def _uniform(self, mask: np.ndarray) -> int:
        rows = np.flatnonzero(mask)
        return int(rows[self.rng.integers(len(rows))])

    def _propose(self) -> list[int]:
        """One batch from the selected leaf (the tree rebuilt from every sample told so far when at
        least ``rebuild_every`` were told since it was last built)."""
        C = np.array(self.costs)
        C = scale(C, C.min(axis=0), C.max(axis=0))
        if not self.nodes or len(self.told_rows) - self.built_at >= self.rebuild_every:
            self._build(C)
        path = self._select()
        while True:  # drop the last boundary until the region holds an unevaluated architecture
            out = self._draw(path, C)
            if out or len(path) == 1:
                return out
            path = path[:-1]

    def _build(self, C: np.ndarray) -> None:
        X = self.E[self.told_rows]
        split = DominanceSplit(self.kernel, self.degree, self.svm_max)
        self.nodes = build(X, C, leaf_size=self.leaf_size, max_nodes=self.max_nodes, split=split)
        self.built_at, self.builds = len(self.told_rows), self.builds + 1
        self._masks.clear()

    def _draw(self, path: list[Node], C: np.ndarray) -> list[int]:
        """Up to ``batch`` unevaluated rows inside the region of ``path``: ``inleaf=local``'s
        neighbours first, then uniform draws (:meth:`algorithms.lanas.pool.Pool.draw_inside`: a
        random order of the rows filtered through the region's boundaries, or through the region's
        rows kept since the build when the tree is reused)."""
        out = self._local(path, C) if self.inleaf == "local" else []
        return out + self.pool.draw_inside(lambda rows: self._inside(path, rows), self.batch - len(out), set(out))

    def _region_rows(self, path: list[Node]) -> np.ndarray:
        """Mask of the table's rows that the boundaries along
        ``path`` send to its last node (kept per node until the tree is rebuilt; each node's from
        its parent's, so one SVM prediction per node and build)."""
        node = path[-1]
        if id(node) not in self._masks:
            if len(path) == 1:
                mask = np.ones(len(self.pool.archs), dtype=bool)
            else:
                mask = self._region_rows(path[:-1]).copy()
                idx = np.flatnonzero(mask)
                if len(idx):
                    side = path[-2].svm.predict(self.E[idx])
                    mask[idx[side != (0 if node.good else 1)]] = False
            self._masks[id(node)] = mask
        return self._masks[id(node)]

    def _inside(self, path: list[Node], rows: np.ndarray) -> np.ndarray:
        """Which of the table's ``rows`` lie in the region of ``path``."""
        if self.rebuild_every > 1:
            return self._region_rows(path)[rows]
        return region(path, self.E[rows])

    def _select(self) -> list[Node]:
        """The path to the leaf to sample (``select=leaf``: best leaf by UCB; ``path``: descend),
        chosen by LaNAS's rule (:func:`algorithms.lanas.partition.pick`, :func:`~algorithms.lanas.partition.descend`: ties at random)."""
        if self.select == "path":
            return descend(self.nodes[0], lambda n: n.kids, lambda n: n.uct(self.cp), self.rng).path()
        leaves = [n for n in self.nodes if not n.kids]
        return leaves[pick([leaf.uct(self.cp) for leaf in leaves], self.rng)].path()

    def _local(self, path: list[Node], C: np.ndarray) -> list[int]:
        """Up to ``batch`` unevaluated one-decision neighbours, inside the region, of the
        non-dominated samples of the leaf (its samples when the tree was built and those told since
        that fall in its region), drawn at random."""
        rows = path[-1].rows
        recent = np.arange(self.built_at, len(self.told_rows))
        if len(recent):
            recent = recent[self._inside(path, np.asarray(self.told_rows)[recent])]
            rows = np.concatenate([rows, recent])
        rows = rows[dominance_number(C[rows]) == 0]
        told = np.asarray(self.told_rows)
        idx = np.unique(np.concatenate([self.pool.neighbour_rows(int(told[r])) for r in rows]))
        idx = idx[self.pool.available[idx]]
        idx = idx[self._inside(path, idx)] if len(idx) else idx
        return [int(i) for i in self.rng.permutation(idx)[: self.batch]]
