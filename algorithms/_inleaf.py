"""Searching inside the selected LaNAS leaf (``lanas:inleaf=local|bo``), a departure from the paper.

LaNAS (TPAMI, Sec. 3) draws uniformly from the selected leaf's region. Its follow-up LA-MCTS
(Wang, Fonseca, Tian, NeurIPS 2020) keeps the partition and the UCB walk but runs a local
optimiser inside the region. Two such in-leaf searches:

- ``local``: the unevaluated one-decision neighbours, inside the leaf's region, of the leaf's
  best evaluated architectures: the best of the leaf's samples (those routed to it at the last
  rebuild and those told since whose predicted leaf it is) that still has such a neighbour
  gives one of them uniformly at random (a stochastic hill climb restricted to the region).
- ``bo``: the leaf's unevaluated candidate of largest Thompson-sampled value under the
  pairwise Bayesian linear model of :mod:`algorithms._surrogate`, fitted on all samples.
- ``localbo``: both, a trust region as in TuRBO (the optimiser LA-MCTS runs in its leaves):
  the candidates are the in-region neighbours of the leaf's best samples, all of them, and the
  model's Thompson draw picks one.

Candidates: on enumerable spaces, the leaf's bucket of unevaluated architectures (exactly its
region); elsewhere the rejection sampler's candidates (``benchmark.sample`` and ``mutate`` of
the leaf's best samples, in chunks; see :mod:`algorithms._region`) that satisfy every
constraint of the path. When a search finds no candidate, :meth:`propose` returns None and
LaNAS falls back to its uniform in-leaf sampling (counted in ``LaNAS.inleaf_fallbacks``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from benchmarks.base import Arch
from benchmarks.table import arch_codes

from ._surrogate import PairwiseThompson

if TYPE_CHECKING:
    from .lanas import LaNAS

N_LOCAL_PARENTS = 20  # best samples of the leaf whose neighbours are tried (vectorised at once)
N_BO_CANDIDATES = 64  # in-region candidates scored per proposal on non-enumerable spaces


class InLeaf:
    """The in-leaf search ``kind`` ("local" or "bo") of one LaNAS run."""

    def __init__(self, algo: "LaNAS", kind: str) -> None:
        self.algo, self.kind = algo, kind
        self.model = PairwiseThompson(algo.benchmark.choices) if kind in ("bo", "localbo") else None
        self.local = kind in ("local", "localbo")

    # ----- feeding the model --------------------------------------------------------------
    def tell(self, arch: Arch, y: float) -> None:
        if self.model is not None:
            self.model.add(arch, y)

    def refresh(self) -> None:
        if self.model is not None:
            self.model.refresh()

    # ----- proposals ------------------------------------------------------------------------
    def propose_from(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """(architecture, leaf credited, table row) from the selected ``leaf``; when it has no
        candidate, from the first leaf in breadth-first order that has one (the release's rule
        for an empty leaf), counted in ``LaNAS.inleaf_fallbacks``; None when no leaf has one."""
        found = self.propose(leaf)
        if found is None:
            self.algo.inleaf_fallbacks += 1
            for other in range(self.algo.tree.n_leaves):
                found = self.propose(other) if other != leaf else None
                if found is not None:
                    leaf = other
                    break
            else:
                return None
        return found[0], leaf, found[1]

    def propose(self, leaf: int) -> tuple[Arch, int | None] | None:
        """An unevaluated architecture inside ``leaf``'s region and its table row (None when
        not enumerable), or None when this search has no candidate (the caller falls back)."""
        a = self.algo
        if a._pool_mode:
            rows = self._pool_local(leaf) if self.local else self._pool_bo(leaf)
            if rows is None:
                return None
            a._available[rows] = False
            return tuple(int(v) for v in a._archs[rows]), int(rows)
        arch = self._region_local(leaf) if self.local else self._region_bo(leaf)
        if arch is None:
            return None
        row = None
        if a._archs is not None:
            row = a._row(arch)
            a._available[row] = False
        return arch, row

    def leaf_samples(self, leaf: int) -> np.ndarray:
        """Indices of the leaf's evaluated samples, best first."""
        a, tree = self.algo, self.algo.tree
        members = tree.members[leaf + tree.n_internal]
        built = len(tree.members[0])
        if len(a._sample_archs) > built:  # told since the rebuild: by their predicted leaf
            new = np.arange(built, len(a._sample_archs))
            inside = tree.route(a._encode([a._sample_archs[i] for i in new])) == leaf
            members = np.concatenate([members, new[inside]])
        y = np.asarray(a._y)[members]
        return members[np.argsort(-y, kind="stable")]

    def _pool_local(self, leaf: int) -> int | None:
        a = self.algo
        best = self.leaf_samples(leaf)[:N_LOCAL_PARENTS]
        if len(best) == 0:
            return None
        parents = np.array([a._sample_archs[i] for i in best], dtype=np.int64)
        neigh, owner = neighbours(parents, a.benchmark.choices)
        rows = self._lookup(neigh)
        ok = rows >= 0
        ok[ok] = a._available[rows[ok]]
        if not ok.any():
            return None
        cand = np.flatnonzero(ok)
        cand = cand[a.tree.route(a._encodings()[rows[cand]]) == leaf]
        if len(cand) == 0:
            return None
        if self.model is not None:  # localbo: the model picks among all of them
            w = self.model.draw(a.rng)
            return int(rows[cand[int(np.argmax(self.model.score(w, neigh[cand])))]])
        cand = cand[owner[cand] == owner[cand].min()]  # the best parent that has any
        return int(rows[cand[int(a.rng.integers(len(cand)))]])

    def _pool_bo(self, leaf: int) -> int | None:
        a = self.algo
        bucket = a._buckets[leaf][:int(a._sizes[leaf])]
        bucket = bucket[a._available[bucket]]
        if len(bucket) == 0:
            return None
        w = self.model.draw(a.rng)
        return int(bucket[int(np.argmax(self.model.score(w, a._archs[bucket])))])

    def _lookup(self, archs: np.ndarray) -> np.ndarray:
        """Table row of each architecture, -1 where it is not in the table."""
        a = self.algo
        if a._codes is None:
            a._row(tuple(int(v) for v in a._archs[0]))  # builds the sorted code index
        codes, order = a._codes
        code = arch_codes(archs, a.benchmark.choices)
        pos = np.searchsorted(codes, code).clip(0, len(codes) - 1)
        return np.where(codes[pos] == code, order[pos], -1)

    # ----- non-enumerable spaces ------------------------------------------------------------
    def _region_local(self, leaf: int) -> Arch | None:
        a, bench = self.algo, self.algo.benchmark
        target = a.tree.height - 1
        pool: list[Arch] = []
        for i in self.leaf_samples(leaf)[:N_LOCAL_PARENTS]:
            parent = a._sample_archs[i]
            cands = []
            for child in neighbours(np.asarray([parent]), bench.choices)[0]:
                child = tuple(int(v) for v in child)
                if bench.is_valid(child):
                    child = bench.canonical(child)
                    if child not in a._seen and child not in cands:
                        cands.append(child)
            if cands:
                depth = a.tree.in_region(a._encode(cands), leaf)
                inside = [c for c, k in zip(cands, depth) if k == target]
                if inside and self.model is None:
                    return inside[int(a.rng.integers(len(inside)))]
                pool.extend(c for c in inside if c not in pool)
        if not pool:
            return None
        w = self.model.draw(a.rng)
        return pool[int(np.argmax(self.model.score(w, np.asarray(pool))))]

    def _region_bo(self, leaf: int) -> Arch | None:
        a = self.algo
        cands = region_candidates(a, leaf, N_BO_CANDIDATES)
        if not cands:
            return None
        w = self.model.draw(a.rng)
        return cands[int(np.argmax(self.model.score(w, np.asarray(cands))))]


