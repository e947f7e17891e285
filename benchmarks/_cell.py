"""The NAS-Bench-201 cell (Dong & Yang, ICLR 2020, Sec. 2.1), shared by ``nb201/*`` and ``anb201/*``.

A cell is a DAG on 4 nodes (0 = input, 3 = output) with an operation on each of its 6 edges. The
harness encodes it as ``arch[j]`` = index in :data:`OPS` of the operation on edge :data:`EDGES`\\ [j],
i.e. in the order of NAS-Bench-201's arch string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``. Both
families use this one encoding, so the same tuple is the same cell in either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .base import Arch
from .table import TableBenchmark

OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: (to, from) node of each decision, in arch-string order
EDGES = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
CHOICES = (len(OPS),) * len(EDGES)
_TOKEN = re.compile(r"([a-z_0-9]+)~(\d)")


def arch_str(arch: Sequence[int]) -> str:
    """NAS-Bench-201's string of a cell, e.g. ``|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...``."""
    if len(arch) != len(EDGES) or not all(0 <= int(a) < len(OPS) for a in arch):
        raise ValueError(f"not a NAS-Bench-201 cell: {tuple(arch)!r}")
    ops = [f"{OPS[int(a)]}~{src}" for a, (_, src) in zip(arch, EDGES)]
    return "|" + "|+|".join(["|".join(ops[0:1]), "|".join(ops[1:3]), "|".join(ops[3:6])]) + "|"


def from_arch_str(text: str) -> Arch:
    """Inverse of :func:`arch_str`; ValueError on anything else."""
    nodes = text.strip().strip("|").split("|+|")
    tokens = [_TOKEN.fullmatch(t) for node in nodes for t in node.split("|")]
    matches = [m for m in tokens if m is not None]
    expected = [src for _, src in EDGES]
    if (
        len(nodes) != 3
        or len(tokens) != 6
        or len(matches) != 6
        or any(m.group(1) not in OPS or int(m.group(2)) != src for m, src in zip(matches, expected))
    ):
        raise ValueError(f"not a NAS-Bench-201 arch string: {text!r}")
    return tuple(OPS.index(m.group(1)) for m in matches)


def connected(archs: np.ndarray) -> np.ndarray:
    """Whether the output node of each cell is reachable from the input through non-``none`` edges."""
    e = np.asarray(archs).reshape(-1, len(EDGES)) != 0
    n1 = e[:, 0]
    n2 = e[:, 1] | (e[:, 2] & n1)
    return e[:, 3] | (e[:, 4] & n1) | (e[:, 5] & n2)


class CellTable(TableBenchmark):
    """A table over all 5^6 = 15,625 cells in the canonical encoding above."""

    @staticmethod
    def arch_str(arch: Sequence[int]) -> str:
        return arch_str(arch)

    @staticmethod
    def from_arch_str(text: str) -> Arch:
        return from_arch_str(text)

    def best(self) -> Arch:
        """The cell with the highest mean ``valid`` (for reports and tests, never for algorithms)."""
        return tuple(int(a) for a in self.all_archs()[int(np.argmax(self.valid))])
