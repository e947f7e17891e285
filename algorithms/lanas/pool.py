"""The pool of an enumerable space: which table rows are still unevaluated, and their buckets.

At every rebuild the unevaluated rows are routed through the tree once (vectorised) into one
bucket per leaf; a leaf's architecture is a uniform draw without replacement from its bucket.
When the selected leaf's bucket is empty, ``empty_leaf`` decides (:mod:`.empty_leaf`).

A table of more than :data:`LAZY_ROWS` rows (NAS-Bench-101's 423,624) is not routed at each
rebuild: the rows a search asks about are routed when asked (:meth:`Pool.leaves`), a leaf's draw is
a uniform draw of available rows kept when it lands in the leaf (the same distribution as the
bucket's draw), and the whole pool is routed only when that keeps failing (the leaf holds a tiny
part of the pool, or none) or when every bucket is asked for (:attr:`Pool.sizes`). The cost of a
rebuild then no longer grows with the table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from benchmarks.base import Arch, Benchmark, arch_codes

from .samples import encode
from .tree import Tree

MAX_LOOKUP = 2_000_000  # largest product space given a dense row look-up (16 MB)
LAZY_ROWS = 100_000  # larger pools are routed on demand (above every embedded table's 26,206 rows)
FIRST_CHUNK = 64  # lazy draws: rows routed in the first try, doubling at each try ...
ROUTE_ALL_AFTER = 16  # ... until 1/16 of the pool was tried; then the whole pool is routed
CHUNK = 1024  # rows filtered through a region at a time by :meth:`Pool.draw_inside`


class Pool:
    """The rows of ``benchmark.all_archs()`` and which are still available (not proposed)."""

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator) -> None:
        self.benchmark, self.rng = benchmark, rng
        archs = benchmark.all_archs()
        if archs is None:
            raise ValueError(f"{benchmark.name} is not enumerable: a pool needs all_archs()")
        self.archs: np.ndarray = archs
        self.available = np.ones(len(self.archs), dtype=bool)
        self.lazy = len(self.archs) > LAZY_ROWS
        self._buckets: list[np.ndarray] = []
        self._sizes = np.zeros(0, dtype=np.int64)
        self._leaf_of = np.zeros(0, dtype=np.int64)  # leaf of every row at the last rebuild
        self._tree: Tree | None = None  # lazy pools: the tree not yet routed into buckets
        self._E: np.ndarray | None = None  # encodings of every row, made on first use
        self._lookup: np.ndarray | None = None  # see :func:`_row_lookup`, made on first use
        self._near: dict[int, np.ndarray] = {}  # row -> rows of its one-decision neighbours

    def arch(self, row: int) -> Arch:
        return tuple(self.archs[row].tolist())

    def row(self, arch: Arch) -> int:
        """The table row of ``arch``; ValueError when it is not in the table."""
        row = int(self.benchmark.index([arch])[0])
        if row < 0:
            raise ValueError(f"{arch} is not an architecture of {self.benchmark.name}")
        return row

    def rows(self, archs: np.ndarray) -> np.ndarray:
        """Table row of each architecture (values in range), -1 where it is not in the table."""
        if self._lookup is None:
            self._lookup = _row_lookup(self.benchmark)
        if not len(self._lookup):
            return self.benchmark.index(archs)
        return self._lookup[arch_codes(archs, self.benchmark.choices)]

    def neighbour_rows(self, row: int) -> np.ndarray:
        """Table rows of the one-decision neighbours of row ``row`` (``Benchmark.neighbours``; kept)."""
        if row not in self._near:
            near = self.benchmark.neighbours(self.arch(row))
            idx = self.benchmark.index(near) if near else np.zeros(0, dtype=int)
            self._near[row] = np.asarray(idx[idx >= 0], dtype=np.int64)
        return self._near[row]

    def encodings(self) -> np.ndarray:
        if self._E is None:
            self._E = encode(self.benchmark, self.archs)
        return self._E

    def draw_initial(self) -> int | None:
        """A uniform draw without replacement from every available row (before the first rebuild)."""
        if not self.buckets:
            self.buckets = [np.flatnonzero(self.available)]
            self.sizes = np.array([len(self.buckets[0])])
        return self.draw(0)

    @property
    def buckets(self) -> list[np.ndarray]:
        """Per leaf, its available rows at the last rebuild (the first ``sizes[leaf]`` still drawable)."""
        self._route_all()
        return self._buckets

    @buckets.setter
    def buckets(self, value: list[np.ndarray]) -> None:
        self._buckets = value

    @property
    def sizes(self) -> np.ndarray:
        self._route_all()
        return self._sizes

    @sizes.setter
    def sizes(self, value: np.ndarray) -> None:
        self._sizes = value

    @property
    def leaf_of(self) -> np.ndarray:
        """The leaf of every row at the last rebuild (lazy pools: routes the whole pool)."""
        self._route_all()
        return self._leaf_of

    def leaves(self, rows: np.ndarray) -> np.ndarray:
        """The leaf of each of ``rows`` under the last rebuild's tree (lazy pools: routed now)."""
        if self._tree is None:
            return self._leaf_of[rows]
        return self._tree.route(encode(self.benchmark, self.archs[rows]))

    def fill(self, tree: Tree) -> None:
        """Route every row through ``tree`` into one bucket of available rows per leaf (a lazy
        pool only keeps ``tree``; see the module's docstring)."""
        if self.lazy:
            self._tree = tree
            return
        self._fill(tree)

    def _route_all(self) -> None:
        if self._tree is not None:
            tree, self._tree = self._tree, None
            self._fill(tree, encode(self.benchmark, self.archs))

    def _fill(self, tree: Tree, encodings: np.ndarray | None = None) -> None:
        pool = np.flatnonzero(self.available)
        # routing every row beats gathering the pool's rows first (the pool is most of them)
        self._leaf_of = tree.route(self.encodings() if encodings is None else encodings)
        leaves = self._leaf_of[pool]
        order = np.argsort(leaves, kind="stable")
        self._sizes = np.bincount(leaves, minlength=tree.n_leaves).astype(np.int64)
        self._buckets = np.split(pool[order], np.cumsum(self._sizes)[:-1])

    def draw(self, leaf: int) -> int | None:
        """A uniform draw without replacement from a leaf's bucket (swap-remove; rows made
        unavailable since the rebuild are dropped as they come up); lazy pools: see :meth:`_try_draw`."""
        if self._tree is not None:
            row = self._try_draw(self._tree, leaf)
            if row is not None:
                return row
        bucket, size = self.buckets[leaf], int(self.sizes[leaf])
        while size > 0:
            j = int(self.rng.integers(size))
            row = int(bucket[j])
            bucket[j] = bucket[size - 1]
            size -= 1
            if self.available[row]:
                self.sizes[leaf] = size
                self.available[row] = False
                return row
        self.sizes[leaf] = 0
        return None

    def draw_inside(
        self, inside: Callable[[np.ndarray], np.ndarray], want: int, skip: Collection[int] = ()
    ) -> list[int]:
        """Up to ``want`` available rows, none of ``skip``, in a region given by ``inside`` (rows ->
        mask): the first of one random order of the available rows (``rng.permutation``, drawn
        even for ``want=0``) that lie inside, filtered :data:`CHUNK` rows at a time so that a
        costly ``inside`` sees few. Uniform draws without replacement; the rows stay available."""
        rows = np.flatnonzero(self.available)
        rows = rows[self.rng.permutation(len(rows))]
        out: list[int] = []
        for start in range(0, len(rows), CHUNK):
            if len(out) >= want:
                break
            chunk = rows[start : start + CHUNK]
            out += [int(r) for r in chunk[inside(chunk)] if r not in skip][: want - len(out)]
        return out

    def _try_draw(self, tree: Tree, leaf: int) -> int | None:
        """A lazy pool's draw from ``leaf``: uniform draws of rows, routed in growing chunks, the
        first available one that lands in ``leaf`` taken (uniform over the leaf's available rows,
        as a bucket's draw); None after 1/:data:`ROUTE_ALL_AFTER` of the pool was tried."""
        tried, chunk, n = 0, FIRST_CHUNK, len(self.archs)
        while tried < n // ROUTE_ALL_AFTER:
            rows = self.rng.integers(n, size=chunk)
            rows = rows[self.available[rows]]
            hit = np.flatnonzero(tree.route(encode(self.benchmark, self.archs[rows])) == leaf)
            if len(hit):
                row = int(rows[hit[0]])
                self.available[row] = False
                return row
            tried, chunk = tried + chunk, 2 * chunk
        return None


def _row_lookup(benchmark: Benchmark) -> np.ndarray:
    """``benchmark.index`` of every point of a small product space, in the order of their codes
    (:func:`benchmarks.base.arch_codes`): a look-up per candidate instead of a search (the in-leaf
    samplers ask for hundreds per proposal). Empty when the space is too large."""
    choices = tuple(int(c) for c in benchmark.choices)
    if float(np.prod(choices, dtype=np.float64)) > MAX_LOOKUP:
        return np.zeros(0, dtype=np.int64)
    grid = np.stack(np.meshgrid(*[np.arange(c) for c in choices], indexing="ij"), -1).reshape(-1, len(choices))
    return np.asarray(benchmark.index(grid), dtype=np.int64)
