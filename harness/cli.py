"""What ``run_all.py`` does: list the registries, or run (and resume) a grid and analyse it."""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.spec import SpecError

from algorithms import registry as algorithms
from .args import parse_seeds
from .experiment import ExperimentError, Progress, Task, grid, pending, run_local, task_path, write_manifest
from .presets import PRESETS, SLOW, Preset, estimate_s
from .results import check_writable, clean_temporaries
from .simulate import SimulationError, parse_duration, time_source

ROOT = Path(__file__).resolve().parents[1]


def _fail(message: str) -> int:
    print(f"run_all.py: error: {message}", file=sys.stderr)
    return 2


def list_all(workers: int) -> int:
    print("Benchmarks:")
    for name, entry in benchmarks.entries().items():
        if not entry.listed:
            continue
        reason = entry.unavailable()
        if reason:
            size = f"not available: {reason}"
        else:
            try:
                size = benchmarks.make(name).describe()
            except (BenchmarkError, SpecError) as exc:
                size = f"not available: {exc}"
        print(f"  {name:28s} {size}")
    print("\nAlgorithms:")
    for name in algorithms.names():
        base_name, options = algorithms.resolve(name)
        reason = algorithms.unavailable(base_name)
        opts = ", ".join(f"{k}={v}" for k, v in {**algorithms.options_of(base_name), **options}.items())
        note = f"  [not available: {reason}]" if reason else ""
        print(f"  {name:14s} {opts}{note}")
    print(f"\nPresets (estimated wall time with {workers} workers on a 2-core machine):")
    for name, preset in PRESETS.items():
        algos = preset_algorithms(preset)
        est = estimate_s(algos, len(preset.benchmarks), len(preset.seeds), preset.budget, workers)
        print(f"  {name:12s} ~{_duration(est):>8s}  {preset.description}; {len(preset.benchmarks)} benchmarks x "
              f"{len(algos)} algorithms x {len(preset.seeds)} seeds, budget {preset.budget}")
    return 0


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def preset_algorithms(preset: Preset) -> list[str]:
    """The algorithms a preset runs: its list, else every registered algorithm that can run here
    (the SLOW ones only with ``slow=True``)."""
    if preset.algorithms is not None:
        return list(preset.algorithms)
    return [n for n in algorithms.names()
            if (preset.slow or n not in SLOW) and not algorithms.unavailable(algorithms.resolve(n)[0])]


@dataclass
class Plan:
    """A checked grid: what to run, where, and what is left of it."""
    out: Path
    bench_specs: list[str]
    algo_specs: list[str]
    seeds: list[int]
    budget: int
    tasks: list[Task]
    todo: list[Task]
    notes: list[str]


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out:
        return args.out
    custom = args.benchmarks or args.algorithms or args.seeds or args.budget
    return ROOT / "results" / (args.preset or ("custom" if custom else "default"))


def _check_available(algo_specs: list[str], bench_specs: list[str]) -> None:
    for spec in algo_specs:
        reason = algorithms.unavailable(algorithms.resolve(spec)[0])
        if reason:
            raise ExperimentError(f"algorithm {spec!r} is not available here: {reason}")
    for spec in bench_specs:
        reason = benchmarks.entries()[spec.split(":")[0]].unavailable()
        if reason:
            raise ExperimentError(f"benchmark {spec!r} is not available: {reason}")


def plan(args: argparse.Namespace, command: list[str]) -> Plan:
    """Check the command's grid and write its manifest; raises a one-line error (ExperimentError,
    SpecError, BenchmarkError, OSError) before any run starts."""
    if args.preset is not None and args.preset not in PRESETS:
        raise ExperimentError(f"unknown preset {args.preset!r}; known: {', '.join(PRESETS)}")
    preset = PRESETS[args.preset or "default"]
    bench_specs = list(dict.fromkeys(benchmarks.check(b) for b in (args.benchmarks or preset.benchmarks)))
    algo_specs, notes = algorithms.canonical(list(args.algorithms or preset_algorithms(preset)))
    _check_available(algo_specs, bench_specs)
    seeds = parse_seeds(args.seeds) if args.seeds else list(preset.seeds)
    budget = args.budget if args.budget is not None else preset.budget
    if budget < 1:
        raise ExperimentError(f"bad budget {budget}: it must be at least 1")
    if args.workers < 1:
        raise ExperimentError(f"bad --workers {args.workers}: it must be at least 1")
    out = _out_dir(args)
    if args.parallel < 1:
        raise ExperimentError(f"bad --parallel {args.parallel}: it must be at least 1")
    tasks = grid(bench_specs, algo_specs, seeds, budget, args.parallel,
                 remote_eval=args.executor == "dask" and args.parallel > 1)
    simulated = sim_tasks(tasks, args.sim_workers, args.time_budget)  # checked before anything is written
    as_preset = not (args.benchmarks or args.algorithms or args.seeds or args.budget is not None)
    write_manifest(out, tasks, command, preset.leaves_out if as_preset else None)
    tasks += simulated
    todo = pending(out, tasks)
    check_writable(task_path(out, t) for t in todo)
    return Plan(out, bench_specs, algo_specs, seeds, budget, tasks, todo, notes)


