"""First-improvement hill climbing inside LaNAS (``inleaf=climb|climbbo``, :class:`Climb`) and the
vectorised one-decision neighbourhood of table rows (:func:`neighbours`)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from benchmarks.base import Arch, Benchmark

from .samples import SampleView


def neighbours(archs: np.ndarray, choices) -> tuple[np.ndarray, np.ndarray]:
    """Every one-decision change of every row of ``archs`` as arrays (children, index of the
    row changed), neither validated nor canonicalised (the vectorised form of
    ``Benchmark.neighbours`` for table look-ups)."""
    archs = np.asarray(archs, dtype=np.int64)
    pos, val = _moves(tuple(int(c) for c in choices))
    kids = np.repeat(archs[:, None, :], len(pos), axis=1)
    kids[:, np.arange(len(pos)), pos] = val
    keep = archs[:, pos] != val  # drop the no-op "changes"
    owner = np.repeat(np.arange(len(archs)), len(pos)).reshape(len(archs), -1)
    return kids[keep], owner[keep]


@lru_cache(maxsize=16)
def _moves(choices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(decision, value) of every one-decision assignment of a space, as two arrays."""
    pos = np.array([i for i, c in enumerate(choices) for _ in range(c)], dtype=np.int64)
    val = np.array([v for c in choices for v in range(c)], dtype=np.int64)
    return pos, val


class Climb:
    """First-improvement hill climbing for ``inleaf=climb|climbbo`` (``local-search``'s climb):
    the untried neighbours of the current architecture (``benchmark.neighbours``, anywhere) are
    proposed in a random order (``climbbo``: the in-leaf model's Thompson draw picks each); the
    first one told better than the current architecture becomes the current one. At a local
    optimum (no untried neighbour left) the climb restarts from the best of the given starts
    (the selected leaf's best samples) that was not a start before, instead of local search's
    uniform draws; with no such start it proposes nothing (the handover decides)."""

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, samples: SampleView, model) -> None:
        self.benchmark, self.rng, self.samples, self.model = benchmark, rng, samples, model
        self.center: tuple[Arch, float] | None = None
        self._untried: list[Arch] = []
        self._started: set[Arch] = set()  # architectures a climb was centred on (never again)
        self._nbhd: set[Arch] = set()  # the current architecture's neighbours

    def tell(self, arch: Arch, y: float) -> None:
        if self.center is not None and y > self.center[1] and arch in self._nbhd:
            self._move(arch, y)

    def _move(self, arch: Arch, y: float) -> None:
        self.center = (arch, y)
        self._started.add(arch)
        nbrs = self.benchmark.neighbours(arch)
        self._nbhd = set(nbrs)
        self._untried = [nbrs[i] for i in self.rng.permutation(len(nbrs))]

    def next(self, starts: np.ndarray) -> Arch | None:
        seen = self.samples.seen
        while True:
            if self.center is not None:
                self._untried = [a for a in self._untried if a not in seen]
                if self._untried:
                    return self._untried.pop(self._pick())
                self.center = None  # a local optimum
            start = next((int(i) for i in starts if self.samples.archs[i] not in self._started), None)
            if start is None:
                return None
            self._move(self.samples.archs[start], self.samples.y[start])

    def _pick(self) -> int:
        """Index in ``_untried`` of the next neighbour: the last (random order) or the model's pick."""
        if self.model is None:
            return len(self._untried) - 1
        return int(np.argmax(self.model.sample_scores(self.rng, np.asarray(self._untried))))
