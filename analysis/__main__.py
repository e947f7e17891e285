"""``python -m analysis results/<experiment> [--out DIR]``: write the figures, tables and report
(in DIR when given: the experiment folder is then only read). The exit status is 0, 1 when some
runs of the folder failed (the report is written all the same, their causes in its run health
table) or when files were left out as unreadable (listed in the report), 2 when the folder
cannot be analysed."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import AnalysisError, analyse
from .errors import output_view


def main(argv: list[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():  # kill -INT works from a script's `&` too
        signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Write figures/, tables/ and report.md for an experiment folder."
    )
    parser.add_argument("experiment", type=Path, help="results/<experiment> written by run_all.py")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write report.md, figures/ and tables/ in DIR (e.g. for a read-only experiment folder); "
        "DIR/runs then points at the experiment's runs",
    )
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
        with _left_out() as left_out:
            report = analyse(output_view(args.experiment, args.out) if args.out else args.experiment)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {report}")
    if left_out:
        print(
            f"{len(left_out)} file(s) left out as unreadable (e.g. {left_out[0]}): listed in the report",
            file=sys.stderr,
        )
    failed = failed_runs(report.parent)
    if failed:
        print(f"{failed} run(s) failed: their causes are in the report's run health table", file=sys.stderr)
    return 1 if failed or left_out else 0


@contextmanager
def _left_out() -> Iterator[list[str]]:
    """The files the analysis leaves out while inside (from :mod:`analysis.load`'s warnings)."""
    from .load import LEFT_OUT, log

    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if hasattr(record, LEFT_OUT) and getattr(record, LEFT_OUT) not in found:
                found.append(getattr(record, LEFT_OUT))

    handler = Collect(logging.WARNING)
    log.addHandler(handler)
    try:
        yield found
    finally:
        log.removeHandler(handler)


def failed_runs(folder: Path) -> int:
    """Runs the analysis found failed (``tables/runs.csv``, written with the report)."""
    import pandas as pd

    runs = pd.read_csv(folder / "tables" / "runs.csv", usecols=["status"])
    return int((runs["status"] == "failed").sum())


if __name__ == "__main__":
    sys.exit(main())
