"""Simulated time: K workers evaluate a search's proposals asynchronously on a table whose
answers carry the training time they represent (as syne-tune's simulated backend does).

A worker that frees up asks the algorithm for a proposal; its result arrives (``tell``) at the
simulated time its training would finish; the run stops at the sample budget or when the next
result would arrive after the time budget. Nothing sleeps: the clock is a number, and a run is
a pure function of (benchmark, spec, seed, budget, K, time budget). The algorithm sees several
outstanding proposals, told in the order their training finishes (the parallel-proposal
contract); no algorithm is changed for it.

Each row of the history gets three more columns: ``worker`` (-1 for a repeat, which costs no
time), ``sim_start_s`` and ``sim_finish_s``. Rows are in tell order (``step`` grows with it);
``proposal`` is the ask order. A repeat of a finished architecture is told at once; a repeat of
one still in training is told when that training finishes. With K = 1 the history is the one of
:func:`harness.runner.run` (same streams, same order), plus the clock.

The time of an evaluation is the answer's ``cost_s``. ``anb201/*`` answers carry none; the same
cell's NAS-Bench-201 CIFAR-10 (cifar10-valid) training time stands in for it (same cell space,
same dataset, 200 epochs). A table with no time (``nbgraph/*``) has no simulated-time view.
"""

from __future__ import annotations

import heapq
import math
import re
import time
from collections.abc import Callable

import numpy as np

from algorithms import registry as base
from benchmarks.base import Arch, Benchmark, Result

from .runner import RunResult, record

TIME_COLUMNS = ("worker", "sim_start_s", "sim_finish_s")
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


class _Run:
    """The state of one simulated run (kept small: the loop is :func:`simulate`)."""

    def __init__(self, out: RunResult, algo, workers: int) -> None:
        self.out, self.algo, self.rows = out, algo, out.rows
        self.cache: dict[Arch, Result] = {}
        self.flight: dict[Arch, list[tuple[int, float]]] = {}  # arch -> (proposal, ask time) waiting
        self.events: list[tuple[float, int, int, Arch, Result]] = []  # (finish, proposal, worker, arch, result)
        self.free = list(range(workers))
        self.best, self.repeats, self.proposals, self.algo_s = -np.inf, 0, 0, 0.0

    def ask(self) -> Arch | None:
        t0 = time.perf_counter()
        arch = self.algo.ask()
        self.algo_s += time.perf_counter() - t0
        self.proposals += 1
        return None if arch is None else tuple(int(a) for a in arch)

    def tell(self, arch: Arch, proposal: int, start: float, finish: float, worker: int) -> None:
        result, cached = self.cache[arch], worker < 0
        t0 = time.perf_counter()
        self.algo.tell(arch, result)
        self.algo_s += time.perf_counter() - t0
        if not cached:
            self.best = max(self.best, result.valid)
        record(
            self.rows,
            len(self.cache),
            arch,
            result,
            cached,
            self.best,
            self.algo_s,
            proposal=proposal,
            cost_s=finish - start,
        )
        for column, value in zip(TIME_COLUMNS, (worker, start, finish)):
            self.rows[column].append(value)

    def repeat(self, max_repeats: int) -> bool:
        self.repeats += 1
        if self.repeats >= max_repeats:
            self.out.status, self.out.error = "stuck", f"{max_repeats} repeated proposals in a row"
        return self.out.status == "stuck"


def _fill(run: _Run, benchmark: Benchmark, bench_rng, cost, now: float, budget: int, max_repeats: int) -> None:
    """Give every free worker a new evaluation (repeats are answered on the way)."""
    size = len(benchmark) if benchmark.all_archs() is not None else None
    while run.free and len(run.cache) + len(run.flight) < budget:
        if size is not None and len(run.cache) + len(run.flight) >= size:
            return
        arch = run.ask()
        if arch is None:  # nothing to propose until a result arrives
            return
        if arch in run.cache:
            run.tell(arch, run.proposals, now, now, -1)
            if run.repeat(max_repeats):
                return
            continue
        if arch in run.flight:
            run.flight[arch].append((run.proposals, now))
            if run.repeat(max_repeats):
                return
            continue
        if not benchmark.is_valid(arch):
            raise ValueError(f"algorithm proposed an invalid architecture {arch}")
        result = benchmark.query(arch, bench_rng)
        seconds = cost(arch, result)
        if not seconds > 0:
            raise SimulationError(f"{benchmark.name}: no training time for {arch}")
        worker = heapq.heappop(run.free)
        heapq.heappush(run.events, (now + seconds, run.proposals, worker, arch, result))
        run.flight[arch] = [(run.proposals, now)]
        run.repeats = 0


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
    """Run ``spec`` on ``benchmark`` with ``workers`` simulated workers; see the module doc.

    Status: ``budget`` (the sample budget was reached), ``time`` (the next result would arrive
    after ``time_budget_s``; evaluations still in training then are not recorded),
    ``exhausted``, ``stuck`` or ``failed`` as in :func:`harness.runner.run`.
    """
    if workers < 1:
        raise SimulationError(f"bad number of simulated workers {workers}: it must be at least 1")
    out = RunResult(benchmark.name, spec, seed, budget)
    out.rows.update({c: [] for c in TIME_COLUMNS})
    start = time.perf_counter()
    try:
        cost, source = time_source(benchmark)
        out.meta = {
            "parallel": 1,
            "sim_workers": workers,
            "time_budget_s": None if math.isinf(time_budget_s) else time_budget_s,
            "time_source": source,
        }
        algo_ss, bench_ss = np.random.SeedSequence(seed).spawn(2)  # as runner.run: K = 1 is its history
        bench_rng = np.random.default_rng(bench_ss)
        t0 = time.perf_counter()
        run = _Run(out, base.make(spec, benchmark, np.random.default_rng(algo_ss)), workers)
        run.algo_s = time.perf_counter() - t0
        now = 0.0
        while out.status == "running":
            _fill(run, benchmark, bench_rng, cost, now, budget, max_repeats)
            if out.status != "running" or not run.events:
                break
            finish, proposal, worker, arch, result = heapq.heappop(run.events)
            if finish > time_budget_s:
                out.status = "time"
                break
            now = finish
            run.cache[arch] = result
            waiting = run.flight.pop(arch)
            run.tell(arch, proposal, waiting[0][1], finish, worker)
            for other, asked in waiting[1:]:
                run.tell(arch, other, asked, finish, -1)
            heapq.heappush(run.free, worker)
        if out.status == "running":
            out.status = "budget" if len(run.cache) >= budget else "exhausted"
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # recorded, not raised, as in runner.run
        out.status = "failed"
        out.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    out.wall_s = time.perf_counter() - start
    return out
