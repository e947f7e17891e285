"""The proposals of an algorithm that are asked and not yet told (the parallel contract: each
``tell`` answers one earlier ``ask``, in any order), and the results it did not ask for (a warm
start, :mod:`algorithms._warmup`)."""

from __future__ import annotations

from collections.abc import Container, Sequence

from benchmarks.base import Arch


class Pending:
    """A set of outstanding proposals; :meth:`answer` checks and removes the one a tell answers."""

    def __init__(self) -> None:
        self._archs: set[Arch] = set()

    def __len__(self) -> int:
        return len(self._archs)

    def add(self, arch: Arch) -> None:
        self._archs.add(arch)

    def answer(self, arch: Sequence[int]) -> Arch:
        """``arch`` as a tuple of ints, no longer pending; ValueError when no ask is pending for it."""
        arch = tuple(int(a) for a in arch)
        if arch not in self._archs:
            raise ValueError(f"tell({arch}) answers no pending ask()")
        self._archs.remove(arch)
        return arch

    def settle(self, arch: Sequence[int], seen: Container) -> tuple[Arch, bool]:
        """``(arch, True)`` when ``arch`` answers a pending ask (no longer pending); ``(arch, False)``
        when the algorithm never proposed it nor was told it (``seen``: told or pending), a result
        from elsewhere (a warm start); ValueError when it was told before."""
        arch = tuple(int(a) for a in arch)
        if arch in self._archs:
            self._archs.remove(arch)
            return arch, True
        if arch in seen:
            raise ValueError(f"tell({arch}) answers no pending ask()")
        return arch, False
