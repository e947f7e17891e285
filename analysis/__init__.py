"""Analysis of experiment folders: reads only ``results/<exp>/`` (never the algorithms) and
writes ``figures/*.png``, ``tables/*.csv`` and ``report.md``. Entry point: :func:`analyse`.

- :mod:`analysis.runformat`: the results format (the harness writes it); :mod:`analysis.load`,
  :mod:`analysis.frames`: a folder read back (objects, tidy pandas frames); :mod:`analysis.families`:
  ablation series among the specs; :mod:`analysis.errors`: user-facing errors and cheap checks.
- :mod:`analysis.stats`: the numbers; :mod:`analysis.plots`: the figures; :mod:`analysis.report`:
  ``report.md``. Stats import neither plots nor report; plots do not import the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import AnalysisError, cannot_write, check_folder, hidden_package

# the analysis imports only itself and benchmarks; checked before importing what a folder would hide
if _hidden := hidden_package(Path(__file__).resolve().parents[1], ("analysis", "benchmarks")):
    if sys.argv[:1] == ["-m"]:  # ``python -m analysis`` is finding its module: one line, no traceback
        print(f"python -m analysis: error: {_hidden}", file=sys.stderr)
        raise SystemExit(2)
    raise ImportError(_hidden)

from benchmarks.base import cannot  # noqa: E402

__all__ = ["AnalysisError", "analyse"]
OUTPUTS = ("tables", "figures")


def check_writable(path: Path) -> None:
    """Raise :class:`AnalysisError` unless files can be created in ``path`` and its output folders."""
    for folder in (path, *(path / d for d in OUTPUTS if (path / d).exists())):
        reason = cannot_write(folder)
        if reason:
            raise AnalysisError(
                cannot(f"write the analysis in {folder}", reason, "make it writable (the runs are not touched)")
            )


def analyse(exp_dir: Path | str) -> Path:
    """Write ``figures/*.png``, ``tables/*.csv`` and ``report.md`` under ``exp_dir``; return the
    report's path. Raises :class:`AnalysisError` (one line) when the folder is not usable or the
    output cannot be written. The previous ``report.md`` is removed first, so a report on disk
    is always that of the last analysis that finished."""
    path = check_folder(Path(exp_dir))
    check_writable(path)
    (path / "report.md").unlink(missing_ok=True)
    from .report.build import analyse as _analyse  # matplotlib, scipy, pandas: only once needed

    try:
        return _analyse(path)
    except OSError as exc:  # a file of tables/ or figures/ that cannot be replaced, a full disk
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        raise AnalysisError(cannot(f"write the analysis{where}", exc)) from None
