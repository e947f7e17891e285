"""Scale-out and faults, done for real: Dask LocalCluster, kill -9 of workers, failing runs (SIGINT: test_sigint.py).

Faults are injected at a known point, never after a guessed delay: ``test-gated`` runs (see
cli_synthetic.py) wait at a gate folder, so a test kills or interrupts a process while a run is
in progress, whatever the machine's load.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from benchmarks import registry
from harness.results import read_meta
from tests.procs import CLI, HANG_GUARD_S, cli, started, wait_for, waiting_pids

pytestmark = pytest.mark.slow  # Dask clusters and run_all.py subprocesses

needs_nb201 = pytest.mark.skipif("nb201/cifar10-valid" not in registry.entries(), reason="nb201 not registered")


def values(out: Path) -> dict[str, dict]:
    """Every run's stored values (timings excluded), keyed by its relative path."""
    return {
        str(f.relative_to(out)): pq.read_table(f).drop(["algo_s"]).to_pydict()
        for f in sorted((out / "runs").rglob("seed-*[0-9].parquet"))
    }


def grid(out: Path, *more: str) -> list[str]:
    return [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "evolution",
        "test-gated",
        "--seeds",
        "0-2",
        "--budget",
        "60",
        "--out",
        str(out),
        "--no-analysis",
        *more,
    ]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, dict]:
    """The grid run in one process, no gate."""
    out = tmp_path_factory.mktemp("ref")
    env = {k: v for k, v in os.environ.items() if k != "LANAS_TEST_GATE"}
    p = cli(*grid(out, "--workers", "1"), env=env)
    assert p.returncode == 0, p.stderr
    return values(out)


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_killed_worker_loses_nothing_and_matches_one_process(executor, reference, tmp_path):
    """kill -9 of a worker in the middle of a run: the run is redone, the grid completes, and every
    value equals the one-process run (so Dask and the local pool also match each other)."""
    out, gate = tmp_path / executor, tmp_path / "gate"
    gate.mkdir()
    env = {**os.environ, "LANAS_TEST_GATE": str(gate)}
    with started(
        [*CLI, *grid(out, "--workers", "2", "--executor", executor)], env=env, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert wait_for(lambda: waiting_pids(gate), proc), proc.communicate()[1]
        victim = waiting_pids(gate)[0]  # a pool or Dask worker process inside a gated run
        os.kill(victim, signal.SIGKILL)
        (gate / "open").touch()
        _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 0, err
    assert len(reference) == 9 and values(out) == reference
    assert not list(out.rglob("*.tmp"))


def test_failing_runs_recorded_others_go_on_exit_status(tmp_path):
    out = tmp_path / "exp"
    p = cli(
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "test-crash-sometimes",
        "random",
        "--seeds",
        "0-9",
        "--budget",
        "20",
        "--out",
        str(out),
        "--no-analysis",
        "--workers",
        "2",
    )
    assert p.returncode == 1
    metas = [read_meta(f) for f in (out / "runs").rglob("seed-*.parquet")]
    assert len(metas) == 20
    failed = [m for m in metas if m["status"] == "failed"]
    assert failed and all(m["spec"] == "test-crash-sometimes" for m in failed)
    # the line says where the algorithm's code raised; the traceback is beside the run's file
    assert all(m["error"].startswith("RuntimeError: deliberate failure (at tests/cli_synthetic.py:") for m in failed)
    assert all(
        f.with_name(f.stem + ".traceback.txt").is_file() == (read_meta(f)["status"] == "failed")
        for f in (out / "runs").rglob("seed-*[0-9].parquet")
    )
    assert sum(m["status"] == "budget" for m in metas) == 20 - len(failed)
    assert "FAILED synthetic/linear test-crash-sometimes seed" in p.stderr
    assert "Traceback" not in p.stderr


@needs_nb201
def test_parallel_evaluations_on_dask_match_local(tmp_path):
    """Batch proposals evaluated as separate Dask tasks give the same histories as in-process."""
    args = [
        "--benchmarks",
        "nb201/cifar10-valid:noisy=true",
        "--algorithms",
        "lanas:batch=4",
        "random",
        "--seeds",
        "0-1",
        "--budget",
        "60",
        "--parallel",
        "4",
        "--workers",
        "2",
        "--no-analysis",
    ]
    a, b = tmp_path / "local", tmp_path / "dask"
    for out, ex in ((a, "local"), (b, "dask")):
        p = cli(*args, "--out", str(out), "--executor", ex)
        assert p.returncode == 0, p.stderr
    assert len(values(a)) == 4 and values(a) == values(b)
