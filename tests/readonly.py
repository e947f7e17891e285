"""``read_only(folder)``: a folder nothing can write to, for root too, undone on exit."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` and everything under it unwritable, also for root (chattr +i), and undo it."""
    paths = [folder, *folder.rglob("*")]
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(modes[p] & ~0o222)
        try:
            yield
        finally:
            for p in reversed(paths):
                p.chmod(modes[p])
        return
    if (
        shutil.which("chattr") is None
        or subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True).returncode != 0
    ):
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True)
        pytest.skip("cannot make a folder read-only for root here (no chattr +i on this file system)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
