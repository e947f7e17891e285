"""Drawing LaNAS's proposals: the initial random ones, and on an enumerable space the pool of
unevaluated table rows.

At every rebuild the unevaluated rows are routed through the tree once (vectorised) into one
bucket per leaf; a leaf's architecture is a uniform draw without replacement from its bucket.
When the selected leaf's bucket is empty, ``fallback`` decides (see :class:`algorithms.lanas.
LaNAS`): ``"bfs"``, the release's rule (``MCTS.search``), draws from the first non-empty leaf
in breadth-first order and credits it; ``"uniform"`` draws uniformly from every unevaluated row
and credits the selected leaf.
"""
from __future__ import annotations

import numpy as np

from benchmarks.base import Arch
from benchmarks.table import arch_codes


class PoolSampling:
    """Mixed into :class:`algorithms.lanas.LaNAS` (uses its ``tree``, ``rng``, ``benchmark``,
    ``_archs``, ``_available``, ``_buckets``, ``_sizes``, ``_codes`` and ``fallback``)."""

    def _propose_random(self) -> Arch | None:
        """One of the ``n_init`` uniform proposals (without replacement)."""
        if self._archs is not None:
            if not self._buckets:
                self._buckets = [np.flatnonzero(self._available)]
                self._sizes = np.array([len(self._buckets[0])])
            row = self._draw(0)
            return None if row is None else self._accept(tuple(self._archs[row].tolist()), None, row)
        for _ in range(self.max_tries):
            arch = self.benchmark.sample(self.rng)
            if arch not in self._seen:
                return self._accept(arch, None, None)
        return None

    def _encode(self, archs) -> np.ndarray:
        return np.asarray(self.benchmark.encode(archs), dtype=float)

    def _encodings(self) -> np.ndarray:
        if self._E is None:
            self._E = self._encode(self._archs)
        return self._E

    def _fill_buckets(self) -> None:
        pool = np.flatnonzero(self._available)
        # routing every row beats gathering the pool's rows first (the pool is most of them)
        self._leaf_of = self.tree.route(self._encodings())
        leaves = self._leaf_of[pool]
        order = np.argsort(leaves, kind="stable")
        self._sizes = np.bincount(leaves, minlength=self.tree.n_leaves).astype(np.int64)
        self._buckets = np.split(pool[order], np.cumsum(self._sizes)[:-1])

    def _fallback_row(self, selected: int) -> tuple[int, int | None]:
        """(leaf credited, row) when the ``selected`` leaf has no candidate; row None when the
        pool is exhausted. ``bfs``: the first leaf in breadth-first order that has one, credited
        (the release); ``uniform``: any unevaluated row, credited to the selected leaf."""
        self.empty_leaf_fallbacks += 1
        if self.fallback == "uniform":
            rows = np.flatnonzero(self._available)
            if len(rows) == 0:
                return selected, None
            row = int(rows[int(self.rng.integers(len(rows)))])
            self._available[row] = False
            return selected, row
        for leaf in range(self.tree.n_leaves):
            row = self._draw(leaf)
            if row is not None:
                return leaf, row
        return 0, None

    def _draw(self, leaf: int) -> int | None:
        """A uniform draw without replacement from a leaf's bucket (swap-remove; rows made
        unavailable since the rebuild are dropped as they come up)."""
        bucket, size = self._buckets[leaf], int(self._sizes[leaf])
        while size > 0:
            j = int(self.rng.integers(size))
            row = int(bucket[j])
            bucket[j] = bucket[size - 1]
            size -= 1
            if self._available[row]:
                self._sizes[leaf] = size
                self._available[row] = False
                return row
        self._sizes[leaf] = 0
        return None

    def _row(self, arch: Arch) -> int:
        if self._codes is None:
            codes = arch_codes(self._archs, self.benchmark.choices)
            order = np.argsort(codes, kind="stable")
            self._codes = (codes[order], order)
        codes, order = self._codes
        code = int(arch_codes(np.asarray([arch]), self.benchmark.choices)[0])
        i = int(np.searchsorted(codes, code))
        if i >= len(codes) or codes[i] != code:
            raise ValueError(f"{arch} is not an architecture of {self.benchmark.name}")
        return int(order[i])

