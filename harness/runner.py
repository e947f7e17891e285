"""The one loop that runs an algorithm on a benchmark: ask, answer repeats from a cache, evaluate
new architectures, tell, and record one row per proposal.

The loop is event-driven: each proposal becomes an :class:`Evaluation`, a small typed event in a
heap (as in syne-tune's ``simulator_backend/events.py``), told in the order of (finish time,
proposal). When an evaluation finishes comes from a swappable clock (:mod:`harness.clock`):
:class:`~harness.clock.ZeroClock`, where it takes no time (the plain run, one worker), or
:class:`harness.simulate.SimulatedClock`, where it takes the table's training time on K workers.
With ``parallel=K`` the plain run proposes K architectures at a time and tells them in proposal
order (synchronous rounds). A run ends with a :class:`~analysis.runformat.Status`.

A run is a pure function of (benchmark, spec, seed, budget, clock, K): the algorithm and the
benchmark each get a child stream of ``numpy.random.SeedSequence(seed)``, and nothing reads the
wall clock for control (``algo_s`` only measures).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from algorithms import registry as base
from analysis.runformat import COLUMNS, NO_WORKER, OBJECTIVE_PREFIX, Status, arch_key
from benchmarks.base import Arch, Benchmark, Result

from .clock import TIME_COLUMNS, Clock, ZeroClock
from .evaluation import query_here
from .failures import failure_line, traceback_text

__all__ = ["Clock", "Evaluation", "RunResult", "Status", "ZeroClock", "run"]

Evaluate = Callable[[Benchmark, list[Arch], list[int]], list[Result]]


@dataclass
class RunResult:
    benchmark: str
    spec: str
    seed: int
    budget: int
    status: Status = Status.RUNNING
    error: str = ""  # one line: the exception and where in the algorithm's code it was raised
    wall_s: float = 0.0
    rows: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    algorithm: Any = field(default=None, repr=False)  # the algorithm object, for inspection
    meta: dict[str, Any] = field(default_factory=dict)  # more run metadata (e.g. the simulated clock's)
    traceback: str = field(default="", repr=False)  # a failed run's full traceback

    @property
    def samples(self) -> int:
        return self.rows["step"][-1] if self.rows["step"] else 0


@dataclass(order=True, frozen=True)
class Evaluation:
    """One proposal on its way to be told, ordered by when it finishes, then by proposal number."""

    finish: float
    proposal: int
    asked: float = field(compare=False)  # when it was asked: its training starts then
    arch: Arch = field(compare=False)
    repeat: bool = field(compare=False)  # an architecture already evaluated or in training: costs nothing
    result: Result | None = field(compare=False, default=None)  # the answer of a new evaluation
    worker: int | None = field(compare=False, default=None)  # the worker training it (a simulated clock's)


class _Run:
    """The state of one run; the loop is :func:`run`."""

    def __init__(self, out: RunResult, benchmark: Benchmark, clock: Clock, max_repeats: int, seed: int) -> None:
        self.out, self.benchmark, self.clock, self.max_repeats = out, benchmark, clock, max_repeats
        algo_ss, bench_ss = np.random.SeedSequence(seed).spawn(2)
        self.bench_rng = np.random.default_rng(bench_ss)
        self.cache: dict[Arch, Result] = {}
        #: architecture in training -> the repeats of it asked meanwhile (told when it finishes)
        self.in_training: dict[Arch, list[Evaluation]] = {}
        self.events: list[Evaluation] = []
        self.free = list(range(clock.workers))
        self.size = len(benchmark) if benchmark.all_archs() is not None else None
        self.best, self.repeats, self.proposals, self.now = -np.inf, 0, 0, 0.0
        t0 = time.perf_counter()
        self.algo = out.algorithm = base.make(out.spec, benchmark, np.random.default_rng(algo_ss), budget=out.budget)
        self.algo_s = time.perf_counter() - t0

    def evaluations_left(self) -> int:
        """How many more evaluations may start (the budget, and the space's size, less those started)."""
        started = len(self.cache) + len(self.in_training)
        return (self.out.budget if self.size is None else min(self.out.budget, self.size)) - started

    def _timed(self, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return call()
        finally:
            self.algo_s += time.perf_counter() - t0

    def asks(self, parallel: int) -> Iterator[Arch]:
        """The batch asker: the next proposals, each numbered as it is asked; a None from ``ask``
        ends the batch (nothing to propose until a result arrives) and numbers nothing. With one
        proposal at a time, one ask per free worker, each handled before the next ask; with
        ``parallel`` K, once the last round is told, K at once (``ask_batch`` where the algorithm has one)."""
        if parallel > 1:
            if self.events or self.evaluations_left() <= 0:
                return
            k = min(parallel, self.out.budget - len(self.cache))
            ask_batch = getattr(self.algo, "ask_batch", None)
            if k > 1 and ask_batch is not None:
                batch = iter(list(self._timed(lambda: ask_batch(k)) or []))
            else:
                batch = (self._timed(self.algo.ask) for _ in range(k))
        else:
            batch = self._one_at_a_time()
        for arch in batch:
            if arch is None or self.out.status is not Status.RUNNING:  # nothing to propose, or stuck
                return
            self.proposals += 1
            yield tuple(int(a) for a in arch)

    def _one_at_a_time(self) -> Iterator[Arch | None]:
        """An ask for each free worker while the budget and the run allow, each asked after the
        previous proposal was handled (a repeat of a finished architecture is told before the next ask)."""
        while self.free and self.evaluations_left() > 0 and self.out.status is Status.RUNNING:
            yield self._timed(self.algo.ask)

    def start(self, parallel: int, evaluate: Evaluate | None) -> None:
        """Start the proposals of the batch asker. One at a time (free workers): a new architecture
        is evaluated at once and finishes when the clock says, a repeat of a finished one is told at
        once, a repeat of one in training waits for it. A round (``parallel`` K): the new ones are
        evaluated together by ``evaluate``, each with its own seed drawn in order from the
        benchmark stream, and all are told in proposal order. The repeat guard counts each proposal
        as it is asked."""
        round_: list[tuple[int, Arch]] = []
        for arch in self.asks(parallel):
            repeat = arch in self.cache or arch in self.in_training or any(arch == a for _, a in round_)
            if parallel > 1:
                round_.append((self.proposals, arch))
            elif arch in self.cache:
                self.tell(Evaluation(self.now, self.proposals, self.now, arch, repeat=True), self.now)
            elif arch in self.in_training:
                self.in_training[arch].append(Evaluation(self.now, self.proposals, self.now, arch, repeat=True))
            else:
                self._check(arch)
                result = self.benchmark.query(arch, self.bench_rng)
                heapq.heappush(self.events, self._new(arch, result, heapq.heappop(self.free)))
                self.in_training[arch] = []
            self.guard(repeat)
        if round_:
            self._start_round(round_, evaluate or query_here)

    def guard(self, repeat: bool) -> None:
        """The repeat guard: ``max_repeats`` repeated proposals in a row (in ask order) end the run
        as stuck: nothing more is asked, and what was asked before is still told."""
        self.repeats = self.repeats + 1 if repeat else 0
        if self.repeats >= self.max_repeats:
            self.out.status, self.out.error = Status.STUCK, f"{self.max_repeats} repeated proposals in a row"

    def _new(self, arch: Arch, result: Result, worker: int) -> Evaluation:
        finish = self.clock.finish(self.now, arch, result)
        return Evaluation(finish, self.proposals, self.now, arch, repeat=False, result=result, worker=worker)

    def _check(self, arch: Arch) -> None:
        if not self.benchmark.is_valid(arch):
            raise ValueError(f"algorithm proposed an invalid architecture {arch}")

    def _start_round(self, round_: list[tuple[int, Arch]], evaluate: Evaluate) -> None:
        new = [a for a in dict.fromkeys(arch for _, arch in round_) if a not in self.cache]
        for arch in new:
            self._check(arch)
        seeds = [int(s) for s in self.bench_rng.integers(2**63 - 1, size=len(new))]
        fresh = dict(zip(new, evaluate(self.benchmark, new, seeds)))
        for proposal, arch in round_:
            result = fresh.pop(arch, None)
            heapq.heappush(self.events, Evaluation(self.now, proposal, self.now, arch, result is None, result))

    def finish_next(self) -> None:
        """Tell the next evaluation to finish, then the repeats that waited for it."""
        event = heapq.heappop(self.events)
        if event.finish > self.clock.time_budget_s:  # it and those after it are not told
            self.out.status = Status.TIME if self.out.status is Status.RUNNING else self.out.status
            self.events.clear()
            return
        self.now = event.finish
        if event.result is not None:
            self.cache[event.arch] = event.result
        self.tell(event, event.finish)
        for waiting in self.in_training.pop(event.arch, []):
            self.tell(waiting, event.finish)
        if event.worker is not None:
            heapq.heappush(self.free, event.worker)

    def tell(self, event: Evaluation, finish: float) -> None:
        """Tell the algorithm and record the row."""
        result = self.cache[event.arch]
        self._timed(lambda: self.algo.tell(event.arch, result))
        if not event.repeat:
            self.best = max(self.best, result.valid)
        self.record(event, finish, result)

    def record(self, event: Evaluation, finish: float, result: Result) -> None:
        """The row of a told proposal (:data:`analysis.runformat.COLUMNS`, then a simulated clock's
        :data:`~harness.clock.TIME_COLUMNS` and a multi-objective benchmark's objectives)."""
        simulated = self.clock.simulated
        row = {
            "step": len(self.cache),
            "proposal": event.proposal,
            "arch": arch_key(event.arch),
            "valid": result.valid,
            "test": result.test,
            "cost_s": 0.0 if event.repeat else finish - event.asked if simulated else result.cost_s,
            "cached": event.repeat,
            "best_valid": self.best,
            "algo_s": self.algo_s,
            # what the analysis judges: the benchmark's value where the search saw an estimate, else the same
            "true_valid": result.extra.get("true_valid", result.valid),
            "true_test": result.extra.get("true_test", result.test),
        }
        if simulated:
            worker = NO_WORKER if event.repeat or event.worker is None else event.worker
            row.update(zip(TIME_COLUMNS, (worker, event.asked, finish)))
        for name, value in result.extra.get("objectives", {}).items():
            row[OBJECTIVE_PREFIX + name] = value
        for column, value in row.items():
            self.out.rows.setdefault(column, []).append(value)


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
    were repeats; the proposals asked until then are told), ``TIME`` (a simulated clock's next result would arrive after its time budget;
    evaluations still in training then are not recorded) or ``FAILED`` (an exception; its first line
    and where the algorithm's code raised it are recorded in ``error``, its traceback in
    ``traceback``, and the rows so far are kept).

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
        out.meta.update(getattr(state.algo, "run_meta", None) or {})  # e.g. a zero-cost warm-up's cost
        while out.status in (Status.RUNNING, Status.STUCK):  # stuck: what was asked is still told
            if out.status is Status.RUNNING:
                state.start(parallel, evaluate)
            if not state.events:
                if out.status is Status.RUNNING:
                    out.status = Status.BUDGET if len(state.cache) >= budget else Status.EXHAUSTED
                break
            state.finish_next()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # recorded, not raised: one bad run must not stop a grid
        algorithm = type(out.algorithm) if out.algorithm is not None else _class_of(spec)
        out.status, out.error = Status.FAILED, failure_line(exc, algorithm)
        out.traceback = traceback_text(exc)
    out.wall_s = time.perf_counter() - start
    return out


def _class_of(spec: str) -> type | None:
    """The class a spec names, for a failure before the algorithm was built (None if unknown)."""
    try:
        return base.algorithm_class(spec)
    except Exception:  # noqa: BLE001 - the failure being recorded says what is wrong
        return None
