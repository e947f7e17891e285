"""Random search without replacement: the baseline every NAS paper is measured against."""
from __future__ import annotations

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from .registry import register


@register("random")
class RandomSearch:
    """Uniform sampling without replacement.

    On enumerable spaces this is a random permutation of ``all_archs()`` (expected samples to
    a unique optimum: (N+1)/2); otherwise ``benchmark.sample`` with rejection of repeats.
    """

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator) -> None:
        self.benchmark = benchmark
        self.rng = rng
        self._seen: set[Arch] = set()
        self._order: np.ndarray | None = None
        self._next = 0

    def ask(self) -> Arch | None:
        archs = self.benchmark.all_archs()
        if archs is not None:
            if self._order is None:
                self._order = self.rng.permutation(len(archs))
            while self._next < len(archs):
                arch = tuple(int(a) for a in archs[self._order[self._next]])
                self._next += 1
                if arch not in self._seen:
                    self._seen.add(arch)
                    return arch
            return None
        for _ in range(1000):
            arch = self.benchmark.sample(self.rng)
            if arch not in self._seen:
                self._seen.add(arch)
                return arch
        return None

    def tell(self, arch: Arch, result: Result) -> None:
        self._seen.add(arch)
