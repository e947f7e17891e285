"""The benchmark interface: a space of categorical decisions and an oracle that answers queries.

An architecture is a hashable tuple of ints (`Arch`), decision ``i`` taking a value in
``range(benchmark.choices[i])``. Validity and canonical form are the benchmark's business:
``is_valid``, ``sample`` and ``all_archs`` only ever return valid, canonical architectures.
Only ``query`` is charged by the runner; everything else is free (as in the nasbench API).

Space operations that algorithms share live here, once: :meth:`Benchmark.valid_canonical` (the
valid canonical form of any encoding), :meth:`Benchmark.neighbours` (one decision away),
:meth:`Benchmark.index` (rows of architectures in ``all_archs()``) and :meth:`Benchmark.unseen`
(uniform draws without repeats).
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .objectives import Objectives

Arch = tuple[int, ...]


def arch_codes(archs: np.ndarray, choices: Sequence[int]) -> np.ndarray:
    """Mixed-radix integer code of each row of ``archs`` (unique per architecture)."""
    a = np.asarray(archs, dtype=np.int64).reshape(-1, len(choices))
    radix = np.cumprod([1, *choices[::-1]], dtype=np.int64)[:-1][::-1]
    return a @ radix


class BenchmarkError(Exception):
    """A user-facing error about a benchmark (unknown name, missing or corrupt data); one line."""


def cannot(action: str, reason: object, advice: str = "") -> str:
    """The one form of a line saying that something could not be done: ``cannot ACTION: REASON``,
    then ``; ADVICE`` (what to do) when there is one; the reason's first line only."""
    reason = (
        (getattr(reason, "strerror", None) or str(reason)).splitlines()[0] if str(reason) else type(reason).__name__
    )
    return f"cannot {action}: {reason}" + (f"; {advice}" if advice else "")


@dataclass(frozen=True)
class Result:
    """The answer to one query. ``valid`` is what searches maximise; ``test`` only reports."""

    valid: float
    test: float | None = None
    cost_s: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Targets:
    """Thresholds on ``valid`` used by the analysis only, never by an algorithm."""

    optimum: float
    top0_1: float
    top1: float

    @classmethod
    def from_values(cls, values: np.ndarray) -> Targets:
        v = np.sort(np.asarray(values, dtype=float))[::-1]
        n = len(v)
        # top-q% threshold = value of the ceil(q*n)-th best architecture
        return cls(
            float(v[0]), float(v[max(1, int(np.ceil(n * 0.001))) - 1]), float(v[max(1, int(np.ceil(n * 0.01))) - 1])
        )


