"""The one loop that runs an algorithm on a benchmark: ask, answer repeats from a cache, evaluate
new architectures, tell, and record one row per proposal.

The loop is event-driven: evaluations start on free workers and finish at a time a clock gives,
and each finished evaluation is told in the order of (finish time, proposal). The clock is
swappable (as syne-tune's simulator backend swaps its time keeper): :class:`ZeroClock`, where an
evaluation takes no time (the plain run, one worker), or :class:`harness.simulate.SimulatedClock`,
where it takes the table's training time on K workers. With ``parallel=K`` the plain run proposes
K architectures at a time and tells them in proposal order (synchronous rounds). A run ends with a
:class:`~analysis.runformat.Status`.

A run is a pure function of (benchmark, spec, seed, budget, clock, K): the algorithm and the
benchmark each get a child stream of ``numpy.random.SeedSequence(seed)``, and nothing reads the
wall clock for control (``algo_s`` only measures).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from algorithms import registry as base
from analysis.runformat import COLUMNS, NO_WORKER, OBJECTIVE_PREFIX, Status, arch_key
from benchmarks.base import Arch, Benchmark, Result

from .evaluation import query_here

__all__ = ["Clock", "RunResult", "Status", "ZeroClock", "failure_line", "record", "run"]

#: the columns a simulated clock adds to each row
TIME_COLUMNS = ("worker", "sim_start_s", "sim_finish_s")
Evaluate = Callable[[Benchmark, list[Arch], list[int]], list[Result]]


def failure_line(exc: BaseException) -> str:
    """The one line a failed run records: the exception's type and the first line of its message."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]


@dataclass
class RunResult:
    benchmark: str
    spec: str
    seed: int
    budget: int
    status: Status = Status.RUNNING
    error: str = ""
    wall_s: float = 0.0
    rows: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    algorithm: Any = field(default=None, repr=False)  # the algorithm object, for inspection
    meta: dict[str, Any] = field(default_factory=dict)  # more run metadata (e.g. the simulated clock's)

    @property
    def samples(self) -> int:
        return self.rows["step"][-1] if self.rows["step"] else 0


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


def record(
    rows: dict[str, list[Any]],
    step: int,
    arch: Arch,
    result: Result,
    cached: bool,
    best: float,
    algo_s: float,
    *,
    proposal: int | None = None,
    cost_s: float | None = None,
) -> None:
    """One row of the history (see :data:`analysis.runformat.COLUMNS`); ``proposal`` defaults to the
    row's number and ``cost_s`` to the answer's (the simulated clock passes its own)."""
    rows["step"].append(step)
    rows["proposal"].append(len(rows["proposal"]) + 1 if proposal is None else proposal)
    rows["arch"].append(arch_key(arch))
    rows["valid"].append(result.valid)
    rows["test"].append(result.test)
    rows["cost_s"].append(0.0 if cached else result.cost_s if cost_s is None else cost_s)
    rows["cached"].append(cached)
    rows["best_valid"].append(best)
    rows["algo_s"].append(algo_s)
    # what the analysis judges: the benchmark's value where the search saw an estimate, else the same
    rows["true_valid"].append(result.extra.get("true_valid", result.valid))
    rows["true_test"].append(result.extra.get("true_test", result.test))
    for name, value in result.extra.get("objectives", {}).items():  # a multi-objective benchmark's
        rows.setdefault(OBJECTIVE_PREFIX + name, []).append(value)


#: a started evaluation: (finish time, proposal, worker, arch, answer); None answers a repeat
Event = tuple[float, int, "int | None", Arch, "Result | None"]


