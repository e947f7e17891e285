"""The command line (run_all.py): seeds, a grid's run files and manifest, resume, failed runs, ``--list``
into a closed pipe (bad input: tests/test_bad_input.py; Ctrl-C: test_sigint.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import run_all
from harness.args import UsageError, parse_seeds
from harness.results import read_meta, run_path, traceback_path
from tests.procs import cli


def grid_args(out: Path, seeds: str = "0-5", budget: str = "50", *more: str) -> list[str]:
    return [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--seeds",
        seeds,
        "--budget",
        budget,
        "--out",
        str(out),
        "--no-analysis",
        *more,
    ]


def test_parse_seeds():
    assert parse_seeds(["3"]) == [0, 1, 2]
    assert parse_seeds(["2-4"]) == [2, 3, 4]
    assert parse_seeds(["1,5", "9"]) == [1, 5, 9]
    for bad in (["5-2"], ["x"], ["-1"], [""]):
        with pytest.raises(UsageError):
            parse_seeds(bad)


@pytest.mark.slow
def test_grid_writes_runs_and_manifest_then_resumes(tmp_path):
    out = tmp_path / "exp"
    p = cli(*grid_args(out), "--workers", "2")
    assert p.returncode == 0, p.stderr
    # not a terminal: one progress line per tenth of the grid, the last one once
    assert [ln.split()[0] for ln in p.stderr.splitlines() if " runs (" in ln and "%)" in ln] == [
        "1/6",
        "2/6",
        "3/6",
        "4/6",
        "5/6",
        "6/6",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["budget"] == 50 and manifest["seeds"] == list(range(6))
    assert manifest["benchmarks"]["synthetic/linear"]["targets"]["optimum"] == 1.0
    files = sorted((out / "runs").rglob("*.parquet"))
    assert len(files) == 6
    table = pq.read_table(files[0])
    assert table.column_names == [
        "step",
        "proposal",
        "arch",
        "valid",
        "test",
        "cost_s",
        "cached",
        "best_valid",
        "algo_s",
        "true_valid",
        "true_test",
    ]
    meta = read_meta(files[0], 50)
    assert meta["status"] == "budget" and meta["samples"] == 50
    before = {f: f.stat().st_mtime_ns for f in files}
    p = cli(*grid_args(out))
    assert "6 already on disk" in p.stderr
    assert {f: f.stat().st_mtime_ns for f in files} == before

    # a truncated file is detected and only that run is redone, with the same values
    victim = run_path(out, "synthetic/linear", "random", 3)
    good = pq.read_table(victim).drop(["algo_s"]).to_pydict()  # algo_s is a timing
    victim.write_bytes(victim.read_bytes()[:100])
    p = cli(*grid_args(out))
    assert "5 already on disk" in p.stderr
    assert pq.read_table(victim).drop(["algo_s"]).to_pydict() == good

    # one folder holds one budget
    p = cli(*grid_args(out, "0-5", "60"))
    assert p.returncode == 2 and "budget 50" in p.stderr and "Traceback" not in p.stderr


def test_failed_runs_are_recorded_and_exit_nonzero(tmp_path):
    out = tmp_path / "exp"
    # a benchmark that fails to load fails its runs, which are recorded; the grid goes on
    from benchmarks import registry
    from benchmarks.base import BenchmarkError
    from harness.tasks import Task, execute_task

    def broken():
        raise BenchmarkError("table file is corrupt")

    with registry.scope():
        registry.register("test/broken", broken)
        summary = execute_task(Task("test/broken", "random", 0, 5), str(out))
    assert summary["status"] == "failed"
    meta = read_meta(run_path(out, "test/broken", "random", 0))
    assert meta["status"] == "failed" and meta["error"].startswith("BenchmarkError: table file is corrupt (at ")
    assert "test_cli.py:" in meta["error"]  # where the factory raised
    assert "Traceback" in traceback_path(run_path(out, "test/broken", "random", 0)).read_text()


def test_list_into_a_closed_pipe_ends_quietly():
    """``run_all.py --list | head -1``: the reader is gone before the listing ends; no traceback."""
    read, write = os.pipe()
    os.close(read)  # every write fails (EPIPE), as after ``head`` has exited
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(run_all.__file__)), "--list"],
            stdout=write,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    finally:
        os.close(write)
    assert "Traceback" not in proc.stderr and proc.returncode == 141, proc.stderr
