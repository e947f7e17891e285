"""``harness.run``: the command line's grid from Python, with the same semantics (canonical specs,
resume, one-line errors as one exception type; Ctrl-C: test_sigint.py)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

import harness
import run_all
from harness.plugins import scope
from harness.results import read_meta, run_path

from .test_sigint import StopOnThirdRun

GRID = dict(benchmarks=["synthetic/linear"], seeds=range(3), budget=30, workers=1, analyse=False)


def history(out, spec: str, seed: int) -> list:
    return pq.read_table(run_path(out, "synthetic/linear", spec, seed), columns=["arch", "valid"]).to_pylist()


def test_python_and_command_line_write_the_same_experiment(tmp_path, capsys):
    py = harness.run(algorithms=["random", "lanas:n_init=5,height=3"], out=tmp_path / "py", **GRID)
    assert isinstance(py, harness.ExperimentFolder) and py.path == tmp_path / "py" and py.ran == 6
    assert "lanas:n_init=5,height=3 is stored as lanas:height=3,n_init=5" in capsys.readouterr().err
    assert (
        run_all.main(
            [
                "--benchmarks",
                "synthetic/linear",
                "--algorithms",
                "random",
                "lanas:n_init=5,height=3",
                "--seeds",
                "0-2",
                "--budget",
                "30",
                "--workers",
                "1",
                "--no-analysis",
                "--out",
                str(tmp_path / "cli"),
            ]
        )
        == 0
    )
    manifests = [json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("py", "cli")]
    assert manifests[0]["algorithms"] == manifests[1]["algorithms"] == ["random", "lanas:height=3,n_init=5"]
    assert manifests[0]["command"][0].startswith("harness.run(")
    for spec in manifests[0]["algorithms"]:
        for seed in range(3):
            assert history(tmp_path / "py", spec, seed) == history(tmp_path / "cli", spec, seed)


def test_the_same_call_resumes_and_rewrites_nothing(tmp_path):
    out = tmp_path / "exp"
    harness.run(algorithms=["random"], out=out, **GRID)
    stamps = {f: f.stat().st_mtime_ns for f in out.rglob("seed-*.parquet")}
    again = harness.run(algorithms=["random"], out=out, **{**GRID, "seeds": range(4)})
    assert again.ran == 1  # only seed 3 was missing
    assert all(f.stat().st_mtime_ns == t for f, t in stamps.items())


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(algorithms=["ghost"]), "unknown algorithm 'ghost'"),
        (dict(algorithms=["random:foo=1"]), "has no option 'foo'"),
        (dict(benchmarks=["nope/x"]), "unknown benchmark 'nope/x'"),
        (dict(seeds=[-1]), "bad seeds"),
        (dict(seeds="9-1"), "bad seed range"),
        (dict(budget=0), "bad budget"),
        (dict(preset="nope"), "unknown preset"),
        (dict(executor="slurm"), "unknown executor"),
        (dict(time_budget="1h"), "--time-budget needs --sim-workers"),
        (dict(algorithms=[int]), "'int' is not an algorithm class"),
    ],
)
def test_bad_settings_are_one_exception_with_one_line(settings, message, tmp_path):
    with scope(), pytest.raises(harness.ExperimentError) as info:
        harness.run(**{**GRID, "algorithms": ["random"], **settings, "out": tmp_path / "x"})
    assert message in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "x" / "runs").exists()


def test_a_folder_keeps_its_budget(tmp_path):
    harness.run(algorithms=["random"], out=tmp_path, **GRID)
    with pytest.raises(harness.ExperimentError, match="holds runs with budget 30, not 31"):
        harness.run(algorithms=["random"], out=tmp_path, **{**GRID, "budget": 31})


def test_an_algorithm_class_or_a_benchmark_factory_is_passed_directly(tmp_path):
    from benchmarks import registry
    from tests.synthetic import linear_table

    StopOnThirdRun.built = 0
    with scope():
        exp = harness.run(
            benchmarks=[("mine/small", lambda: linear_table(choices=(3, 3, 2), optimum=(2, 1, 0)))],
            algorithms=[("first-choice", StopOnThirdRun), "random"],
            seeds=[0],
            budget=5,
            out=tmp_path,
            workers=1,
            analyse=False,
        )
        assert read_meta(run_path(tmp_path, "mine/small", "random", 0), 5)["status"] == "budget"
        assert exp.ran == 2
    assert "mine/small" not in registry.entries()


def test_a_count_of_seeds_means_seeds_from_0_as_on_the_command_line(tmp_path):
    """``seeds=3`` is seeds 0-2, as ``--seeds 3``; a count below 1 is one line."""
    exp = harness.run(algorithms=["random"], out=tmp_path, **{**GRID, "seeds": 3})
    assert exp.ran == 3
    assert sorted(json.loads((tmp_path / "manifest.json").read_text())["seeds"]) == [0, 1, 2]
    with pytest.raises(harness.ExperimentError, match="no seeds"):
        harness.run(algorithms=["random"], out=tmp_path / "none", **{**GRID, "seeds": 0})


def test_dir_and_all_list_the_api():
    assert {"run", "ExperimentFolder", "ExperimentError"} <= set(dir(harness)) & set(harness.__all__)
    assert "api" not in harness.__all__
