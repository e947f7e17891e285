"""Sampling inside a LaNAS leaf's region when the space is too large to enumerate.

The region of a leaf is the polytope cut out by the linear constraints on its path
(``w·x + b >= t`` towards a good child, ``<`` towards a bad one). The released one-shot
LaNAS draws candidates and keeps one that satisfies the constraints (its code accepts a
candidate when *any* holds; the correct rule, used here, is *all*); the authors name
hit-and-run sampling inside the polytope as the intended method (TPAMI, one-shot LaNAS).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from benchmarks.base import Arch, Benchmark

from ._lanas_tree import Tree


def sample_in_region(tree: Tree, leaf: int, benchmark: Benchmark, rng: np.random.Generator,
                     seen: set[Arch], parents: Sequence[Arch], max_tries: int,
                     chunk: int = 32) -> Arch | None:
    """A new architecture inside ``leaf``'s region by rejection sampling.

    Candidates come in chunks, alternately ``benchmark.sample`` (uniform) and
    ``benchmark.mutate`` of a random one of ``parents`` (the best samples of the region);
    repeats of ``seen`` are dropped. The first candidate satisfying every constraint of the
    path is returned. After ``max_tries`` candidates without one, the fallback is the
    candidate that lies deepest along the path (most constraints satisfied from the root
    down; the first such one), i.e. in the smallest region on the path that it reaches.
    Returns None only when no unseen candidate turned up at all.
    """
    target = tree.height - 1
    best: Arch | None = None
    best_depth = -1
    tries = 0
    while tries < max_tries:
        cands: list[Arch] = []
        fresh: set[Arch] = set()
        for i in range(min(chunk, max_tries - tries)):
            tries += 1
            if parents and i % 2:
                arch = benchmark.mutate(parents[int(rng.integers(len(parents)))], rng)
            else:
                arch = benchmark.sample(rng)
            if arch not in seen and arch not in fresh:
                fresh.add(arch)
                cands.append(arch)
        if not cands:
            continue
        depth = tree.in_region(np.asarray(benchmark.encode(cands), dtype=float), leaf)
        k = int(np.argmax(depth))
        if depth[k] == target:
            return cands[k]
        if depth[k] > best_depth:
            best, best_depth = cands[k], int(depth[k])
    return best
