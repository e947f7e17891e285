"""Candidates inside a LaNAS leaf's region when the space is too large to enumerate.

The region of a leaf is the polytope cut out by the linear constraints on its path
(``w·x + b >= t`` towards a good child, ``<`` towards a bad one). The released one-shot
LaNAS draws candidates and keeps one that satisfies the constraints (its code accepts a
candidate when *any* holds; the correct rule, used here, is *all*); the authors name
hit-and-run sampling inside the polytope as the intended method (TPAMI, one-shot LaNAS).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set

import numpy as np

from benchmarks.base import Arch, Benchmark

from .samples import Samples, SampleView, encode
from .tree import Tree

N_REGION_PARENTS = 10  # best samples of a region whose mutations are candidates (non-enumerable spaces)


def region_parents(tree: Tree, samples: SampleView | Samples, leaf: int) -> list[Arch]:
    """The best samples routed to ``leaf`` at the last rebuild (else the best overall): the
    architectures whose mutations the rejection sampler tries."""
    members = tree.members[leaf + tree.n_internal]
    if len(members) == 0:
        members = np.arange(len(tree.members[0]))
    y = np.asarray(samples.y)[members]
    best = members[np.argsort(-y, kind="stable")[:N_REGION_PARENTS]]
    return [samples.archs[i] for i in best]


def candidate_chunks(
    benchmark: Benchmark,
    rng: np.random.Generator,
    seen: Set[Arch],
    parents: Sequence[Arch],
    max_tries: int,
    chunk: int = 32,
    drawn: set[Arch] | None = None,
) -> Iterator[list[Arch]]:
    """The rejection sampler's candidates, a chunk per ``next()``, ``max_tries`` drawn in all:
    alternately ``benchmark.sample`` (uniform) and ``benchmark.mutate`` of a random one of
    ``parents``; repeats of ``seen`` are dropped, and repeats within a chunk (across chunks too
    when a ``drawn`` set is given)."""
    tries = 0
    while tries < max_tries:
        cands: list[Arch] = []
        fresh = set() if drawn is None else drawn
        for i in range(min(chunk, max_tries - tries)):
            tries += 1
            if parents and i % 2:
                arch = benchmark.mutate(parents[int(rng.integers(len(parents)))], rng)
            else:
                arch = benchmark.sample(rng)
            if arch not in seen and arch not in fresh:
                fresh.add(arch)
                cands.append(arch)
        yield cands


def sample_in_region(
    tree: Tree,
    leaf: int,
    benchmark: Benchmark,
    rng: np.random.Generator,
    seen: Set[Arch],
    parents: Sequence[Arch],
    max_tries: int,
    chunk: int = 32,
) -> Arch | None:
    """A new architecture inside ``leaf``'s region by rejection sampling.

    Candidates come from :func:`candidate_chunks`. The first candidate satisfying every
    constraint of the path is returned. After ``max_tries`` candidates without one, the
    fallback is the candidate that lies deepest along the path (most constraints satisfied from
    the root down; the first such one), i.e. in the smallest region on the path that it reaches.
    Returns None only when no unseen candidate turned up at all.
    """
    target = tree.height - 1
    best: Arch | None = None
    best_depth = -1
    for cands in candidate_chunks(benchmark, rng, seen, parents, max_tries, chunk):
        if not cands:
            continue
        depth = tree.in_region(encode(benchmark, cands), leaf)
        k = int(np.argmax(depth))
        if depth[k] == target:
            return cands[k]
        if depth[k] > best_depth:
            best, best_depth = cands[k], int(depth[k])
    return best


def region_candidates(
    tree: Tree,
    leaf: int,
    benchmark: Benchmark,
    rng: np.random.Generator,
    seen: Set[Arch],
    parents: Sequence[Arch],
    max_tries: int,
    want: int,
    chunk: int = 32,
) -> list[Arch]:
    """Unseen candidates inside ``leaf``'s region from :func:`candidate_chunks` (no repeats across
    chunks), at most ``max_tries`` drawn, stopping once ``want`` lie inside."""
    out: list[Arch] = []
    chunks = candidate_chunks(benchmark, rng, seen, parents, max_tries, chunk, drawn=set())
    while len(out) < want:
        cands = next(chunks, None)
        if cands is None:
            break
        if cands:
            depth = tree.in_region(encode(benchmark, cands), leaf)
            out.extend(c for c, k in zip(cands, depth) if k == tree.height - 1)
    return out[:want]
