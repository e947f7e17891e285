"""Random search without replacement: the baseline every NAS paper is measured against."""

from __future__ import annotations

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from .registry import register


@register("random")
class RandomSearch:
    """Uniform sampling without replacement.

    On enumerable spaces this is a random permutation of ``all_archs()`` (expected samples to
    a unique optimum: (N+1)/2); otherwise ``benchmark.sample`` with rejection of repeats (both
    from ``benchmark.unseen``).
    """

    rank_invariant = True  # values are never read
    multiobjective = True  # nor the objectives: it runs on a multi-objective benchmark as it is

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator) -> None:
        self.benchmark = benchmark
        self.rng = rng
        self._seen: set[Arch] = set()
        self._fresh = benchmark.unseen(rng, self._seen)

    def ask(self) -> Arch | None:
        arch = next(self._fresh)
        if arch is not None:
            self._seen.add(arch)
        return arch

    def tell(self, arch: Arch, result: Result) -> None:
        self._seen.add(arch)
