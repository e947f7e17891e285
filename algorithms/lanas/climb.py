"""First-improvement hill climbing inside LaNAS (``inleaf=climb|climbbo``): :class:`Climb`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.base import Arch, Benchmark

from .samples import SampleView


class Climb:
    """First-improvement hill climbing for ``inleaf=climb|climbbo`` (``local-search``'s climb):
    the untried neighbours of the current architecture (``benchmark.neighbours``, anywhere) are
    proposed in a random order, or in the order ``next_of`` gives (``climbbo``: the in-leaf model's
    Thompson draw picks each); the first one told better than the current architecture becomes the
    current one. At a local optimum (no untried neighbour left) the climb restarts from the best of
    the given starts (the selected leaf's best samples) that was not a start before, instead of
    local search's uniform draws; with no such start it proposes nothing (the handover decides)."""

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        samples: SampleView,
        next_of: Callable[[list[Arch]], int],
    ) -> None:
        """``next_of(untried)``: the index in ``untried`` (in a random order) of the next neighbour."""
        self.benchmark, self.rng, self.samples, self.next_of = benchmark, rng, samples, next_of
        self.center: tuple[Arch, float] | None = None
        self._untried: list[Arch] = []
        self._started: set[Arch] = set()  # architectures a climb was centred on (never again)
        self._neighbourhood: set[Arch] = set()  # the current architecture's neighbours

    def tell(self, arch: Arch, y: float) -> None:
        if self.center is not None and y > self.center[1] and arch in self._neighbourhood:
            self._move(arch, y)

    def restart(self) -> None:
        """Abandon the current climb: the next proposal starts a new one."""
        self.center = None

    def _move(self, arch: Arch, y: float) -> None:
        self.center = (arch, y)
        self._started.add(arch)
        nbrs = self.benchmark.neighbours(arch)
        self._neighbourhood = set(nbrs)
        self._untried = [nbrs[i] for i in self.rng.permutation(len(nbrs))]

    def next(self, starts: np.ndarray) -> Arch | None:
        """The next architecture of the climb (a new climb from ``starts`` when needed), or None."""
        seen = self.samples.seen
        while True:
            if self.center is not None:
                self._untried = [a for a in self._untried if a not in seen]
                if self._untried:
                    return self._untried.pop(self.next_of(self._untried))
                self.center = None  # a local optimum
            start = next((int(i) for i in starts if self.samples.archs[i] not in self._started), None)
            if start is None:
                return None
            self._move(self.samples.archs[start], self.samples.y[start])
