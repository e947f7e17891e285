"""LaNAS's evaluated samples, and the read-only view of them that the in-leaf samplers get."""

from __future__ import annotations

from collections.abc import Sequence, Set

import numpy as np

from benchmarks.base import Arch, Benchmark


def encode(benchmark: Benchmark, archs) -> np.ndarray:
    """The benchmark's one-hot encoding of ``archs`` as floats (what the tree's regressors see)."""
    return np.asarray(benchmark.encode(archs), dtype=float)


class Samples:
    """Every told architecture in tell order, its value (benchmark units) and ``y``, which orders
    samples (the value scaled to [0, 1]; with ``scale=rank`` the value itself, see :mod:`.scale`);
    ``told``, and ``seen`` (told or pending: never proposed again)."""

    def __init__(self) -> None:
        self.archs: list[Arch] = []
        self.values: list[float] = []
        self.y: list[float] = []
        self.told: set[Arch] = set()
        self.seen: set[Arch] = set()

    def add(self, arch: Arch, value: float, y: float) -> None:
        self.told.add(arch)
        self.seen.add(arch)
        self.archs.append(arch)
        self.values.append(value)
        self.y.append(y)

    def view(self) -> SampleView:
        return SampleView(self)


class SampleView:
    """Read-only access to :class:`Samples` (the in-leaf samplers read, LaNAS writes)."""

    __slots__ = ("_samples",)

    def __init__(self, samples: Samples) -> None:
        self._samples = samples

    @property
    def archs(self) -> Sequence[Arch]:
        return self._samples.archs

    @property
    def y(self) -> Sequence[float]:
        return self._samples.y

    @property
    def seen(self) -> Set[Arch]:
        return self._samples.seen

    def __len__(self) -> int:
        return len(self._samples.archs)
