"""Analysis of experiment folders: reads only ``results/<exp>/`` (never the algorithms) and
writes ``figures/*.png``, ``tables/*.csv`` and ``report.md``. Entry point: :func:`analyse`."""
from __future__ import annotations

from pathlib import Path

from .errors import AnalysisError, check_folder

__all__ = ["AnalysisError", "analyse"]


def analyse(exp_dir: Path | str) -> Path:
    """Write ``figures/*.png``, ``tables/*.csv`` and ``report.md`` under ``exp_dir``; return the
    report's path. Raises :class:`AnalysisError` (one line) when the folder is not usable."""
    check_folder(Path(exp_dir))
    from .report import analyse as _analyse  # matplotlib, scipy, pandas: only once needed
    return _analyse(exp_dir)
