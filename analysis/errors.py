"""User-facing errors and the cheap checks that run before the heavy imports (the CLI answers
a mistyped folder at once), among them the write check that the harness makes of its run folders too."""

from __future__ import annotations

import os
import tempfile
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


def cannot_write(folder: Path) -> str | None:
    """None when a file can be created in ``folder``, else why not (one line); the harness checks
    run folders and the analysis its output folders with it before writing anything."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return str(exc.strerror or exc)
    return None
