"""A run's identity: every flag that shapes its history is in its file's metadata, and a folder
never mixes histories of another configuration under the same file names (issue 23, point 2)."""

from __future__ import annotations

import json
from pathlib import Path

import run_all
from harness.results import read_meta, run_path


def _args(out: Path, *more: str) -> list[str]:
    return [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--seeds",
        "0-1",
        "--budget",
        "12",
        "--out",
        str(out),
        "--no-analysis",
        *more,
    ]


def test_parallel_k_is_recorded_and_another_k_stops_before_any_run(tmp_path, capsys):
    out = tmp_path / "exp"
    assert run_all.cli(_args(out)) == 0
    path = run_path(out, "synthetic/linear", "random", 0)
    assert read_meta(path)["parallel"] == 1
    before = path.read_bytes(), (out / "manifest.json").read_text()
    capsys.readouterr()
    assert run_all.cli(_args(out, "--parallel", "4")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--parallel 1" in err[0] and "not 4" in err[0], err
    # nothing was rewritten: neither the runs nor the manifest claim K = 4
    assert (path.read_bytes(), (out / "manifest.json").read_text()) == before
    assert json.loads((out / "manifest.json").read_text())["parallel"] == 1


def test_another_k_in_run_files_without_a_manifest_stops_too(tmp_path, capsys):
    out = tmp_path / "exp"
    assert run_all.cli(_args(out, "--parallel", "3")) == 0
    assert read_meta(run_path(out, "synthetic/linear", "random", 1))["parallel"] == 3
    (out / "manifest.json").unlink()
    capsys.readouterr()
    assert run_all.cli(_args(out)) == 2
    err = capsys.readouterr().err
    assert "--parallel 3" in err and "not 1" in err
    assert not (out / "manifest.json").exists()


def test_same_k_resumes(tmp_path, capsys):
    out = tmp_path / "exp"
    assert run_all.cli(_args(out, "--parallel", "2")) == 0
    capsys.readouterr()
    assert run_all.cli(_args(out, "--parallel", "2")) == 0
    assert "2 already on disk" in capsys.readouterr().err
