"""Searching inside the selected LaNAS leaf (``lanas:inleaf=local|bo``), a departure from the paper.

LaNAS (TPAMI, Sec. 3) draws uniformly from the selected leaf's region. Its follow-up LA-MCTS
(Wang, Fonseca, Tian, NeurIPS 2020) keeps the partition and the UCB walk but runs a local
optimiser inside the region. Two such in-leaf searches:

- ``local``: the unevaluated one-decision neighbours, inside the leaf's region, of the leaf's
  best evaluated architectures: the best of the leaf's samples (those routed to it at the last
  rebuild and those told since whose predicted leaf it is) that still has such a neighbour
  gives one of them uniformly at random (a stochastic hill climb restricted to the region).
- ``bo``: the leaf's unevaluated candidate of largest Thompson-sampled value under the
  pairwise Bayesian linear model of :mod:`algorithms.lanas.surrogate`, fitted on all samples.
- ``localbo``: both, a trust region as in TuRBO (the optimiser LA-MCTS runs in its leaves):
  the candidates are the in-region neighbours of the leaf's best samples, all of them, and the
  model's Thompson draw picks one.
- ``climb`` and ``climbbo``: first-improvement hill climbing (:class:`Climb`, ``local-search``'s
  climb) whose restarts start from the selected leaf's best samples instead of random ones;
  ``climbbo``: the model's Thompson draw picks each next neighbour.

``gp_until=N`` (any kind): while fewer than N samples are told, a Hamming-kernel GP
(:mod:`.gp`) picks the leaf's candidate of largest expected improvement first.

Candidates: on enumerable spaces, the leaf's bucket of unevaluated architectures (exactly its
region); elsewhere the rejection sampler's candidates (``benchmark.sample`` and ``mutate`` of
the leaf's best samples, in chunks; see :mod:`algorithms.lanas.regions`) that satisfy every
constraint of the path: one class per kind of space (:class:`PoolInLeaf`, :class:`RegionInLeaf`),
each with the two searches, ``local`` and ``bo``; the class and the search are chosen once, at
construction. When the selected leaf gives no candidate, ``handover`` decides (counted in
``LaNAS.inleaf_fallbacks``; see :class:`~algorithms.lanas.options.InLeafOptions`).

A search gets the pool (None on a space that is not enumerable), the tree (at each rebuild)
and a read-only view of the samples; it never sees the LaNAS object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.base import Arch, Benchmark

from .climb import Climb, neighbours
from .gp import GRID_EVERY, HammingGP
from .options import InLeafOptions
from .pool import Pool
from .regions import region_candidates, region_parents
from .samples import SampleView, encode
from .surrogate import PairwiseThompson
from .tree import Tree

SCAN = 20  # at least this many of the leaf's best samples are scanned for unevaluated neighbours
N_BO_CANDIDATES = 64  # in-region candidates scored per proposal on non-enumerable spaces

KINDS = ("uniform", "local", "bo", "localbo", "climb", "climbbo")  # ``inleaf``; uniform: none (the paper's draw)
GP_CANDIDATES = 500  # ``gp_until``: at most this many of the leaf's rows, drawn at random, are scored
HANDOVERS = ("first_leaf", "leaf_draw", "neighbours")  # ``handover``: see :class:`InLeaf`
Found = tuple[Arch, int | None]  # an architecture and its table row (None when not enumerable)


def make_inleaf(
    options: InLeafOptions,
    benchmark: Benchmark,
    rng: np.random.Generator,
    pool: Pool | None,
    pool_mode: bool,
    samples: SampleView,
    max_tries: int,
) -> InLeaf | None:
    """The in-leaf search of one LaNAS run (None: the paper's uniform draw). ``pool_mode``:
    candidates come from the pool's buckets (else from the rejection sampler)."""
    if options.kind == "uniform":
        return None
    space = PoolInLeaf if pool_mode else RegionInLeaf
    return space(options, benchmark, rng, pool, samples, max_tries)


class InLeaf:
    """An in-leaf search: what the kinds share (the model, the widening neighbourhood, the
    handover); a subclass per space type supplies ``_local``, ``_bo`` and ``_take``."""

    def __init__(
        self,
        options: InLeafOptions,
        benchmark: Benchmark,
        rng: np.random.Generator,
        pool: Pool | None,
        samples: SampleView,
        max_tries: int,
    ) -> None:
        self.benchmark, self.rng, self.pool, self.samples, self.max_tries = benchmark, rng, pool, samples, max_tries
        self.kind, self.widen, self._stall, self._best = options.kind, options.widen, 0, -np.inf
        self.restart, self._climb_stall, self._climb_best = options.restart, 0, -np.inf
        self._first_parent = 0  # samples before this index are no parents (``restart``)
        self.base_n_parents = self.n_parents = options.n_parents  # grows with ``widen``
        self.tree: Tree  # set by refresh(), after each rebuild and before any proposal
        self._new_leaves: list[int] = []  # the predicted leaf of each sample told since the rebuild
        self.model = PairwiseThompson(benchmark.choices) if options.kind in ("bo", "localbo", "climbbo") else None
        self.local = options.kind in ("local", "localbo", "climb", "climbbo")
        self.gp_until = options.gp_until
        self._gp_hyper: tuple[int, tuple[float, float]] | None = None  # (samples then, (θ, η)) last chosen
        self.climber = Climb(benchmark, rng, samples, self.model) if options.kind in ("climb", "climbbo") else None
        self.fallbacks = 0  # proposals handed over (see ``handover``)
        # the two choices made once: which search, and what happens when it finds nothing
        self._search: Callable[[int, bool], Any] = self._local if self.local else self._bo
        if self.climber is not None:
            self._search = self._climb
        self._handover: Callable[[int], tuple[Arch, int, int | None] | None] = dict(
            zip(HANDOVERS, (self._first_leaf, self._leaf_draw, self._neighbours))
        )[options.handover]

    # ----- feeding the model --------------------------------------------------------------
    def tell(self, arch: Arch, y: float) -> None:
        if self.model is not None:
            self.model.add(arch, y)
        if y > self._best:  # a new best: back to the narrow neighbourhood
            self._best, self._stall, self.n_parents = y, 0, self.base_n_parents
        elif self.widen:
            self._stall += 1
            if self._stall >= self.widen:  # stalled: widen (twice the parents)
                self._stall, self.n_parents = 0, 2 * self.n_parents
        if self.restart:
            if y > self._climb_best:
                self._climb_best, self._climb_stall = y, 0
            else:
                self._climb_stall += 1
                if self._climb_stall >= self.restart:  # the climb is stuck: start a new one
                    self._climb_best, self._climb_stall = -np.inf, 0
                    self._first_parent = len(self.samples.archs)
                    if self.climber is not None:
                        self.climber.center = None
        if self.climber is not None:
            self.climber.tell(arch, y)

    def refresh(self, tree: Tree) -> None:
        """After a rebuild: the new tree, and the model refitted."""
        self.tree = tree
        self._new_leaves = []
        if self.model is not None:
            self.model.refresh()

    # ----- proposals ------------------------------------------------------------------------
    def propose_from(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """(architecture, leaf credited, table row) from the selected ``leaf``; when it has no
        candidate (counted in :attr:`fallbacks`), what ``handover`` says; None: the caller
        draws uniformly from the selected leaf (the paper's sampler)."""
        found = self.propose(leaf)
        if found is not None:
            return found[0], leaf, found[1]
        self.fallbacks += 1
        return self._handover(leaf)

    def propose(self, leaf: int, in_region: bool = True) -> Found | None:
        """An unevaluated architecture inside ``leaf``'s region (anywhere, for the local
        searches with ``in_region=False``) and its table row, or None when this search has none."""
        found = None
        if 2 <= len(self.samples) < self.gp_until and in_region:
            found = self._gp(leaf)
        if found is None:
            found = self._search(leaf, in_region)
        return None if found is None else self._take(found)

    def _gp_pick(self, cands: np.ndarray) -> int:
        """Index of the candidate (rows of decisions) of largest expected improvement under a GP
        fitted on every sample (:mod:`.gp`)."""
        n = len(self.samples)
        X = np.asarray(self.samples.archs, dtype=np.int64)
        hyper = None if self._gp_hyper is None or n - self._gp_hyper[0] >= GRID_EVERY else self._gp_hyper[1]
        gp = HammingGP(X, self.samples.y, hyper)
        if hyper is None:
            self._gp_hyper = (n, gp.hyper)
        return int(np.argmax(gp.expected_improvement(cands)))

    def _gp(self, leaf: int) -> Any:
        raise NotImplementedError

    def _climb(self, leaf: int, in_region: bool = True) -> Any:
        """The climb's next architecture (``climb``, ``climbbo``); a restart takes the selected
        leaf's best samples as starts. ``in_region=False`` (handover): no new start."""
        assert self.climber is not None
        starts = self.leaf_samples(leaf)[: max(self.n_parents, SCAN)] if in_region else np.zeros(0, dtype=np.int64)
        arch = self.climber.next(starts)
        return None if arch is None else self._from_arch(arch)

    def _from_arch(self, arch: Arch) -> Any:
        """What ``_take`` takes for ``arch`` (a table row, or the architecture)."""
        raise NotImplementedError

    def _first_leaf(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """The first other leaf in breadth-first order that gives a candidate, credited to it
        (the release's rule for an empty leaf)."""
        for other in range(self.tree.n_leaves):
            found = self.propose(other) if other != leaf else None
            if found is not None:
                return found[0], other, found[1]
        return None

    def _leaf_draw(self, leaf: int) -> None:
        """The paper's uniform draw from the selected leaf (LaNAS makes it)."""

    def _neighbours(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """Local searches: the pick among the neighbours of the leaf's best samples wherever
        they lie, credited to the selected leaf; else (or for ``bo``) the uniform draw."""
        found = self.propose(leaf, in_region=False) if self.local else None
        return None if found is None else (found[0], leaf, found[1])

    def _scores(self, archs: np.ndarray) -> np.ndarray:
        """The model's Thompson draw of the value of each of ``archs`` (``bo`` and ``localbo``)."""
        assert self.model is not None, "only the kinds with a model score candidates"
        return self.model.sample_scores(self.rng, archs)

    def _take(self, found: Any) -> Found:
        raise NotImplementedError

    def _local(self, leaf: int, in_region: bool = True) -> Any:
        raise NotImplementedError

    def _bo(self, leaf: int, in_region: bool = True) -> Any:
        raise NotImplementedError

    def leaf_samples(self, leaf: int) -> np.ndarray:
        """Indices of the leaf's evaluated samples, best first."""
        tree, archs = self.tree, self.samples.archs
        members = tree.members[leaf + tree.n_internal]
        built = len(tree.members[0])
        if len(archs) > built:  # told since the rebuild: by their predicted leaf
            routed = len(self._new_leaves)
            if built + routed < len(archs):  # each routed once per rebuild, not once per proposal
                self._new_leaves.extend(tree.route(encode(self.benchmark, archs[built + routed :])).tolist())
            inside = np.flatnonzero(np.asarray(self._new_leaves) == leaf)
            members = np.concatenate([members, built + inside])
        if self._first_parent:
            members = members[members >= self._first_parent]
        y = np.asarray(self.samples.y)[members]
        return members[np.argsort(-y, kind="stable")]


class PoolInLeaf(InLeaf):
    """Enumerable spaces: candidates are the pool's rows (a leaf's bucket is exactly its region)."""

    pool: Pool

    def _take(self, row: int) -> Found:
        self.pool.available[row] = False
        return tuple(int(v) for v in self.pool.archs[row]), int(row)

    def _from_arch(self, arch: Arch) -> int:
        return self.pool.row(arch)

    def _gp(self, leaf: int) -> int | None:
        """The GP's pick among the leaf's available rows (a random :data:`GP_CANDIDATES` of
        them) and the in-region neighbours of its best ``n_parents`` samples."""
        pool = self.pool
        bucket = pool.buckets[leaf][: int(pool.sizes[leaf])]
        bucket = bucket[pool.available[bucket]]
        if len(bucket) > GP_CANDIDATES:
            bucket = bucket[np.sort(self.rng.choice(len(bucket), GP_CANDIDATES, replace=False))]
        best = self.leaf_samples(leaf)[: self.n_parents]
        if len(best):
            neigh, _ = neighbours(
                np.array([self.samples.archs[i] for i in best], dtype=np.int64), self.benchmark.choices
            )
            rows = pool.rows(neigh)
            rows = np.unique(rows[rows >= 0])
            rows = rows[pool.available[rows]]
            rows = rows[pool.leaves(rows) == leaf]
            bucket = np.union1d(bucket, rows)
        if len(bucket) == 0:
            return None
        return int(bucket[self._gp_pick(pool.archs[bucket])])

    def _local(self, leaf: int, in_region: bool = True) -> int | None:
        pool = self.pool
        best = self.leaf_samples(leaf)[: max(self.n_parents, SCAN)]
        if len(best) == 0:
            return None
        parent_archs = np.array([self.samples.archs[i] for i in best], dtype=np.int64)
        neigh, owner = neighbours(parent_archs, self.benchmark.choices)
        rows = pool.rows(neigh)
        ok = rows >= 0
        ok[ok] = pool.available[rows[ok]]
        if not ok.any():
            return None
        cand = np.flatnonzero(ok)
        if in_region:  # by this tree's routing (the pool's, at the rebuild)
            cand = cand[pool.leaves(rows[cand]) == leaf]
        if len(cand) == 0:
            return None
        if self.model is not None:  # localbo: the model picks among those of the best ``n_parents``
            own = owner[cand]  # ascending: neighbours come parent by parent
            firsts = own[np.concatenate([[True], own[1:] != own[:-1]])]
            cand = cand[own <= firsts[min(self.n_parents, len(firsts)) - 1]]
            return int(rows[cand[int(np.argmax(self._scores(neigh[cand])))]])
        cand = cand[owner[cand] == owner[cand].min()]  # the best parent that has any
        return int(rows[cand[int(self.rng.integers(len(cand)))]])

    def _bo(self, leaf: int, in_region: bool = True) -> int | None:
        pool = self.pool
        bucket = pool.buckets[leaf][: int(pool.sizes[leaf])]
        bucket = bucket[pool.available[bucket]]
        if len(bucket) == 0:
            return None
        return int(bucket[int(np.argmax(self._scores(pool.archs[bucket])))])


class RegionInLeaf(InLeaf):
    """Other spaces: candidates come from the rejection sampler and satisfy the path's constraints."""

    def _take(self, arch: Arch) -> Found:
        row = None
        if self.pool is not None:  # an enumerable space searched with ``sampler=reject``
            row = self.pool.row(arch)
            self.pool.available[row] = False
        return arch, row

    def _from_arch(self, arch: Arch) -> Arch:
        return arch

    def _candidates(self, leaf: int) -> list[Arch]:
        """The rejection sampler's in-region candidates that ``bo`` and the GP score."""
        parents = region_parents(self.tree, self.samples, leaf)
        return region_candidates(
            self.tree, leaf, self.benchmark, self.rng, self.samples.seen, parents, self.max_tries, N_BO_CANDIDATES
        )

    def _gp(self, leaf: int) -> Arch | None:
        """The GP's pick among the rejection sampler's in-region candidates."""
        cands = self._candidates(leaf)
        if not cands:
            return None
        return cands[self._gp_pick(np.asarray(cands))]

    def _local(self, leaf: int, in_region: bool = True) -> Arch | None:
        bench, seen = self.benchmark, self.samples.seen
        target = self.tree.height - 1
        found: list[Arch] = []  # in-region neighbours of the parents used so far
        used = 0  # parents that gave candidates
        for i in self.leaf_samples(leaf)[: max(self.n_parents, SCAN)]:
            if used == self.n_parents:
                break
            parent = self.samples.archs[i]
            cands = []
            for child in neighbours(np.asarray([parent]), bench.choices)[0]:
                child = tuple(int(v) for v in child)
                if bench.is_valid(child):
                    child = bench.canonical(child)
                    if child not in seen and child not in cands:
                        cands.append(child)
            if cands:
                if in_region:
                    depth = self.tree.in_region(encode(bench, cands), leaf)
                    inside = [c for c, k in zip(cands, depth) if k == target]
                else:
                    inside = cands
                if inside and self.model is None:
                    return inside[int(self.rng.integers(len(inside)))]
                used += bool(inside)
                found.extend(c for c in inside if c not in found)
        if not found:
            return None
        return found[int(np.argmax(self._scores(np.asarray(found))))]

    def _bo(self, leaf: int, in_region: bool = True) -> Arch | None:
        cands = self._candidates(leaf)
        if not cands:
            return None
        return cands[int(np.argmax(self._scores(np.asarray(cands))))]