class Benchmark:
    """Base class with generic implementations; subclasses set ``name``, ``choices``, ``objective``
    and implement ``query`` (and ``all_archs`` when enumerable, ``is_valid`` when constrained)."""

    name: str = ""
    choices: tuple[int, ...] = ()
    objective: str = "validation accuracy"
    #: known bounds of ``valid`` (used to scale e.g. UCB constants); (0, 100) for percent tables
    value_range: tuple[float, float] = (0.0, 1.0)
    #: the objectives an ``objectives=`` spec names (:meth:`name_objectives`); None: one, ``valid``
    objectives: Objectives | None = None

    # ----- the space -------------------------------------------------------------------
    def is_valid(self, arch: Sequence[int]) -> bool:
        return len(arch) == len(self.choices) and all(
            isinstance(a, (int, np.integer)) and 0 <= a < c for a, c in zip(arch, self.choices)
        )

    def all_archs(self) -> np.ndarray | None:
        """Every valid canonical architecture as an (N, d) int array, or None if not enumerable."""
        return None

    def __len__(self) -> int:
        archs = self.all_archs()
        return len(archs) if archs is not None else int(np.prod(self.choices, dtype=float))

    def sample(self, rng: np.random.Generator) -> Arch:
        archs = self.all_archs()
        if archs is not None:
            return tuple(int(a) for a in archs[rng.integers(len(archs))])
        for _ in range(10_000):
            arch = tuple(int(rng.integers(c)) for c in self.choices)
            if self.is_valid(arch):
                return self.canonical(arch)
        raise BenchmarkError(f"{self.name}: could not sample a valid architecture in 10,000 tries")

    def canonical(self, arch: Sequence[int]) -> Arch:
        """The canonical representative of ``arch`` (identity unless the space has isomorphisms)."""
        return tuple(int(a) for a in arch)

    def move(self, arch: Arch, i: int, v: int) -> Arch | None:
        """``arch`` with decision ``i`` set to ``v``, as a valid canonical architecture other than
        ``arch``; None when that is no such architecture. ``mutate`` and ``neighbours`` are built on it."""
        child = arch[:i] + (v,) + arch[i + 1 :]
        if self.is_valid(child):
            child = self.canonical(child)
            if child != arch:
                return child
        return None

    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """Change one decision to another value, keeping the result valid (and canonical): the
        first :meth:`move` that works, in a random order of all moves; ``arch`` when none does."""
        moves = [(i, v) for i, c in enumerate(self.choices) for v in range(c) if v != arch[i]]
        for k in rng.permutation(len(moves)):
            child = self.move(arch, *moves[k])
            if child is not None:
                return child
        return arch

    def neighbours(self, arch: Arch) -> list[Arch]:
        """Every architecture one :meth:`move` away from ``arch`` (what ``mutate`` can return), without
        repeats, decision by decision and value by value."""
        moves = (self.move(arch, i, v) for i, c in enumerate(self.choices) for v in range(c) if v != arch[i])
        return list(dict.fromkeys(child for child in moves if child is not None))

    def valid_canonical(self, encoding: Sequence[int]) -> Arch | None:
        """The valid canonical architecture of ``encoding`` (any tuple in the decisions' ranges, as a
        model-based sampler proposes it), or None when it stands for no architecture of the space."""
        if self.is_valid(encoding):
            return self.canonical(encoding)
        try:
            arch = self.canonical(encoding)
        except BenchmarkError:  # some spaces have no canonical form for an invalid encoding
            return None
        return arch if self.is_valid(arch) else None

    def index(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Row of each architecture in ``all_archs()``, -1 where it is not there; raises
        BenchmarkError when the space is not enumerable."""
        archs_all = self.all_archs()
        if archs_all is None:
            raise BenchmarkError(f"{self.name}: not enumerable, so architectures have no row")
        if getattr(self, "_row_index", None) is None:
            codes = arch_codes(archs_all, self.choices)
            order = np.argsort(codes, kind="stable")
            self._row_index = (codes[order], order)
        codes, order = self._row_index
        a = np.asarray(archs, dtype=np.int64).reshape(-1, len(self.choices))
        code = arch_codes(a, self.choices)
        pos = np.searchsorted(codes, code).clip(0, len(codes) - 1)
        inside = np.all((a >= 0) & (a < np.asarray(self.choices)), axis=1)
        return np.where(inside & (codes[pos] == code), order[pos], -1)

    def unseen(self, rng: np.random.Generator, seen: Container[Arch], tries: int = 1000) -> Iterator[Arch | None]:
        """Uniformly random architectures not in ``seen`` (read at every step), one per ``next()``.

        Enumerable spaces: a random permutation of ``all_archs()`` (drawn at the first ``next()``)
        walked in order, skipping what is in ``seen``, then None for ever. Otherwise up to
        ``tries`` draws of :meth:`sample` per ``next()``, None when all were in ``seen``.
        """
        archs = self.all_archs()
        if archs is None:
            while True:
                yield next((a for a in (self.sample(rng) for _ in range(tries)) if a not in seen), None)
        for row in rng.permutation(len(archs)):
            arch = tuple(int(a) for a in archs[row])
            if arch not in seen:
                yield arch
        while True:
            yield None

    def encode(self, archs: np.ndarray | Sequence[Arch]) -> np.ndarray:
        """One-hot encoding of every decision: an (N, sum(choices)) float32 matrix."""
        a = np.asarray(archs, dtype=np.int64).reshape(-1, len(self.choices))
        offsets = np.concatenate([[0], np.cumsum(self.choices)[:-1]])
        out = np.zeros((len(a), int(sum(self.choices))), dtype=np.float32)
        rows = np.arange(len(a))[:, None]
        out[rows, a + offsets] = 1.0
        return out

    # ----- the oracle ------------------------------------------------------------------
    def query(self, arch: Arch, rng: np.random.Generator | None = None) -> Result:
        """Answer one query. ``rng`` is the run's stream for benchmarks with noisy answers."""
        raise NotImplementedError

    def name_objectives(self, names: Sequence[str]) -> None:
        """Answer several objectives, the columns ``names`` (:mod:`benchmarks.objectives`): each
        answer's ``extra`` then carries them as ``objectives`` ({name: value}). Tables only."""
        raise BenchmarkError(f"{self.name}: objectives= needs a table benchmark (this one has no columns)")

    def several_objectives(self) -> Objectives:
        """The objectives named (:meth:`name_objectives`); ValueError (one line) when the benchmark
        names one, for a search that needs several."""
        if self.objectives is None:
            raise ValueError(
                f"{self.name} names one objective; a multi-objective algorithm needs several "
                "(e.g. nb201/cifar10-valid:objectives=valid+latency)"
            )
        return self.objectives

    def targets(self) -> Targets | None:
        """Optimum and top-0.1% / top-1% thresholds of ``valid`` (tables only)."""
        return None

    def describe(self) -> str:
        return f"{len(self):,} archs" if self.all_archs() is not None else f"~{len(self):.3g} encodings"
