#!/usr/bin/env python
"""Run a grid of (benchmark x algorithm x seed) and analyse it.

    python run_all.py                      # the default experiment on the embedded tables
    python run_all.py --list               # benchmarks, algorithms and presets
    python run_all.py --preset ablation    # LaNAS ablations
    python run_all.py --plugin my_search.py --algorithms my-search random   # your own algorithm
    python run_all.py --benchmarks nb201/cifar10-valid --algorithms lanas random \\
        --seeds 0-49 --budget 3000 --out results/mine

Re-running the same command resumes: finished runs on disk are skipped.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import sys
import threading
from pathlib import Path


def hidden_package() -> str | None:
    """One line naming a folder that hides one of this project's packages (``python -m run_all``
    from a research repository with its own ``benchmarks/``), else None. The check lives in
    ``analysis/errors.py``, read here from beside this file: the import path cannot be trusted yet."""
    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("_lanas_hidden_check", here / "analysis" / "errors.py")
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.hidden_package(here)


if __name__ == "__main__" and (_hidden := hidden_package()):
    print(f"run_all.py: error: {_hidden}", file=sys.stderr)
    sys.exit(2)

from harness.args import PATH_FLAGS, UsageError, build_parser  # noqa: E402

__all__ = ["cli", "main"]


def restore_sigint() -> None:
    """Ctrl-C and ``kill -INT`` stop the grid (status 130), even when this process was started in
    the background by a script, which starts it with SIGINT ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    restore_sigint()
    args = build_parser(__doc__).parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    for flag, var in PATH_FLAGS.items():
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            os.environ[var] = str(value.expanduser())
    from harness import cli as commands  # deferred so that --help is instant

    if args.plugin:  # before --list and before any spec is checked
        from harness.plugins import PluginError, load_plugins

        try:
            load_plugins(args.plugin)
        except PluginError as exc:
            raise UsageError(str(exc)) from None
    if args.figure_format:
        from analysis.plots import files

        files.set_formats(args.figure_format)
    if args.list:
        return commands.list_all(args.workers)
    return commands.run_grid(args, [sys.argv[0], *(argv if argv is not None else sys.argv[1:])])


def cli(argv: list[str] | None = None) -> int:
    """``main`` with a usage error printed as one line, exit status 2; output into a pipe that its
    reader closed (``run_all.py --list | head``) ends quietly with 141, as SIGPIPE would."""
    try:
        return main(argv)
    except UsageError as exc:
        print(f"run_all.py: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 141


if __name__ == "__main__":
    sys.exit(cli())
