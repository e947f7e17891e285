"""Where an in-leaf search's candidates come from: a candidate source (:mod:`.inleaf` pairs one with
a picker of :mod:`.inleaf_pickers`).

- :class:`PoolSource` (enumerable spaces, ``sampler=auto|pool``): the pool's unevaluated rows; a
  leaf's bucket is exactly its region (:mod:`.pool`).
- :class:`RegionSource` (other spaces, and ``sampler=reject``): the rejection sampler's candidates
  (``benchmark.sample`` and ``mutate`` of the leaf's best samples, in chunks) that satisfy every
  constraint of the leaf's path (:mod:`.regions`).

Both offer the same candidate sets: the whole region (:meth:`~PoolSource.region`), the one-decision
neighbours of the leaf's best samples (:meth:`~PoolSource.near`), the GP's set
(:meth:`~PoolSource.for_gp`), the GP's set over the whole space (:meth:`~PoolSource.anywhere`)
and one uniform draw (:meth:`~PoolSource.draw`); and both take what
a picker chose (:meth:`~PoolSource.take`, :meth:`~PoolSource.take_arch`), marking its row
unavailable where the space has a pool.

A one-decision neighbour is one of ``benchmark.neighbours`` that differs from its parent in one
decision (:func:`one_decision_neighbours`; a stored representative that changes several decisions,
as NAS-Bench-Graph's, is not one); the pool looks them up as table rows all at once
(:func:`stored_changes`, tested equal to the benchmark's).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from benchmarks.base import Arch, Benchmark

from .pool import Pool
from .regions import region_candidates, region_parents, sample_in_region
from .samples import SampleView, encode
from .tree import Tree

Found = tuple[Arch, int | None]  # an architecture and its table row (None when not enumerable)
N_REGION_CANDIDATES = 64  # in-region candidates scored per proposal on non-enumerable spaces
GP_CANDIDATES = 500  # ``gp_until`` on a pool: at most this many of the leaf's rows, drawn at random


@dataclass(frozen=True)
class Candidates:
    """Unevaluated architectures a picker chooses among: their decisions, one row each (what a
    model scores), and their table rows (None: the rejection sampler's, not a pool's)."""

    archs: np.ndarray
    rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.archs)


def one_decision_neighbours(benchmark: Benchmark, arch: Arch) -> list[Arch]:
    """The architectures of ``benchmark.neighbours(arch)`` that differ from ``arch`` in one
    decision, by decision and then value (the order of the one-decision changes)."""
    changed = {n: [i for i, (a, b) in enumerate(zip(n, arch)) if a != b] for n in benchmark.neighbours(arch)}
    return sorted((n for n, at in changed.items() if len(at) == 1), key=lambda n: (changed[n][0], n[changed[n][0]]))


def stored_changes(archs: np.ndarray, pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """Table rows of every one-decision change of every row of ``archs`` that the table stores (the
    pool's vectorised form of :func:`one_decision_neighbours`) and the index of the row changed."""
    archs = np.asarray(archs, dtype=np.int64)
    pos, val = _moves(tuple(int(c) for c in pool.benchmark.choices))
    kids = np.repeat(archs[:, None, :], len(pos), axis=1)
    kids[:, np.arange(len(pos)), pos] = val
    keep = archs[:, pos] != val  # drop the no-op "changes"
    owner = np.repeat(np.arange(len(archs)), len(pos)).reshape(len(archs), -1)[keep]
    rows = pool.rows(kids[keep])
    stored = rows >= 0
    return rows[stored], owner[stored]


@lru_cache(maxsize=16)
def _moves(choices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(decision, value) of every one-decision assignment of a space, as two arrays."""
    pos = np.array([i for i, c in enumerate(choices) for _ in range(c)], dtype=np.int64)
    val = np.array([v for c in choices for v in range(c)], dtype=np.int64)
    return pos, val


def first_owners(owner: np.ndarray, k: int) -> np.ndarray:
    """Mask of the entries of ``owner`` (ascending) that belong to its first ``k`` distinct values."""
    firsts = owner[np.concatenate([[True], owner[1:] != owner[:-1]])]
    return owner <= firsts[min(k, len(firsts)) - 1]


class PoolSource:
    """Enumerable spaces: candidates are the pool's available rows."""

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, pool: Pool, samples: SampleView) -> None:
        self.benchmark, self.rng, self.pool, self.samples = benchmark, rng, pool, samples
        #: leaf -> ((its samples best first, parents scanned), (rows, owners) of their in-region
        #: neighbours): kept while the leaf's parents are the same (rows only become unavailable)
        self._near: dict[int, tuple[tuple[np.ndarray, int], tuple[np.ndarray, np.ndarray]]] = {}

    def refresh(self, tree: Tree) -> None:
        """A new tree (the pool routes its rows itself): the neighbours found per leaf are stale."""
        self._near = {}

    def take(self, cands: Candidates, i: int) -> Found:
        assert cands.rows is not None
        row = int(cands.rows[i])
        self.pool.available[row] = False
        return tuple(int(v) for v in self.pool.archs[row]), row

    def take_arch(self, arch: Arch) -> Found:
        row = self.pool.row(arch)
        self.pool.available[row] = False
        return arch, row

    def _bucket(self, leaf: int) -> np.ndarray:
        bucket = self.pool.buckets[leaf][: int(self.pool.sizes[leaf])]
        return bucket[self.pool.available[bucket]]

    def _of_rows(self, rows: np.ndarray) -> Candidates | None:
        return Candidates(self.pool.archs[rows], rows) if len(rows) else None

    def region(self, leaf: int) -> Candidates | None:
        return self._of_rows(self._bucket(leaf))

    def draw(self, leaf: int) -> Found | None:
        row = self.pool.draw(leaf)
        return None if row is None else (self.pool.arch(row), row)

    def for_gp(self, leaf: int, parents: np.ndarray) -> Candidates | None:
        """A random :data:`GP_CANDIDATES` of the leaf's rows and the in-region neighbours of ``parents``."""
        pool, bucket = self.pool, self._bucket(leaf)
        if len(bucket) > GP_CANDIDATES:
            bucket = bucket[np.sort(self.rng.choice(len(bucket), GP_CANDIDATES, replace=False))]
        if len(parents):
            rows, _ = stored_changes(np.array([self.samples.archs[i] for i in parents]), pool)
            rows = np.unique(rows)
            rows = rows[pool.available[rows]]
            bucket = np.union1d(bucket, rows[pool.leaves(rows) == leaf])
        return self._of_rows(bucket)

    def anywhere(self, parents: np.ndarray) -> Candidates | None:
        """A random :data:`GP_CANDIDATES` of every available row and the neighbours of ``parents``
        wherever they lie (``gp_scope=space``, ``restart_pick=gp``)."""
        rows = np.flatnonzero(self.pool.available)
        if len(rows) > GP_CANDIDATES:
            rows = rows[np.sort(self.rng.choice(len(rows), GP_CANDIDATES, replace=False))]
        if len(parents):
            near, _ = stored_changes(np.array([self.samples.archs[i] for i in parents]), self.pool)
            rows = np.union1d(rows, near[self.pool.available[near]])
        return self._of_rows(rows)

    def near(self, leaf: int, order: np.ndarray, scan: int, k: int, in_region: bool) -> Candidates | None:
        """The unevaluated one-decision neighbours (in the leaf's region unless ``in_region`` is
        False) of the first ``k`` of the leaf's best ``scan`` samples (``order``, best first) that
        have any."""
        pool, best = self.pool, order[:scan]
        if len(best) == 0:
            return None
        cached = self._near.get(leaf) if in_region and not pool.lazy else None
        if cached is not None and cached[0][0] is order and cached[0][1] == len(best):
            rows, owner = cached[1]
            if len(rows) == 0:  # none left in the leaf (the handover's sweep meets most leaves so)
                return None
        else:
            rows, owner = stored_changes(np.array([self.samples.archs[i] for i in best]), pool)
            if in_region and not pool.lazy:  # by this tree's routing (the pool's, at the rebuild)
                inside = pool.leaves(rows) == leaf
                rows, owner = rows[inside], owner[inside]
        free = pool.available[rows]
        rows, owner = rows[free], owner[free]
        if in_region and pool.lazy:
            inside = pool.leaves(rows) == leaf
            rows, owner = rows[inside], owner[inside]
        elif in_region:
            self._near[leaf] = ((order, len(best)), (rows, owner))
        if len(rows) == 0:
            return None
        return self._of_rows(rows[first_owners(owner, k)])


class RegionSource:
    """Other spaces: candidates come from the rejection sampler and satisfy the path's constraints."""

    def __init__(
        self, benchmark: Benchmark, rng: np.random.Generator, pool: Pool | None, samples: SampleView, max_tries: int
    ) -> None:
        self.benchmark, self.rng, self.pool, self.samples, self.max_tries = benchmark, rng, pool, samples, max_tries
        self.tree: Tree

    def refresh(self, tree: Tree) -> None:
        self.tree = tree

    def take(self, cands: Candidates, i: int) -> Found:
        return self.take_arch(tuple(int(v) for v in cands.archs[i]))

    def take_arch(self, arch: Arch) -> Found:
        row = None
        if self.pool is not None:  # an enumerable space searched with ``sampler=reject``
            row = self.pool.row(arch)
            self.pool.available[row] = False
        return arch, row

    def region(self, leaf: int) -> Candidates | None:
        """Up to :data:`N_REGION_CANDIDATES` of the rejection sampler's in-region candidates."""
        parents = region_parents(self.tree, self.samples, leaf)
        cands = region_candidates(
            self.tree, leaf, self.benchmark, self.rng, self.samples.seen, parents, self.max_tries, N_REGION_CANDIDATES
        )
        return Candidates(np.asarray(cands)) if cands else None

    def draw(self, leaf: int) -> Found | None:
        parents = region_parents(self.tree, self.samples, leaf)
        arch = sample_in_region(self.tree, leaf, self.benchmark, self.rng, self.samples.seen, parents, self.max_tries)
        return None if arch is None else self.take_arch(arch)

    def for_gp(self, leaf: int, parents: np.ndarray) -> Candidates | None:
        return self.region(leaf)

    def anywhere(self, parents: np.ndarray) -> Candidates | None:
        """:data:`N_REGION_CANDIDATES` unseen draws of ``benchmark.sample`` and the unseen
        one-decision neighbours of ``parents``."""
        seen, found = self.samples.seen, list[Arch]()
        for _ in range(self.max_tries):
            if len(found) == N_REGION_CANDIDATES:
                break
            arch = self.benchmark.sample(self.rng)
            if arch not in seen and arch not in found:
                found.append(arch)
        for i in parents:
            found.extend(c for c in one_decision_neighbours(self.benchmark, self.samples.archs[i]) if c not in seen)
        return Candidates(np.asarray(list(dict.fromkeys(found)))) if found else None

    def near(self, leaf: int, order: np.ndarray, scan: int, k: int, in_region: bool) -> Candidates | None:
        """As :meth:`PoolSource.near`, parent by parent, stopping at the ``k``-th that has any."""
        bench, seen, target = self.benchmark, self.samples.seen, self.tree.height - 1
        found: list[Arch] = []
        used = 0  # parents that gave candidates
        for i in order[:scan]:
            if used == k:
                break
            cands = [c for c in one_decision_neighbours(bench, self.samples.archs[i]) if c not in seen]
            if cands and in_region:
                depth = self.tree.in_region(encode(bench, cands), leaf)
                cands = [c for c, d in zip(cands, depth) if d == target]
            used += bool(cands)
            found.extend(c for c in cands if c not in found)
        return Candidates(np.asarray(found)) if found else None