class _Run:
    """The state of one run; the loop is :func:`run`, the two ways to start work are
    :meth:`start_each` and :meth:`start_round`."""

    def __init__(self, out: RunResult, benchmark: Benchmark, clock: Clock, max_repeats: int, seed: int) -> None:
        self.out, self.benchmark, self.clock, self.max_repeats = out, benchmark, clock, max_repeats
        algo_ss, bench_ss = np.random.SeedSequence(seed).spawn(2)
        self.bench_rng = np.random.default_rng(bench_ss)
        self.cache: dict[Arch, Result] = {}
        self.flight: dict[Arch, list[tuple[int, float]]] = {}  # arch in training -> (proposal, ask time) waiting
        self.events: list[Event] = []
        self.free = list(range(clock.workers))
        self.size = len(benchmark) if benchmark.all_archs() is not None else None
        self.best, self.repeats, self.proposals, self.now = -np.inf, 0, 0, 0.0
        t0 = time.perf_counter()
        self.algo = out.algorithm = base.make(out.spec, benchmark, np.random.default_rng(algo_ss), budget=out.budget)
        self.algo_s = time.perf_counter() - t0

    def room(self) -> int:
        """How many more evaluations may start (the budget, and the space's size, less those done)."""
        started = len(self.cache) + len(self.flight)
        return (self.out.budget if self.size is None else min(self.out.budget, self.size)) - started

    def _timed(self, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return call()
        finally:
            self.algo_s += time.perf_counter() - t0

    def repeat(self, cached: bool) -> None:
        """The repeat guard: ``max_repeats`` repeated proposals in a row end the run as stuck."""
        self.repeats = self.repeats + 1 if cached else 0
        if self.repeats >= self.max_repeats:
            self.out.status, self.out.error = Status.STUCK, f"{self.max_repeats} repeated proposals in a row"

    def start_each(self) -> None:
        """Give every free worker an evaluation, asking one proposal at a time; a repeat of a finished
        architecture is told at once, one still in training waits for it (counted when asked)."""
        while self.free and self.room() > 0 and self.out.status is Status.RUNNING:
            arch = self._timed(self.algo.ask)
            self.proposals += 1
            if arch is None:  # nothing to propose until a result arrives
                return
            arch = tuple(int(a) for a in arch)
            if arch in self.cache or arch in self.flight:
                if arch in self.cache:
                    self.tell(arch, self.proposals, self.now, self.now, None, cached=True)
                else:
                    self.flight[arch].append((self.proposals, self.now))
                self.repeat(cached=True)
                continue
            if not self.benchmark.is_valid(arch):
                raise ValueError(f"algorithm proposed an invalid architecture {arch}")
            result = self.benchmark.query(arch, self.bench_rng)
            worker = heapq.heappop(self.free)
            heapq.heappush(
                self.events, (self.clock.finish(self.now, arch, result), self.proposals, worker, arch, result)
            )
            self.flight[arch] = [(self.proposals, self.now)]
            self.repeat(cached=False)

    def start_round(self, parallel: int, evaluate: Evaluate | None) -> None:
        """Once the last round is told: propose up to ``parallel`` architectures at once (``ask_batch``
        where the algorithm has one), evaluate the new ones together, each with its own seed drawn in
        order from the benchmark stream, and queue all to be told in proposal order (counted then)."""
        if self.events or self.room() <= 0:
            return
        k = min(parallel, self.out.budget - len(self.cache))
        ask_batch = getattr(self.algo, "ask_batch", None)
        if k > 1 and ask_batch is not None:
            archs = list(self._timed(lambda: ask_batch(k)) or [])
        else:
            archs = []
            for _ in range(k):
                arch = self._timed(self.algo.ask)
                if arch is None:
                    break
                archs.append(arch)
        proposals = [tuple(int(a) for a in arch) for arch in archs]
        new = [a for a in dict.fromkeys(proposals) if a not in self.cache]
        for arch in new:
            if not self.benchmark.is_valid(arch):
                raise ValueError(f"algorithm proposed an invalid architecture {arch}")
        seeds = [int(s) for s in self.bench_rng.integers(2**63 - 1, size=len(new))]
        fresh = dict(zip(new, (evaluate or query_here)(self.benchmark, new, seeds)))
        for arch in proposals:
            self.proposals += 1
            heapq.heappush(self.events, (self.now, self.proposals, None, arch, fresh.pop(arch, None)))

    def finish_next(self, counted_at_tell: bool) -> None:
        """Tell the next evaluation to finish (and the repeats that waited for it)."""
        finish, proposal, worker, arch, result = heapq.heappop(self.events)
        if finish > self.clock.time_budget_s:
            self.out.status = Status.TIME
            return
        self.now = finish
        cached = result is None
        if not cached:
            self.cache[arch] = result  # type: ignore[assignment]
        waiting = self.flight.pop(arch, [(proposal, finish)])
        self.tell(arch, proposal, waiting[0][1], finish, worker, cached)
        if counted_at_tell:
            self.repeat(cached)
        for other, asked in waiting[1:]:
            self.tell(arch, other, asked, finish, None, cached=True)
        if worker is not None:
            heapq.heappush(self.free, worker)

    def tell(self, arch: Arch, proposal: int, start: float, finish: float, worker: int | None, cached: bool) -> None:
        """Tell the algorithm and record the row; a repeat (``cached``) costs nothing and has no worker."""
        result = self.cache[arch]
        self._timed(lambda: self.algo.tell(arch, result))
        if not cached:
            self.best = max(self.best, result.valid)
        simulated = self.clock.simulated
        cost_s = finish - start if simulated else None
        record(
            self.out.rows,
            len(self.cache),
            arch,
            result,
            cached,
            self.best,
            self.algo_s,
            proposal=proposal,
            cost_s=cost_s,
        )
        if simulated:
            for column, value in zip(TIME_COLUMNS, (NO_WORKER if cached or worker is None else worker, start, finish)):
                self.out.rows[column].append(value)


def run(
    benchmark: Benchmark,
    spec: str,
    seed: int,
    budget: int,
    *,
    max_repeats: int = 1000,
    parallel: int = 1,
    evaluate: Evaluate | None = None,
    clock: Clock | None = None,
) -> RunResult:
    """Run ``spec`` on ``benchmark`` until ``budget`` distinct architectures have been evaluated.

    Ends with :class:`Status` ``BUDGET``, or early: ``EXHAUSTED`` (the algorithm returned None with
    nothing in training, or the space is used up), ``STUCK`` (``max_repeats`` proposals in a row
    were repeats), ``TIME`` (a simulated clock's next result would arrive after its time budget;
    evaluations still in training then are not recorded) or ``FAILED`` (an exception; its first line
    is recorded in ``error`` and the rows so far are kept).

    ``clock`` (default :class:`ZeroClock`) says when evaluations finish and on how many workers.
    With ``parallel=K`` (zero clock only) the algorithm proposes K architectures at a time, the new
    ones are evaluated together by ``evaluate`` (e.g. on several GPUs through Dask; default: here,
    one after another), each with its own seed drawn in order from the run's benchmark stream, and
    then told in proposal order; so the history depends on K but not on where or in which order
    the evaluations ran.
    """
    clock = clock or ZeroClock()
    if parallel > 1 and clock.simulated:
        raise ValueError("parallel proposals and a simulated clock do not combine")
    out = RunResult(benchmark.name, spec, seed, budget)
    if clock.simulated:
        out.rows.update({c: [] for c in TIME_COLUMNS})
    start = time.perf_counter()
    try:
        out.meta = {"parallel": parallel, **clock.bind(benchmark)}  # nothing when the clock cannot serve
        state = _Run(out, benchmark, clock, max_repeats, seed)
        while out.status is Status.RUNNING:
            if parallel > 1:
                state.start_round(parallel, evaluate)
            else:
                state.start_each()
            if out.status is not Status.RUNNING:
                break
            if not state.events:
                out.status = Status.BUDGET if len(state.cache) >= budget else Status.EXHAUSTED
                break
            state.finish_next(counted_at_tell=parallel > 1)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # recorded, not raised: one bad run must not stop a grid
        out.status, out.error = Status.FAILED, failure_line(exc)
    out.wall_s = time.perf_counter() - start
    return out
