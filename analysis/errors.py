"""User-facing errors and the cheap checks that run before the heavy imports (the CLI answers
a mistyped folder at once)."""
from __future__ import annotations

from pathlib import Path


class AnalysisError(Exception):
    """A user-facing problem with an experiment folder; the message is one line."""


def check_folder(path: Path) -> Path:
    """``path`` if it is an experiment folder (a directory with ``manifest.json``)."""
    path = Path(path)
    if not path.is_dir():
        raise AnalysisError(f"no experiment folder at {path}")
    if not (path / "manifest.json").is_file():
        raise AnalysisError(f"{path} has no manifest.json: not an experiment folder (run run_all.py --out {path})")
    return path
