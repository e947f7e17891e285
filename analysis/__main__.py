"""``python -m analysis results/<experiment>``: write the figures, tables and report."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from . import AnalysisError, analyse


def main(argv: list[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():  # kill -INT works from a script's `&` too
        signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Write figures/, tables/ and report.md for an experiment folder."
    )
    parser.add_argument("experiment", type=Path, help="results/<experiment> written by run_all.py")
    parser.add_argument(
        "--figure-format",
        nargs="+",
        choices=("png", "pdf", "svg"),
        metavar="FMT",
        help="png, pdf and/or svg for every figure of the report, fonts embedded (default png)",
    )
    args = parser.parse_args(argv)
    if args.figure_format:
        from .plots import files

        files.set_formats(args.figure_format)
    try:
        report = analyse(args.experiment)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
