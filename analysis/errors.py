"""User-facing errors and the cheap checks that run before the heavy imports (the CLI answers
a mistyped folder at once), among them the write check that the harness makes of its run folders too."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

#: this project's top-level packages (DESIGN.md), which a folder of the same name may hide
PACKAGES = ("benchmarks", "algorithms", "analysis", "harness")
#: what an output folder of ``python -m analysis --out`` takes from the experiment folder
_LINKED = ("runs", "sim")


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


def output_view(folder: Path, out: Path) -> Path:
    """``out`` made an experiment folder that reads ``folder``: a copy of its manifest and links
    to its runs, so the analysis writes its report, figures and tables in ``out`` and only
    reads ``folder``; ``folder`` itself when ``out`` is the same folder."""
    folder, out = check_folder(folder), Path(out).expanduser()
    if out.resolve() == folder.resolve():
        return folder
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in _LINKED:
            link, target = out / name, (folder / name).resolve()
            if link.is_symlink():
                link.unlink()
            elif link.exists():
                raise AnalysisError(f"--out {out} holds runs of its own ({link}): name another folder")
            if target.exists():
                link.symlink_to(target, target_is_directory=True)
        shutil.copyfile(folder / "manifest.json", out / "manifest.json")
    except OSError as exc:
        raise AnalysisError(f"cannot write the analysis in {out}: {exc.strerror or exc}") from None
    return out


def hidden_package(root: Path, names: tuple[str, ...] = PACKAGES) -> str | None:
    """None when each package of ``names`` imports from ``root`` (this project), else one line naming
    the folder that hides it: ``python -m`` puts the working directory first on the import path,
    so a research repository's own ``benchmarks/`` is found before this project's."""
    for name in names:
        spec = importlib.util.find_spec(name)
        where = [*(spec.submodule_search_locations or []), spec.origin] if spec is not None else []
        found = Path(where[0]).resolve() if where and where[0] else None  # a package's folder, or a module's file
        if found is not None and found != (root / name).resolve():
            return (
                f"the folder {found} hides this project's {name} package ({root / name}): run from "
                "another directory, or rename that folder"
            )
    return None
