"""An experiment folder seen from Python: what :func:`harness.run` returns, or
``ExperimentFolder("results/mine")`` for any folder on disk (written by the command line or by
Python, older folders included)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
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

    def statistics(
        self,
        *,
        benchmarks: Iterable[str] | None = None,
        specs: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
    ):
        """A pandas row per (benchmark, target, spec) with the report's numbers (the columns:
        :func:`analysis.frames.statistics`), only for the ``benchmarks``, ``specs`` and ``targets``
        asked for (default: all). ``target`` is one of ``analysis.stats.censored.TARGETS``: ``optimum`` (the table's
        best value), ``top0_1`` (the value of the top-0.1% of the table's architectures) or
        ``top1`` (the top-1%); ``target_value`` is that value. A number of samples that does not
        exist because the target was not reached (the median when half the seeds or more miss it,
        an interval's end beyond the budget) is NaN, never inf; ``reached`` of ``runs`` counts
        the seeds that got there."""
        from analysis.frames import statistics

        table = statistics(self.path)
        for column, wanted in (("benchmark", benchmarks), ("spec", specs), ("target", targets)):
            if wanted is not None:
                wanted = [wanted] if isinstance(wanted, str) else list(wanted)
                unknown = sorted(set(wanted) - set(table[column]))
                if unknown:
                    raise ValueError(
                        f"no {column} {', '.join(unknown)} in {self.path} (it has {', '.join(map(str, table[column].unique()))})"
                    )
                table = table[table[column].isin(wanted)]
        numbers = table.select_dtypes("number").columns
        table[numbers] = table[numbers].replace([float("inf"), float("-inf")], float("nan"))
        return table.reset_index(drop=True)

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
