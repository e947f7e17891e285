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

- ``bandit``: each proposal made by one of ``localbo``, ``local``, ``bo`` and the uniform draw,
  chosen by a bandit rewarded with the told value's quantile (:mod:`.bandit`).

``gp_until=N`` (any kind): while fewer than N samples are told, a Hamming-kernel GP
(:mod:`.gp`) picks the leaf's candidate of largest expected improvement first.

Candidates: on enumerable spaces, the leaf's bucket of unevaluated architectures (exactly its
region); elsewhere the rejection sampler's candidates (``benchmark.sample`` and ``mutate`` of
the leaf's best samples, in chunks; see :mod:`algorithms.lanas.regions`) that satisfy every
constraint of the path: one class per kind of space (:class:`PoolInLeaf`, :class:`RegionInLeaf`),
each with the two searches, ``local`` and ``bo``; the class and the search are chosen once, at
construction. When the selected leaf gives no candidate, ``handover`` decides (counted in
``LaNAS.inleaf_fallbacks``; see :class:`~algorithms.lanas.options.InLeafOptions`).

What the searches share (the model, the handover, the GP's pick) is :class:`~.inleaf_base.InLeaf`.
A search gets the pool (None on a space that is not enumerable), the tree (at each rebuild) and a
read-only view of the samples; it never sees the LaNAS object.
"""

from __future__ import annotations

import numpy as np

from benchmarks.base import Arch, Benchmark

from .climb import neighbours
from .inleaf_base import HANDOVERS, SCAN, Found, InLeaf
from .options import InLeafOptions
from .pool import Pool
from .regions import region_candidates, region_parents, sample_in_region
from .samples import SampleView, encode
from .tree import Tree

__all__ = ["HANDOVERS", "KINDS", "InLeaf", "PoolInLeaf", "RegionInLeaf", "make_inleaf"]

N_BO_CANDIDATES = 64  # in-region candidates scored per proposal on non-enumerable spaces

KINDS = (
    "uniform",
    "local",
    "bo",
    "localbo",
    "climb",
    "climbbo",
    "bandit",
)  # ``inleaf``; uniform: none (the paper's draw)
GP_CANDIDATES = 500  # ``gp_until``: at most this many of the leaf's rows, drawn at random, are scored


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


class PoolInLeaf(InLeaf):
    """Enumerable spaces: candidates are the pool's rows (a leaf's bucket is exactly its region)."""

    pool: Pool

    def refresh(self, tree: Tree) -> None:
        super().refresh(tree)
        #: leaf -> ((its samples best first, parents), (their neighbours, owners, rows, indices of
        #: those in the table and in the leaf's region)): kept while the leaf's parents are the same
        self._neighbour_rows: dict[int, tuple[tuple[np.ndarray, int], tuple[np.ndarray, ...]]] = {}

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
        return int(bucket[self.leaf_gp.pick(pool.archs[bucket])])

    def _local(self, leaf: int, in_region: bool = True) -> int | None:
        pool = self.pool
        parents = self.leaf_samples(leaf)
        best = parents[: max(self.n_parents, SCAN)]
        if len(best) == 0:
            return None
        key = (parents, len(best))
        cached = self._neighbour_rows.get(leaf) if in_region and not pool.lazy else None
        if cached is not None and cached[0][0] is parents and cached[0][1] == len(best):
            neigh, owner, rows, cand = cached[1]
            if len(cand) == 0:  # none left in the leaf (the handover's sweep meets most leaves so)
                return None
        else:
            parent_archs = np.array([self.samples.archs[i] for i in best], dtype=np.int64)
            neigh, owner = neighbours(parent_archs, self.benchmark.choices)
            rows = pool.rows(neigh)
            cand = np.flatnonzero(rows >= 0)
            if in_region and not pool.lazy:  # by this tree's routing (the pool's, at the rebuild)
                cand = cand[pool.leaves(rows[cand]) == leaf]
        cand = cand[pool.available[rows[cand]]]
        if in_region and pool.lazy:
            cand = cand[pool.leaves(rows[cand]) == leaf]
        elif in_region:  # kept for the next call: rows only ever become unavailable
            self._neighbour_rows[leaf] = (key, (neigh, owner, rows, cand))
        if len(cand) == 0:
            return None
        if self.model_picks:  # localbo: the model picks among those of the best ``n_parents``
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

    def _uniform(self, leaf: int, in_region: bool = True) -> int | None:
        """The paper's uniform draw from the leaf's bucket (``inleaf=bandit``'s ``uniform``)."""
        return self.pool.draw(leaf) if in_region else None


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
        return cands[self.leaf_gp.pick(np.asarray(cands))]

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
                if inside and not self.model_picks:
                    return inside[int(self.rng.integers(len(inside)))]
                used += bool(inside)
                found.extend(c for c in inside if c not in found)
        if not found:
            return None
        return found[int(np.argmax(self._scores(np.asarray(found))))]

    def _uniform(self, leaf: int, in_region: bool = True) -> Arch | None:
        """The paper's uniform draw from the leaf's region (``inleaf=bandit``'s ``uniform``)."""
        if not in_region:
            return None
        parents = region_parents(self.tree, self.samples, leaf)
        return sample_in_region(self.tree, leaf, self.benchmark, self.rng, self.samples.seen, parents, self.max_tries)

    def _bo(self, leaf: int, in_region: bool = True) -> Arch | None:
        cands = self._candidates(leaf)
        if not cands:
            return None
        return cands[int(np.argmax(self._scores(np.asarray(cands))))]
