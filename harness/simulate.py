"""Simulated time: K workers evaluate a search's proposals asynchronously on a table whose
answers carry the training time they represent (as syne-tune's simulated backend does).

This module is the clock: :class:`SimulatedClock`, given to the one loop :func:`harness.runner.run`.
A worker that frees up asks the algorithm for a proposal; its result arrives (``tell``) at the
simulated time its training would finish; the run stops at the sample budget or when the next
result would arrive after the time budget. Nothing sleeps: the clock is a number, and a run is
a pure function of (benchmark, spec, seed, budget, K, time budget). The algorithm sees several
outstanding proposals, told in the order their training finishes (the parallel-proposal
contract); no algorithm is changed for it.

Each row of the history gets three more columns: ``worker`` (:data:`analysis.runformat.NO_WORKER`,
-1, for a repeat, which costs no time), ``sim_start_s`` and ``sim_finish_s``. Rows are in tell
order (``step`` grows with it); ``proposal`` is the ask order. A repeat of a finished architecture
is told at once; a repeat of one still in training is told when that training finishes. With K = 1
the history is the one of the plain run (same streams, same order), plus the clock.

The time of an evaluation is the answer's ``cost_s``. ``anb201/*`` answers carry none; the same
cell's NAS-Bench-201 CIFAR-10 (cifar10-valid) training time stands in for it (same cell space,
same dataset, 200 epochs). A table with no time (``nbgraph/*``) has no simulated-time view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from .clock import TIME_COLUMNS
from .runner import RunResult, run

__all__ = ["STAND_IN", "TIME_COLUMNS", "SimulatedClock", "SimulationError", "parse_duration", "simulate", "time_source"]
#: tables whose answers carry no time -> the table whose training time stands in for it
STAND_IN = {"anb201/": "nb201/cifar10-valid"}
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class SimulationError(Exception):
    """A benchmark or setting the simulated clock cannot serve; one line."""


def parse_duration(text: str) -> float:
    """``90s``, ``30m``, ``24h``, ``2d`` or plain seconds -> seconds (> 0)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*", str(text))
    if not m or float(m[1]) <= 0:
        raise ValueError(f"bad duration {text!r}: use e.g. 3600, 90m, 24h or 2d (more than 0)")
    return float(m[1]) * _UNITS[m[2] or "s"]


def time_source(benchmark: Benchmark) -> tuple[Callable[[Arch, Result], float], str]:
    """How long an evaluation trains, and where that time comes from; raises SimulationError."""
    costs = getattr(benchmark, "cost_s", None)
    if costs is not None and np.any(np.asarray(costs, dtype=float) > 0):
        return (lambda arch, result: float(result.cost_s)), "the table's training time"
    for prefix, other in STAND_IN.items():
        if benchmark.name.startswith(prefix):
            from benchmarks import registry

            stand = registry.make(other)
            return (
                (lambda arch, result: float(stand.query(arch).cost_s)),  # noqa: B023 (returned at once)
                f"{other} training time of the same cell (stand-in: the table records none)",
            )
    if costs is None and benchmark.all_archs() is None:  # a space trained on demand measures its time
        return (lambda arch, result: float(result.cost_s)), "the answer's measured training time"
    raise SimulationError(f"{benchmark.name} records no training time, so it has no simulated-time view")


class SimulatedClock:
    """``workers`` simulated workers; an evaluation takes the training time :func:`time_source` gives;
    results after ``time_budget_s`` are not told (the run ends with status ``time``)."""

    simulated = True

    def __init__(self, workers: int, time_budget_s: float = math.inf) -> None:
        if workers < 1:
            raise SimulationError(f"bad number of simulated workers {workers}: it must be at least 1")
        self.workers, self.time_budget_s = workers, time_budget_s
        self.name = ""
        self.seconds: Callable[[Arch, Result], float] = lambda arch, result: 0.0

    def bind(self, benchmark: Benchmark) -> dict[str, Any]:
        self.seconds, source = time_source(benchmark)
        self.name = benchmark.name
        return {
            "sim_workers": self.workers,
            "time_budget_s": None if math.isinf(self.time_budget_s) else self.time_budget_s,
            "time_source": source,
        }

    def finish(self, now: float, arch: Arch, result: Result) -> float:
        seconds = self.seconds(arch, result)
        if not seconds > 0:
            raise SimulationError(f"{self.name}: no training time for {arch}")
        return now + seconds


def simulate(
    benchmark: Benchmark,
    spec: str,
    seed: int,
    budget: int,
    workers: int,
    time_budget_s: float = math.inf,
    *,
    max_repeats: int = 1000,
) -> RunResult:
    """:func:`harness.runner.run` with ``workers`` simulated workers; see the module doc. Its status
    may also be ``time``: the next result would arrive after ``time_budget_s``."""
    return run(benchmark, spec, seed, budget, max_repeats=max_repeats, clock=SimulatedClock(workers, time_budget_s))
