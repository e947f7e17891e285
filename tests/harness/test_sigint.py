"""Ctrl-C and SIGINT: an interrupted grid keeps its finished runs and the same command (or Python
call) resumes it; ``kill -INT`` stops a command whose shell ignored SIGINT; ``python -m analysis``
restores the default handler too.

The command-line tests interrupt at a known point, never after a guessed delay: ``test-gated``
runs (see cli_synthetic.py) wait at a gate folder until the test has sent the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

import harness
from algorithms import registry as algorithms
from harness.plugins import scope
from harness.results import read_meta, run_path
from tests.procs import CLI, HANG_GUARD_S, cli, started, wait_for, waiting_pids


def stamps(out: Path) -> dict[Path, int]:
    """Every finished run file with its modification time (a file written again changes it)."""
    return {f: f.stat().st_mtime_ns for f in (out / "runs").rglob("seed-*.parquet")}


def gated_grid(out: Path, gate: Path, seeds: str = "0-3") -> tuple[list[str], dict[str, str]]:
    """A grid whose ``test-gated`` runs wait at ``gate``: with both workers inside one, the grid
    cannot finish, so a test interrupts it mid-run at a known point, on any machine load."""
    args = [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "test-gated",
        "--seeds",
        seeds,
        "--budget",
        "50",
        "--out",
        str(out),
        "--no-analysis",
        "--workers",
        "2",
    ]
    return args, {**os.environ, "LANAS_TEST_GATE": str(gate)}


@pytest.mark.slow
def test_ctrl_c_keeps_finished_runs_and_resume_completes(tmp_path):
    out, gate = tmp_path / "exp", tmp_path / "gate"
    gate.mkdir()
    args, env = gated_grid(out, gate)
    with started([*CLI, *args], env=env, stderr=subprocess.PIPE, text=True) as proc:
        assert wait_for(lambda: len(waiting_pids(gate)) == 2, proc), proc.communicate()[1]
        before = stamps(out)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "run the same command again" in err and "Traceback" not in err
    assert not list(out.rglob("*.tmp"))
    assert before and stamps(out) == before  # the finished runs, all kept, none written again
    assert all(read_meta(f, 50)["spec"] == "random" for f in before)  # the gated runs never finished
    (gate / "open").touch()
    p = cli(*args, env=env)
    assert p.returncode == 0, p.stderr
    assert f"{len(before)} already on disk" in p.stderr
    after = stamps(out)
    assert len(after) == 8 and {f: after[f] for f in before} == before


class StopOnThirdRun:
    """Random search whose third run (in grid order: seed 2) is stopped by Ctrl-C."""

    built = 0

    def __init__(self, benchmark, rng):
        self.benchmark, self.rng = benchmark, rng
        StopOnThirdRun.built += 1
        self.stop = StopOnThirdRun.built == 3

    def ask(self):
        if self.stop:
            raise KeyboardInterrupt
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        pass


def test_ctrl_c_keeps_finished_runs_and_the_same_call_resumes(tmp_path):
    out = tmp_path / "exp"
    StopOnThirdRun.built = 0
    with scope():
        grid = dict(
            benchmarks=["synthetic/linear"],
            algorithms=[StopOnThirdRun],
            seeds=range(4),
            budget=30,
            workers=1,
            analyse=False,
            out=out,
        )
        with pytest.raises(harness.Interrupted) as info:
            harness.run(**grid)
        assert isinstance(info.value, KeyboardInterrupt) and info.value.folder.path == out
        assert "2 of 4 on disk" in str(info.value) and "run the same command again" in str(info.value)
        assert [
            read_meta(run_path(out, "synthetic/linear", "stop-on-third-run", s), 30) is not None for s in range(4)
        ] == [True, True, False, False]
        assert not list(out.rglob("*.tmp"))
        assert harness.run(**grid).ran == 2
    assert "stop-on-third-run" not in algorithms.names()  # the scope forgot it


@pytest.mark.slow
def test_sigint_works_when_the_shell_ignored_it(tmp_path):
    """A command started in the background by a script inherits SIGINT as ignored; run_all.py
    restores the default handler, so ``kill -INT`` stops it (status 130) and keeps finished runs."""
    out, gate = tmp_path / "exp", tmp_path / "gate"
    gate.mkdir()
    args = [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "test-gated",
        "--seeds",
        "0-3",
        "--budget",
        "50",
        "--out",
        str(out),
        "--no-analysis",
        "--workers",
        "2",
    ]
    env = {**os.environ, "LANAS_TEST_GATE": str(gate)}
    ignore = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731  (as `cmd &` in a script)
    with started([*CLI, *args], env=env, stderr=subprocess.PIPE, text=True, preexec_fn=ignore) as proc:
        assert wait_for(lambda: len(waiting_pids(gate)) == 2, proc), proc.communicate()[1]
        finished = sorted((out / "runs").rglob("seed-*.parquet"))
        proc.send_signal(signal.SIGINT)  # kill -INT PID: the main process only
        _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert finished and sorted((out / "runs").rglob("seed-*.parquet")) == finished
    assert all(read_meta(f, 50)["status"] == "budget" for f in finished)
    assert not list(out.rglob("*.tmp"))


def test_analysis_command_restores_sigint(tmp_path):
    """``python -m analysis`` restores the default SIGINT handler too (it may run for minutes)."""
    from analysis.__main__ import main

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert main([str(tmp_path / "missing")]) != 0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
