"""What a failed run records: one line (the exception, and the file and line of the innermost frame
in the algorithm's own code, plugins included) and the full traceback, kept beside its file."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from .identity import ROOT, source_files


def _shown(path: Path) -> str:
    """A path as the user reads it: from the project or the working directory when under them."""
    for base in (ROOT, Path.cwd()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def innermost(exc: BaseException, files: list[Path]) -> str:
    """``file:line`` of the innermost frame of ``exc`` in one of ``files`` (else in any file)."""
    frames = traceback.extract_tb(exc.__traceback__)
    wanted = {os.path.realpath(f) for f in files}
    ours = [f for f in frames if os.path.realpath(f.filename) in wanted] or frames
    if not ours:
        return ""
    frame = ours[-1]
    return f"{_shown(Path(frame.filename).resolve())}:{frame.lineno}"


def failure_line(exc: BaseException, algorithm: type | None = None) -> str:
    """The one line a failed run records: the exception's type, the first line of its message and,
    for an exception with a traceback, where (in ``algorithm``'s source files when it is given)."""
    line = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    where = innermost(exc, source_files(algorithm) if algorithm is not None else [])
    return f"{line} (at {where})" if where else line


def traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
