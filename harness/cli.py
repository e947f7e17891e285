"""What ``run_all.py`` does: list the registries, or run (and resume) a grid and analyse it; a thin
layer over :func:`harness.api.run`, which a notebook calls directly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from algorithms import registry as algorithms
from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.objectives import describe_columns
from benchmarks.specs import SpecError

from .api import Interrupted, default_out, run
from .grids import preset_algorithms
from .plugins import origin
from .presets import PRESETS, preset_estimate_s
from .tasks import ExperimentError

__all__ = ["list_all", "run_grid"]
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
                bench = benchmarks.make(name)
                columns = describe_columns(bench)  # what objectives= may name (benchmarks/objectives.py)
                size = bench.describe() + (f"; objective columns: {columns}" if "," in columns else "")
            except (BenchmarkError, SpecError) as exc:
                size = f"not available: {exc}"
        print(f"  {name:28s} {size}{_plugin(name)}")
    print("\nAlgorithms:")
    for name in algorithms.names():
        base_name, options = algorithms.resolve(name)
        reason = algorithms.unavailable(base_name)
        opts = ", ".join(f"{k}={v}" for k, v in {**algorithms.defaults(base_name), **options}.items())
        note = (f"  [not available: {reason}]" if reason else "") + _plugin(name)
        print(f"  {name:14s} {opts}{note}")
    print(f"\nPresets (estimated wall time with {workers} workers on a 2-core machine):")
    for name, preset in PRESETS.items():
        algos = preset_algorithms(preset)
        est = preset_estimate_s(preset, algos, workers)
        print(
            f"  {name:12s} ~{_duration(est):>8s}  {preset.description}; {len(preset.benchmarks)} benchmarks x "
            f"{len(algos)} algorithms x {len(preset.seeds)} seeds, budget {preset.budget}"
        )
    return 0


def _duration(seconds: float) -> str:
    return (
        f"{seconds:.0f} s"
        if seconds < 120
        else f"{seconds / 60:.0f} min"
        if seconds < 7200
        else f"{seconds / 3600:.1f} h"
    )


def _plugin(name: str) -> str:
    ref = origin(name)
    return f"  (plugin {ref})" if ref else ""


def run_grid(args: argparse.Namespace, command: list[str]) -> int:
    """Run the command's grid (plugins already loaded by ``run_all.main``); the exit status."""
    custom = bool(args.benchmarks or args.algorithms or args.seeds or args.budget)
    try:
        folder = run(
            args.benchmarks,
            args.algorithms,
            args.seeds,
            args.budget,
            args.out or default_out(args.preset, custom, ROOT),
            args.workers,
            args.executor,
            preset=args.preset,
            scheduler=args.scheduler,
            parallel=args.parallel,
            sim_workers=args.sim_workers,
            time_budget=args.time_budget,
            analyse=not args.no_analysis,
            redo_changed=args.redo_changed,
            verbose=args.verbose,
            command=command,
        )
    except ExperimentError as exc:
        return _fail(str(exc))
    except Interrupted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 130
    return 1 if folder.failed or not (args.no_analysis or folder.report) else 0
