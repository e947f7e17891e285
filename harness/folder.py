"""An experiment folder seen from Python: what :func:`harness.run` returns, or
``ExperimentFolder("results/mine")`` for any folder on disk (written by the command line or by
Python, older folders included)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


@dataclass
class ExperimentFolder:
    path: Path
    #: runs of the last :func:`harness.run` that failed (``{"task", "status", "error", ...}``)
    failed: list[dict[str, Any]] = field(default_factory=list)
    #: runs done by the last :func:`harness.run` (not those it found on disk)
    ran: int = 0
    #: ``report.md`` once analysed, else None
    report: Path | None = None

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        if (self.path / "report.md").is_file():
            self.report = self.path / "report.md"

    def proposals(self):
        """A pandas row per told proposal (see :func:`analysis.frames.proposals`)."""
        from analysis.frames import proposals

        return proposals(self.path)

    def statistics(self):
        """A pandas row per (benchmark, spec, target), the report's numbers
        (see :func:`analysis.frames.statistics`)."""
        from analysis.frames import statistics

        return statistics(self.path)

    def analyse(self, stream: IO[str] | None = None) -> bool:
        """Write figures, tables and ``report.md``; False (after one line on ``stream``) when the
        analysis failed, the runs being safe on disk. ``analysis.analyse`` removes the previous
        report first, so a failed analysis leaves no stale report behind."""
        stream = stream or sys.stderr
        self.report = None
        out = self.path
        try:
            from analysis import AnalysisError, analyse
        except ImportError as exc:
            print(f"analysis not available ({exc}); results are in {out}", file=stream)
            return False
        try:
            self.report = analyse(out)
        except AnalysisError as exc:
            print(f"analysis failed: {exc}; results are in {out}", file=stream)
            return False
        except Exception as exc:  # the runs are safe on disk; say what broke in one line
            print(
                f"analysis failed ({type(exc).__name__}: {exc})".splitlines()[0] + f"; results are in {out}; "
                f"retry with: python -m analysis {out}",
                file=stream,
            )
            return False
        print(f"report: {self.report}", file=stream)
        return True

    def __repr__(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return f"ExperimentFolder({str(self.path)!r}{failed})"
