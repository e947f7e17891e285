"""Faults: folders that cannot be written, truncated side files, a failed analysis,
a budget far beyond the space, missing data for the trainer bench, torch absent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import run_all
from analysis import __main__ as analysis_cli
from analysis import analyse, runformat
from analysis.load import load
from harness import results
from harness.tasks import grid, pending
from tests.readonly import read_only

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--benchmarks", "synthetic/linear", "--workers", "1"]


def _run(out: Path, *args: str) -> int:
    return run_all.main([*SMALL, "--out", str(out), *args])


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_unwritable_runs_folder_is_one_line_and_loses_nothing(tmp_path, capsys):
    out = tmp_path / "exp"
    assert _run(out, "--algorithms", "random", "--seeds", "1", "--budget", "5", "--no-analysis") == 0
    before = _files(out / "runs")
    capsys.readouterr()
    with read_only(out / "runs"):
        code = _run(out, "--algorithms", "random", "lanas", "--seeds", "3", "--budget", "5", "--no-analysis")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "cannot write results in" in err[0] and str(out / "runs") in err[0]
    assert _files(out / "runs") == before


def test_a_write_that_fails_during_the_run_is_one_line(tmp_path, capsys, monkeypatch):
    out = tmp_path / "exp"
    assert _run(out, "--algorithms", "random", "--seeds", "1", "--budget", "5", "--no-analysis") == 0
    before = _files(out / "runs")

    def refuse(path, table):
        raise PermissionError(13, "Permission denied", str(path.with_name(f".{path.name}.1.tmp")))

    monkeypatch.setattr(results, "_write_atomic", refuse)
    capsys.readouterr()
    assert _run(out, "--algorithms", "random", "--seeds", "2", "--budget", "5", "--no-analysis") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("run_all.py: error: cannot write results in ") and "Permission denied" in err[-1]
    assert not any("Traceback" in line for line in err)
    assert _files(out / "runs") == before


@pytest.mark.parametrize("target", ["folder", "manifest", "figures"])
def test_an_output_that_cannot_be_written_stops_before_any_run(tmp_path, capsys, target):
    """A read-only experiment folder, manifest or ``figures/`` is one line naming it, exit 2, and
    no run starts (``figures/`` matters only when the command analyses: ``--no-analysis`` runs)."""
    out = tmp_path / "exp"
    assert _run(out, "--algorithms", "random", "--seeds", "1", "--budget", "5") == 0
    before = _files(out)
    path = {"folder": out, "manifest": out / "manifest.json", "figures": out / "figures"}[target]
    capsys.readouterr()
    with read_only(path):
        code = _run(out, "--algorithms", "random", "--seeds", "3", "--budget", "5")
        err = capsys.readouterr().err.strip().splitlines()
        assert _files(out) == before  # no run, no manifest update
        if target == "figures":
            assert _run(out, "--algorithms", "random", "--seeds", "3", "--budget", "5", "--no-analysis") == 0
    assert code == 2 and len(err) == 1, err
    assert str(path) in err[0] and ".tmp" not in err[0]


def test_a_corrupt_run_file_is_redone_with_one_line(tmp_path, capsys):
    out = tmp_path / "exp"
    assert _run(out, "--algorithms", "random", "--seeds", "2", "--budget", "5", "--no-analysis") == 0
    victim = results.run_path(out, "synthetic/linear", "random", 1)
    victim.write_bytes(b"not parquet")
    capsys.readouterr()
    assert _run(out, "--algorithms", "random", "--seeds", "2", "--budget", "5", "--no-analysis") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "read back" in line]
    assert notes == [
        "note: 1 run file(s) do not read back (e.g. runs/synthetic+linear/random/seed-1.parquet): running them again"
    ]
    assert results.read_meta(victim, 5)["status"] == "budget"


def test_the_analysis_exits_nonzero_when_it_leaves_files_out(experiment, tmp_path, capsys):
    exp = _copy(experiment, tmp_path)
    results.run_path(exp, "synthetic/linear", "random", 1).write_bytes(b"not parquet")
    capsys.readouterr()
    assert analysis_cli.main([str(exp)]) == 1
    err = capsys.readouterr().err
    assert "1 file(s) left out as unreadable (e.g. runs/synthetic+linear/random/seed-1.parquet" in err


def test_the_analysis_of_a_read_only_folder_writes_elsewhere(experiment, tmp_path, capsys):
    exp = _copy(experiment, tmp_path)
    for name in ("report.md", "figures", "tables"):
        shutil.rmtree(exp / name) if (exp / name).is_dir() else (exp / name).unlink()
    before = _files(exp)
    elsewhere = tmp_path / "report"
    with read_only(exp):
        assert analysis_cli.main([str(exp), "--out", str(elsewhere)]) == 0
        assert analysis_cli.main([str(exp), "--out", str(elsewhere)]) == 0  # again, over the same folder
    assert (elsewhere / "report.md").is_file() and any((elsewhere / "figures").iterdir())
    assert _files(exp) == before


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    """A small finished experiment with a partition file (lanas, first seed)."""
    out = tmp_path_factory.mktemp("faults") / "exp"
    assert _run(out, "--algorithms", "lanas", "random", "--seeds", "2", "--budget", "30") == 0
    return out


def _copy(experiment: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "exp"
    shutil.copytree(experiment, dst)
    return dst


@pytest.mark.parametrize("folder", ["tables", "figures"])
def test_analysis_into_an_unwritable_folder_is_one_line(experiment, tmp_path, capsys, folder):
    exp = _copy(experiment, tmp_path)
    with read_only(exp / folder):
        code = analysis_cli.main([str(exp)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "cannot write the analysis" in err[0] and folder in err[0]


@pytest.mark.slow
def test_truncated_partition_is_redone_and_left_out_of_the_analysis(experiment, tmp_path, capsys):
    exp = _copy(experiment, tmp_path)
    part = next((exp / "runs").rglob("seed-0.partition.parquet"))
    run_file = part.with_name("seed-0.parquet")
    part.write_bytes(part.read_bytes()[:100])
    # the analysis leaves it out with a warning and still writes the report
    report = analyse(exp)
    assert "seed-0.partition.parquet" in report.read_text()
    assert [u for u in load(exp).unreadable if "partition" in u]
    # a re-run redoes that run (and so its partition), like a truncated run file
    tasks = grid(["synthetic/linear"], ["lanas", "random"], [0, 1], 30)
    assert [(t.spec, t.seed) for t in pending(exp, tasks)] == [("lanas", 0)]
    old_rows = results.pq.read_table(run_file, columns=["arch", "valid"]).to_pydict()
    capsys.readouterr()
    assert _run(exp, "--algorithms", "lanas", "random", "--seeds", "2", "--budget", "30") == 0
    assert "3 already on disk" in capsys.readouterr().err
    assert results.pq.read_table(part).num_rows > 0 and pending(exp, tasks) == []
    assert results.pq.read_table(run_file, columns=["arch", "valid"]).to_pydict() == old_rows  # same history
    assert not [u for u in load(exp).unreadable if "partition" in u]


def test_failed_analysis_exits_non_zero_and_leaves_no_stale_report(experiment, tmp_path, capsys, monkeypatch):
    exp = _copy(experiment, tmp_path)
    assert (exp / "report.md").is_file()
    from analysis.report import build as report

    def broken(exp_dir):
        raise RuntimeError("deliberately broken analysis")

    monkeypatch.setattr(report, "analyse", broken)
    capsys.readouterr()
    assert _run(exp, "--algorithms", "lanas", "random", "--seeds", "2", "--budget", "30") == 1
    err = capsys.readouterr().err
    assert "analysis failed (RuntimeError: deliberately broken analysis)" in err
    assert not (exp / "report.md").exists()


def test_analysis_grows_with_samples_not_with_the_budget(tmp_path):
    """A budget far beyond the space: the runs end ``exhausted`` and the curves stop with them."""
    out = tmp_path / "exp"
    assert _run(out, "--algorithms", "random", "--seeds", "2", "--budget", "999999999", "--no-analysis") == 0
    exp = load(out)
    size = exp.manifest["benchmarks"]["synthetic/linear"]["size"]
    assert {r.status for r in exp.runs} == {"exhausted"} and exp.budget == 999_999_999
    assert exp.horizon == size and all(len(r.best) == size for r in exp.runs)
    assert analyse(out).is_file()


def test_old_result_folders_with_default_options_still_load(experiment, tmp_path):
    """Folders written before specs were canonical may hold ``lanas:height=5``: they load as such."""
    exp = _copy(experiment, tmp_path)
    src = next((exp / "runs").rglob("random/seed-1.parquet"))
    old = src.parent.parent / "lanas@height=5" / "seed-1.parquet"
    old.parent.mkdir()
    table = pq.read_table(src)
    meta = runformat.read_meta(table.schema)
    meta["spec"] = "lanas:height=5"
    pq.write_table(table.replace_schema_metadata(runformat.meta_bytes(meta)), old)
    loaded = load(exp)
    assert "lanas:height=5" in loaded.specs() and "lanas" in loaded.specs() and not loaded.unreadable
    assert analyse(exp).is_file()


@pytest.mark.slow
def test_trainer_bench_without_fashion_mnist_is_one_line(tmp_path):
    env = {**os.environ, "FASHION_MNIST_PATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.trained.speedtest", "--quick", "--device", "cpu"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(err) == 1, proc.stderr
    assert ("FASHION_MNIST_PATH" in err[0] and "dataset-fashion-mnist" in err[0]) or "PyTorch" in err[0]


def test_without_torch_optuna_gp_and_the_trained_space_say_how_to_add_it(tmp_path, capsys, monkeypatch):
    from algorithms import optuna_bo
    from benchmarks import optional, trained

    monkeypatch.setattr(optuna_bo, "torch_unavailable", lambda: optional.TORCH_HINT)
    monkeypatch.setattr(trained, "torch_unavailable", lambda: optional.TORCH_HINT)
    for args in (["--algorithms", "optuna-gp"], ["--benchmarks", "trained/nb201-fashion-mnist"]):
        capsys.readouterr()
        assert (
            run_all.main(
                [
                    *SMALL,
                    "--algorithms",
                    "random",
                    "--seeds",
                    "1",
                    "--budget",
                    "5",
                    "--out",
                    str(tmp_path / "exp"),
                    *args,
                ]
            )
            == 2
        )
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "pip install torch==2.13.0 --index-url" in err[0]
        assert "requirements-torch.txt" in err[0]
    assert not (tmp_path / "exp").exists()


def test_a_command_keeps_the_temporaries_another_running_command_is_writing(tmp_path):
    """Two commands may share an experiment folder: the one that ends (or starts) removes only
    temporaries whose writer is gone, not the file another live process is writing."""
    from tests.procs import started

    out = tmp_path / "exp"
    folder = out / "runs" / "synthetic+linear" / "random"
    folder.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = folder / f".seed-1.parquet.{int(gone.stdout)}.tmp"
    dead.write_bytes(b"left by a killed worker")
    with started([sys.executable, "-c", "import time; time.sleep(3600)"]) as writer:
        live = folder / f".seed-0.parquet.{writer.pid}.tmp"
        live.write_bytes(b"being written")
        assert _run(out, "--algorithms", "random", "--seeds", "0-1", "--budget", "5", "--no-analysis") == 0
        assert live.exists() and not dead.exists()
        assert results.clean_temporaries(out) == 0 and live.exists()
    assert results.clean_temporaries(out) == 1 and not live.exists()  # its writer was killed
