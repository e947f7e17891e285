"""What ``run_all.py`` does: list the registries, or run (and resume) a grid and analyse it; a thin
layer over :func:`harness.api.run`, which a notebook calls directly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .api import Interrupted, default_out, run
from .listing import list_all
from .presets import duration
from .tasks import ExperimentError

__all__ = ["list_all", "run_grid"]
ROOT = Path(__file__).resolve().parents[1]


def _fail(message: str) -> int:
    print(f"run_all.py: error: {message}", file=sys.stderr)
    return 2


def _duration(seconds: float) -> str:
    return duration(seconds)


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
