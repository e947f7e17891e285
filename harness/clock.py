"""When an evaluation of the run loop finishes: the clock is swapped, not the loop (as syne-tune's
simulator backend swaps its time keeper). :class:`ZeroClock` is the plain run's, where an
evaluation takes no time on one worker; :class:`harness.simulate.SimulatedClock` gives the table's
training time on K workers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from benchmarks.base import Arch, Benchmark, Result

__all__ = ["TIME_COLUMNS", "Clock", "ZeroClock"]

#: the columns a simulated clock adds to each row
TIME_COLUMNS = ("worker", "sim_start_s", "sim_finish_s")


class Clock(Protocol):
    """When an evaluation finishes, on how many workers; what the run's metadata says of it."""

    workers: int
    simulated: bool  # rows get TIME_COLUMNS and the row's cost_s is the clock's duration
    time_budget_s: float

    def bind(self, benchmark: Benchmark) -> dict[str, Any]:
        """Ready for ``benchmark`` (may raise, which fails the run); the run metadata it adds."""

    def finish(self, now: float, arch: Arch, result: Result) -> float:
        """When an evaluation started at ``now`` finishes."""


@dataclass
class ZeroClock:
    """The plain run: an evaluation takes no time, on ``workers`` (1) worker."""

    workers: int = 1
    simulated: bool = False
    time_budget_s: float = math.inf

    def bind(self, benchmark: Benchmark) -> dict[str, Any]:
        return {}

    def finish(self, now: float, arch: Arch, result: Result) -> float:
        return now
