"""Subprocesses in tests, safe on a loaded machine: no test races a clock.

Every process a test starts leads a session of its own, and its whole process group (pool and
Dask workers included) is killed when the test ends, passed or failed. ``HANG_GUARD_S`` only
stops a hung test; a working command never comes near it, even on a machine at 4x load.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, str(ROOT / "tests" / "cli_synthetic.py")]
HANG_GUARD_S = 1200


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


@contextmanager
def started(cmd: list[str], **kw) -> Iterator[subprocess.Popen]:
    """``Popen(cmd)`` in a new session; its process group is killed on exit, whatever happens."""
    proc = subprocess.Popen(cmd, cwd=kw.pop("cwd", ROOT), start_new_session=True, **kw)
    try:
        yield proc
    finally:
        kill_group(proc)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(cmd, capture_output=True, text=True)``, with the group killed after."""
    with started(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw) as proc:
        out, err = proc.communicate(timeout=HANG_GUARD_S)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """``run_all.py ARGS`` with the synthetic table and the test algorithms registered."""
    return run([*CLI, *args], **kw)


def wait_for(condition: Callable[[], object], proc: subprocess.Popen | None = None) -> bool:
    """Poll ``condition`` until it holds, ``proc`` has ended, or the hang guard; its last value."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not (ok := condition()) and (proc is None or proc.poll() is None) and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(ok) or bool(condition())


def waiting_pids(gate: Path) -> list[int]:
    """Processes inside a ``test-gated`` run, waiting at ``gate`` (see cli_synthetic.Gated)."""
    return [int(p.name.split("-")[1]) for p in gate.glob("waiting-*")]