def run_grid(args: argparse.Namespace, command: list[str]) -> int:
    try:
        p = plan(args, command)
    except (SpecError, BenchmarkError, ExperimentError, OSError) as exc:
        return _fail(str(exc).splitlines()[0])
    for note in p.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{p.out}: {len(p.tasks)} runs ({len(p.bench_specs)} benchmarks x {len(p.algo_specs)} algorithms x "
          f"{len(p.seeds)} seeds, budget {p.budget}); {len(p.tasks) - len(p.todo)} already on disk", file=sys.stderr)
    start = time.perf_counter()
    progress = Progress(len(p.tasks), initial=len(p.tasks) - len(p.todo))
    try:
        if args.executor == "dask":
            from .executors import run_dask
            run_dask(p.todo, p.out, args.workers, args.scheduler, progress)
        else:
            run_local(p.todo, p.out, args.workers, progress)
    except KeyboardInterrupt:
        progress.close()
        left = len(pending(p.out, p.tasks))
        print(f"\ninterrupted: {progress.done} runs finished in this session, {len(p.tasks) - left} of "
              f"{len(p.tasks)} on disk; run the same command again to finish the other {left}", file=sys.stderr)
        return 130
    except (ExperimentError, OSError) as exc:  # OSError: results could not be written (one line, see results.py)
        progress.close()
        return _fail(str(exc).splitlines()[0])
    progress.close()
    clean_temporaries(p.out)  # a worker killed while writing leaves its temporary behind
    print(f"ran {progress.done} runs in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    _print_failures(progress.failed)
    analysed = args.no_analysis or _analyse(p.out)
    return 1 if progress.failed or not analysed else 0


def _print_failures(failed: list[dict]) -> None:
    for summary in failed[:10]:
        t = summary["task"]
        print(f"FAILED {t.benchmark} {t.spec} seed {t.seed}: {summary['error']}", file=sys.stderr)
    if len(failed) > 10:
        print(f"... and {len(failed) - 10} more failed runs", file=sys.stderr)


def sim_tasks(tasks: list, workers: list[int] | None, time_budget: str | None) -> list:
    """The simulated-time copies of a grid's tasks, one per K in ``workers`` (``run_all.py
    --sim-workers K [K ...] --time-budget 24h``); benchmarks with no training time are left out
    with a note. Raises :class:`harness.experiment.ExperimentError` on bad settings."""
    if not workers:
        if time_budget:
            raise ExperimentError("--time-budget needs --sim-workers K (it is a simulated time budget)")
        return []
    if min(workers) < 1:
        raise ExperimentError(f"bad --sim-workers {min(workers)}: it must be at least 1")
    if tasks and tasks[0].parallel > 1:
        raise ExperimentError("--sim-workers and --parallel do not combine: simulated workers already "
                              "keep several proposals outstanding")
    try:
        seconds = parse_duration(time_budget) if time_budget else None
    except ValueError as exc:
        raise ExperimentError(f"--time-budget: {exc}") from None
    timed = []
    for bench in dict.fromkeys(t.benchmark for t in tasks):
        try:
            time_source(benchmarks.make(bench))
            timed.append(bench)
        except SimulationError as exc:
            print(f"note: {exc}; its runs are not simulated", file=sys.stderr)
    return [replace(t, sim_workers=k, time_budget_s=seconds, save_partition=False)
            for k in dict.fromkeys(workers) for t in tasks if t.benchmark in timed]


def _analyse(out: Path) -> bool:
    """Run the analysis; False (after one line on stderr) when it failed. ``analysis.analyse``
    removes the previous report.md first, so a failed analysis leaves no stale report behind."""
    try:
        from analysis import AnalysisError, analyse
    except ImportError as exc:
        print(f"analysis not available ({exc}); results are in {out}", file=sys.stderr)
        return False
    try:
        report = analyse(out)
    except AnalysisError as exc:
        print(f"analysis failed: {exc}; results are in {out}", file=sys.stderr)
        return False
    except Exception as exc:  # the runs are safe on disk; say what broke in one line
        print(f"analysis failed ({type(exc).__name__}: {exc})".splitlines()[0] + f"; results are in {out}; "
              f"retry with: python -m analysis {out}", file=sys.stderr)
        return False
    print(f"report: {report}", file=sys.stderr)
    return True
