"""``python -m analysis results/<experiment>``: write the figures, tables and report. The exit
status is 0, 1 when some runs of the folder failed (the report is written all the same, their
causes in its run health table), 2 when the folder cannot be analysed."""

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
    failed = failed_runs(report.parent)
    if failed:
        print(f"{failed} run(s) failed: their causes are in the report's run health table", file=sys.stderr)
    return 1 if failed else 0


def failed_runs(folder: Path) -> int:
    """Runs the analysis found failed (``tables/runs.csv``, written with the report)."""
    import pandas as pd

    runs = pd.read_csv(folder / "tables" / "runs.csv", usecols=["status"])
    return int((runs["status"] == "failed").sum())


if __name__ == "__main__":
    sys.exit(main())
