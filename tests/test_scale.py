"""Scale-out and faults, done for real: Dask LocalCluster, kill -9 of workers, failing runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from algorithms.results import read_meta
from benchmarks import registry

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, str(ROOT / "tests" / "cli_synthetic.py")]
needs_nb201 = pytest.mark.skipif("nb201/cifar10-valid" not in registry.entries(), reason="nb201 not registered")


def values(out: Path) -> dict[str, dict]:
    """Every run's stored values (timings excluded), keyed by its relative path."""
    return {str(f.relative_to(out)): pq.read_table(f).drop(["algo_s"]).to_pydict()
            for f in sorted((out / "runs").rglob("seed-*[0-9].parquet"))}


def grid(out: Path, *more: str) -> list[str]:
    return ["--benchmarks", "nb201/cifar10-valid", "--algorithms", "random", "evolution", "--seeds", "0-5",
            "--budget", "600", "--out", str(out), "--no-analysis", *more]


def kill_a_worker_when_runs_appear(proc: subprocess.Popen, out: Path, marker: str) -> bool:
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if list((out / "runs").rglob("seed-*.parquet")):
            for child in psutil.Process(proc.pid).children(recursive=True):
                try:
                    if marker in " ".join(child.cmdline()):
                        child.send_signal(signal.SIGKILL)
                        return True
                except psutil.Error:
                    continue
        time.sleep(0.02)
    return False


@needs_nb201
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_killed_worker_loses_nothing(executor, tmp_path):
    ref = tmp_path / "ref"
    assert subprocess.run([*CLI, *grid(ref, "--workers", "1")], cwd=ROOT, capture_output=True).returncode == 0
    out = tmp_path / executor
    # dask workers run under a nanny in spawned processes; local pool workers are forks of the CLI
    marker = "spawn_main" if executor == "dask" else "cli_synthetic"
    proc = subprocess.Popen([*CLI, *grid(out, "--workers", "2", "--executor", executor)], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    killed = kill_a_worker_when_runs_appear(proc, out, marker) if executor == "dask" else _kill_pool_worker(proc, out)
    _, err = proc.communicate(timeout=180)
    assert killed, "no worker was found to kill"
    assert proc.returncode == 0, err
    assert values(out) == values(ref)
    assert not list(out.rglob("*.tmp"))


def _kill_pool_worker(proc: subprocess.Popen, out: Path) -> bool:
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if list((out / "runs").rglob("seed-*.parquet")):
            children = psutil.Process(proc.pid).children()
            if children:
                children[0].send_signal(signal.SIGKILL)
                return True
        time.sleep(0.02)
    return False


@needs_nb201
def test_dask_local_cluster_matches_local_executor(tmp_path):
    a, b = tmp_path / "local", tmp_path / "dask"
    for out, ex in ((a, "local"), (b, "dask")):
        p = subprocess.run([*CLI, *grid(out, "--workers", "2", "--executor", ex)], cwd=ROOT, capture_output=True,
                           text=True, timeout=180)
        assert p.returncode == 0, p.stderr
    assert len(values(a)) == 12 and values(a) == values(b)


def test_sigint_stops_within_seconds(tmp_path):
    out = tmp_path / "exp"
    proc = subprocess.Popen([*CLI, "--benchmarks", "synthetic/linear", "--algorithms", "random", "--seeds", "0-999",
                             "--budget", "768", "--out", str(out), "--no-analysis", "--workers", "2"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    while not list((out / "runs").rglob("seed-*.parquet")):
        time.sleep(0.02)
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert time.time() - t0 < 5
    assert proc.returncode == 130 and "interrupted" in err


def test_failing_runs_recorded_others_go_on_exit_status(tmp_path):
    out = tmp_path / "exp"
    p = subprocess.run([*CLI, "--benchmarks", "synthetic/linear", "--algorithms", "test-crash-sometimes", "random",
                        "--seeds", "0-9", "--budget", "20", "--out", str(out), "--no-analysis", "--workers", "2"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    metas = [read_meta(f) for f in (out / "runs").rglob("seed-*.parquet")]
    assert len(metas) == 20
    failed = [m for m in metas if m["status"] == "failed"]
    assert failed and all(m["spec"] == "test-crash-sometimes" for m in failed)
    assert all(m["error"] == "RuntimeError: deliberate failure" for m in failed)
    assert sum(m["status"] == "budget" for m in metas) == 20 - len(failed)
    assert f"FAILED synthetic/linear test-crash-sometimes seed" in p.stderr
    assert "Traceback" not in p.stderr


@needs_nb201
def test_parallel_evaluations_on_dask_match_local(tmp_path):
    """Batch proposals evaluated as separate Dask tasks give the same histories as in-process."""
    args = ["--benchmarks", "nb201/cifar10-valid:noisy=true", "--algorithms", "lanas:batch=4", "random",
            "--seeds", "0-1", "--budget", "60", "--parallel", "4", "--workers", "2", "--no-analysis"]
    a, b = tmp_path / "local", tmp_path / "dask"
    for out, ex in ((a, "local"), (b, "dask")):
        p = subprocess.run([*CLI, *args, "--out", str(out), "--executor", ex], cwd=ROOT, capture_output=True,
                           text=True, timeout=180)
        assert p.returncode == 0, p.stderr
    assert len(values(a)) == 4 and values(a) == values(b)
