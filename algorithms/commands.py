"""What ``run_all.py`` does: list the registries, or run (and resume) a grid and analyse it."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.spec import SpecError

from . import base as algorithms
from .results import check_writable, clean_temporaries
from .experiment import ExperimentError, Progress, grid, pending, run_local, task_path, write_manifest
from .presets import PRESETS, SLOW, estimate_s
from .simulate import sim_tasks

ROOT = Path(__file__).resolve().parents[1]


def _fail(message: str) -> int:
    print(f"run_all.py: error: {message}", file=sys.stderr)
    return 2


def list_all(workers: int) -> int:
    print("Benchmarks:")
    for name, entry in benchmarks.entries().items():
        if name.startswith("synthetic/"):
            continue
        reason = entry.available()
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
        algos = list(preset.algorithms or _available_algorithms())
        est = estimate_s(algos, len(preset.benchmarks), len(preset.seeds), preset.budget, workers)
        print(f"  {name:12s} ~{_duration(est):>8s}  {preset.description}; {len(preset.benchmarks)} benchmarks x "
              f"{len(algos)} algorithms x {len(preset.seeds)} seeds, budget {preset.budget}")
    return 0


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def _available_algorithms() -> list[str]:
    """Every registered algorithm that can run here, except the slow ones (see presets.SLOW)."""
    return [n for n in algorithms.names()
            if n not in SLOW and not algorithms.unavailable(algorithms.resolve(n)[0])]


def run_grid(args: argparse.Namespace, parse_seeds: Callable[[list[str]], list[int]], command: list[str]) -> int:
    if args.preset is not None and args.preset not in PRESETS:
        return _fail(f"unknown preset {args.preset!r}; known: {', '.join(PRESETS)}")
    preset = PRESETS[args.preset or "default"]
    try:
        bench_specs = list(dict.fromkeys(benchmarks.check(b) for b in (args.benchmarks or preset.benchmarks)))
        algo_specs, notes = algorithms.canonical(list(args.algorithms or preset.algorithms or _available_algorithms()))
        for spec in algo_specs:
            reason = algorithms.unavailable(algorithms.resolve(spec)[0])
            if reason:
                return _fail(f"algorithm {spec!r} is not available here: {reason}")
        for spec in bench_specs:
            reason = benchmarks.entries()[spec.split(":")[0]].available()
            if reason:
                return _fail(f"benchmark {spec!r} is not available: {reason}")
        seeds = parse_seeds(args.seeds) if args.seeds else list(preset.seeds)
        budget = args.budget if args.budget is not None else preset.budget
        if budget < 1:
            return _fail(f"bad budget {budget}: it must be at least 1")
        if args.workers < 1:
            return _fail(f"bad --workers {args.workers}: it must be at least 1")
        out = args.out or ROOT / "results" / (args.preset or ("default" if not (args.benchmarks or args.algorithms
                                                                               or args.seeds or args.budget)
                                                              else "custom"))
        if args.parallel < 1:
            return _fail(f"bad --parallel {args.parallel}: it must be at least 1")
        tasks = grid(bench_specs, algo_specs, seeds, budget, args.parallel,
                     remote_eval=args.executor == "dask" and args.parallel > 1)
        simulated = sim_tasks(tasks, args.sim_workers, args.time_budget)  # checked before anything is written
        write_manifest(out, tasks, command)
        tasks += simulated
        todo = pending(out, tasks)
        check_writable(task_path(out, t) for t in todo)
    except (SpecError, BenchmarkError, ExperimentError, OSError) as exc:
        return _fail(str(exc).splitlines()[0])

    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{out}: {len(tasks)} runs ({len(bench_specs)} benchmarks x {len(algo_specs)} algorithms x "
          f"{len(seeds)} seeds, budget {budget}); {len(tasks) - len(todo)} already on disk", file=sys.stderr)
    start = time.perf_counter()
    progress = Progress(len(tasks), initial=len(tasks) - len(todo))
    try:
        if args.executor == "dask":
            from .executors import run_dask
            run_dask(todo, out, args.workers, args.scheduler, progress)
        else:
            run_local(todo, out, args.workers, progress)
    except KeyboardInterrupt:
        progress.close()
        left = len(pending(out, tasks))
        print(f"\ninterrupted: {progress.done} runs finished in this session, {len(tasks) - left} of {len(tasks)} "
              f"on disk; run the same command again to finish the other {left}", file=sys.stderr)
        return 130
    except (ExperimentError, OSError) as exc:  # OSError: results could not be written (one line, see results.py)
        progress.close()
        return _fail(str(exc).splitlines()[0])
    progress.close()
    clean_temporaries(out)  # a worker killed while writing leaves its temporary behind
    print(f"ran {progress.done} runs in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    for summary in progress.failed[:10]:
        t = summary["task"]
        print(f"FAILED {t.benchmark} {t.spec} seed {t.seed}: {summary['error']}", file=sys.stderr)
    if len(progress.failed) > 10:
        print(f"... and {len(progress.failed) - 10} more failed runs", file=sys.stderr)
    analysed = args.no_analysis or _analyse(out)
    return 1 if progress.failed or not analysed else 0


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