def neighbours(parents: np.ndarray, choices) -> tuple[np.ndarray, np.ndarray]:
    """Every one-decision change of every row of ``parents``: (children, index of the parent)."""
    parents = np.asarray(parents, dtype=np.int64)
    moves = [(i, v) for i, c in enumerate(choices) for v in range(c)]
    pos = np.array([m[0] for m in moves])
    val = np.array([m[1] for m in moves])
    kids = np.repeat(parents[:, None, :], len(moves), axis=1)
    kids[:, np.arange(len(moves)), pos] = val
    keep = parents[:, pos] != val  # drop the no-op "changes"
    owner = np.repeat(np.arange(len(parents)), len(moves)).reshape(len(parents), -1)
    return kids[keep], owner[keep]


def region_candidates(algo: "LaNAS", leaf: int, want: int, chunk: int = 32) -> list[Arch]:
    """Unseen candidates inside ``leaf``'s region from the rejection sampler's generator
    (alternately ``benchmark.sample`` and ``mutate`` of the leaf's best samples), at most
    ``algo.max_tries`` drawn, stopping once ``want`` lie inside."""
    bench, rng, tree = algo.benchmark, algo.rng, algo.tree
    parents = algo._parents(leaf)
    out: list[Arch] = []
    fresh: set[Arch] = set()
    tries = 0
    while tries < algo.max_tries and len(out) < want:
        cands = []
        for i in range(min(chunk, algo.max_tries - tries)):
            tries += 1
            arch = bench.mutate(parents[int(rng.integers(len(parents)))], rng) if parents and i % 2 \
                else bench.sample(rng)
            if arch not in algo._seen and arch not in fresh:
                fresh.add(arch)
                cands.append(arch)
        if cands:
            depth = tree.in_region(algo._encode(cands), leaf)
            out.extend(c for c, k in zip(cands, depth) if k == tree.height - 1)
    return out[:want]
