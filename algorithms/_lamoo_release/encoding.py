"""The continuous encoding of LaMOO's NAS-Bench-201 release (``aoiang/LaMOO``, ``nasbench/``).

A cell is a point of [0, 1)^6, one coordinate per edge in the order of NAS-Bench-201's arch string;
coordinate ``x`` stands for operation ``floor(5 x)`` of :data:`RELEASE_OPS` (``nasbench201.py``
rounds ``x`` down to 0, 0.2, ..., 0.8 and reads that key of its table). The release's table file
is not published; its operation order is read off the 100 initial samples it does publish
(``nasbench201_std_normalized_data.pt``: 10 runs of 10 points with their objectives): the
standardised FLOPs are exactly linear in the counts of each index (least-squares residual 2e-13)
with weights 0, 0, 0, 1, 9 (none, skip and pooling have no multiply-adds; a 3x3 convolution 9 times
a 1x1), and with the edges in arch-string order and indices 0, 1, 2 as none, skip, pool the
standardised accuracy has Pearson correlation 0.993 with ``nb201/cifar10-valid``'s validation
accuracy (the other five orders of the three: 0.37-0.79); docs/multiobjective.md gives the command.
Its 10 initial points are a Latin hypercube (one point in each tenth of every coordinate), drawn
here from the run's rng.

Any other table: coordinate ``j`` stands for value ``floor(choices[j] x)`` of decision ``j`` in the
benchmark's own order; a point whose decisions are no architecture of the space stands for none.
"""

from __future__ import annotations

import numpy as np

from benchmarks._cell import OPS, CellTable
from benchmarks.base import Arch, Benchmark

#: the release's operation of each index ``floor(5 x)``
RELEASE_OPS = ("none", "skip_connect", "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3")
#: the release's bounds, [0, 0.99999] in every coordinate
UPPER = 0.99999


class Encoding:
    """Points of [0, 1)^d to architectures of ``benchmark`` (module doc)."""

    def __init__(self, benchmark: Benchmark) -> None:
        self.benchmark = benchmark
        self.choices = np.asarray(benchmark.choices)
        self.value: np.ndarray | None = None  # release index -> the harness's operation index
        if isinstance(benchmark, CellTable):
            self.value = np.array([OPS.index(op) for op in RELEASE_OPS])

    def arch(self, x: np.ndarray) -> Arch | None:
        """The architecture point ``x`` stands for, None if none."""
        index = np.minimum(np.floor(np.asarray(x) * self.choices).astype(int), self.choices - 1)
        values = self.value[index] if self.value is not None else index
        return self.benchmark.valid_canonical(tuple(int(v) for v in values))

    def point(self, arch: Arch) -> np.ndarray:
        """The centre of the part of [0, 1)^d that stands for ``arch`` (the inverse of :meth:`arch`)."""
        index = np.asarray(arch, dtype=int)
        if self.value is not None:
            index = np.argsort(self.value)[index]
        return (index + 0.5) / self.choices

    def archs(self, X: np.ndarray) -> list[Arch | None]:
        return [self.arch(x) for x in X]


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of [0, 1)^d, one in each of the ``n`` slices of every coordinate, jittered in
    their slice (the release's ``utils.latin_hypercube``, from the run's rng)."""
    centres = (1.0 + 2.0 * np.arange(n)) / (2.0 * n)
    X = np.stack([centres[rng.permutation(n)] for _ in range(d)], axis=1)
    return np.minimum(X + rng.uniform(-1.0, 1.0, (n, d)) / (2.0 * n), UPPER)
