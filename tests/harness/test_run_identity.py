"""A run's identity: every flag that shapes its history is in its file's metadata, and a folder
never mixes histories of another configuration under the same file names."""

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


def test_a_variant_redefined_since_its_runs_is_refused_in_one_line(tmp_path, capsys):
    """A folder's runs of a variant stay what the variant meant when they ran: after a redefinition
    (as ``lanas-plus`` took ``scale=rank``) adding to the folder is refused, nothing rewritten,
    and the message says what the old runs were."""
    from algorithms import registry as algorithms

    out = tmp_path / "exp"
    args = ["--benchmarks", "synthetic/linear", "--algorithms", "probe", "--seeds", "0-1", "--budget", "12"]
    args += ["--out", str(out), "--no-analysis"]
    with algorithms.scope():
        algorithms.register_variant("probe", "lanas:cp=0.5")
        assert run_all.cli(args) == 0
    before = sorted((p.name, p.read_bytes()) for p in (out / "runs").rglob("*.parquet"))
    manifest = (out / "manifest.json").read_text()
    capsys.readouterr()
    with algorithms.scope():
        algorithms.register_variant("probe", "lanas:cp=0.2")
        assert run_all.cli([*args[:5], "0-3", *args[6:]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "probe:cp=0.5" in err[0], err
    assert sorted((p.name, p.read_bytes()) for p in (out / "runs").rglob("*.parquet")) == before
    assert (out / "manifest.json").read_text() == manifest
