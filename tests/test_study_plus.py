"""The 14-table study script of docs/findings.md ("`lanas-plus` on all 14 embedded tables") runs on real experiment folders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import run_all

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str):
    """studies/NAME.py as a fresh module (its globals, e.g. ``CANDIDATE``, are this test's own)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "studies" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _previous(tmp_path: Path, rows: str) -> Path:
    """An earlier peers study's top-0.1% section at budget 60 holding ``rows``."""
    path = tmp_path / "previous.md"
    path.write_text(
        "### Budget 60: distinct samples to the top-0.1%\n\n"
        "| table | spec | reached | median [95%] | restricted mean [95%] | rank |\n| --- | --- | --- | --- | --- | --- |\n"
        + rows
    )
    return path


def _top_rows(study, capsys, folder: Path) -> tuple[str, dict[str, list[str]]]:
    """The peers study's top-0.1% section for ``folder`` and its rows on synthetic/linear by spec."""
    capsys.readouterr()
    study.main([str(folder)])
    section = capsys.readouterr().out.split("distinct samples to the top-0.1%")[1].split("###")[0]
    return section, {
        r.split(" | ")[1]: r.split(" | ") for r in section.splitlines() if r.startswith("| synthetic/linear")
    }


def test_study_script_prints_the_tables_verdicts_and_stuck_check(tmp_path, capsys):
    study = _script("study_plus")
    out = tmp_path / "b60"
    assert (
        run_all.main(
            [
                "--benchmarks",
                "synthetic/linear",
                "--algorithms",
                "lanas-plus",
                "evolution",
                "random",
                "--seeds",
                "0-3",
                "--budget",
                "60",
                "--workers",
                "1",
                "--no-analysis",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    study.main([str(out)])
    text = capsys.readouterr().out
    assert "### Budget 60: distinct samples to the top-0.1%" in text
    assert "### Budget 60: stuck seeds" in text and "| synthetic/linear |" in text
    section = text.split("distinct samples to the top-0.1%")[1].split("###")[0]
    rows = [line for line in section.splitlines() if line.startswith("| synthetic/linear | ")]
    names = {line.split(" | ")[1] for line in rows}
    assert names == {"lanas-plus", "evolution"}  # random is not a peer; lanas-plus and its peers only
    assert "tables judged." in text


def test_peers_study_script_joins_folders_ranks_and_judges(tmp_path, capsys):
    """studies/peers_study.py (results/reference/peers-study.md): folders of one budget joined with
    ``+``, every candidate and peer ranked, a verdict per table, ranks across tables, stuck seeds."""
    study = _script("peers_study")
    folders = {}
    for name, algos in (("peers", ["local-search", "evolution"]), ("candidate", ["lanas-plus"])):
        folders[name] = tmp_path / name
        args = ["--benchmarks", "synthetic/linear", "--algorithms", *algos, "--seeds", "0-3", "--budget", "60"]
        assert run_all.main([*args, "--workers", "1", "--no-analysis", "--out", str(folders[name])]) == 0
    capsys.readouterr()
    study.main([f"{folders['peers']}+{folders['candidate']}"])
    text = capsys.readouterr().out
    section = text.split("### Budget 60: distinct samples to the top-0.1%")[1].split("###")[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| synthetic/linear | ")]
    assert {r[1] for r in rows} == {"lanas-plus", "local-search", "evolution", "*candidate vs the best peer*"}
    assert all(r[2].endswith("/4") for r in rows if not r[1].startswith("*")), rows  # 4 seeds from each folder
    assert "lanas-plus needs no more samples than the best peer" in section
    assert "Average rank of the restricted mean over 1 tables" in section
    assert "lanas-plus's seeds not at the top-1% within 5x its median:" in text


def test_published_peers_script_counts_samples_to_the_optimum(tmp_path, capsys):
    """studies/published_peers.py (docs/peers.md): per spec the seeds reaching the optimum and the
    mean of the samples to it, recomputed here from the run files; a paired difference of two specs."""
    import numpy as np
    import pandas as pd

    study = _script("published_peers")
    out = tmp_path / "exp"
    args = ["--benchmarks", "synthetic/linear", "--algorithms", "local-search-release", "random", "--seeds", "0-4"]
    assert run_all.main([*args, "--budget", "80", "--workers", "1", "--no-analysis", "--out", str(out)]) == 0
    capsys.readouterr()
    study.main([str(out)])
    rows = {r.split(" | ")[1]: r.split(" | ") for r in capsys.readouterr().out.splitlines() if "synthetic" in r}
    for name in ("local-search-release", "random"):
        hits, reached = [], 0
        for f in sorted((out / "runs").rglob(f"{name}/seed-*.parquet")):
            table = pd.read_parquet(f)
            at = table[np.isclose(table["valid"], 1.0) & ~table["cached"]]  # the planted optimum's value is 1.0
            reached += len(at) > 0
            hits.append(int(at["step"].iloc[0]) if len(at) else 80)  # a miss counts as the budget
        assert rows[f"`{name}`"][3] == f"{reached}/5"
        assert rows[f"`{name}`"][4].startswith(f"{np.mean(hits):.1f} [")
    study.main([str(out), "--versus", "local-search-release", "random"])
    assert "| optimum | 5 |" in capsys.readouterr().out


def test_peers_study_shows_an_earlier_studys_rows_beside_new_specs(tmp_path, capsys, monkeypatch):
    """``--previous FILE``: the releases' variants run here beside the default peers' rows of an
    earlier peers study, ranked together."""
    study = _script("peers_study")
    out = tmp_path / "rel"
    args = ["--benchmarks", "synthetic/linear", "--algorithms", "local-search-release", "--seeds", "0-3"]
    assert run_all.main([*args, "--budget", "60", "--workers", "1", "--no-analysis", "--out", str(out)]) == 0
    previous = _previous(
        tmp_path,
        "| synthetic/linear | local-search | 4/4 | 1.0 [1.0, 1.0] | 1.0 [1.0, 1.0] | 1 |\n"
        "| synthetic/linear | *candidate vs the best peer* | | 1.0x | 1.0x | no more |\n",
    )
    monkeypatch.setattr(study, "PREVIOUS", previous)
    section, rows = _top_rows(study, capsys, out)
    assert set(rows) == {"local-search-release", "local-search (peers study) (ref)"}
    assert rows["local-search (peers study) (ref)"][-1].strip(" |") == "1"  # fewest samples: ranked first


def test_peers_study_judges_another_candidate_and_shows_lanas_plus_unranked(tmp_path, capsys, monkeypatch):
    """``--candidate SPEC``: that spec (as the folders store it) is judged against the peers, and
    ``lanas-plus`` is shown beside it without a rank."""
    study = _script("peers_study")
    out = tmp_path / "c"
    algos = ["lanas-plus", "lanas-plus:restart=0", "local-search"]
    args = ["--benchmarks", "synthetic/linear", "--algorithms", *algos, "--seeds", "0-2", "--budget", "60"]
    assert run_all.main([*args, "--workers", "1", "--no-analysis", "--out", str(out)]) == 0
    stored = "lanas:inleaf=localbo,n_parents=3,scale=rank,split=svm"  # lanas-plus:restart=0
    monkeypatch.setattr(study, "CANDIDATE", stored)
    section, rows = _top_rows(study, capsys, out)
    assert set(rows) == {stored, "lanas-plus", "local-search", "*candidate vs the best peer*"}
    assert rows["lanas-plus"][-1].strip(" |") == "—"  # shown, not ranked
    assert rows[stored][-1].strip(" |") in {"1", "1.5", "2"}  # ranked among itself and local-search
    assert f"{stored} needs no more samples than the best peer" in section


def test_peers_study_prefers_the_folders_runs_to_an_earlier_studys_row(tmp_path, capsys, monkeypatch):
    """``--previous FILE`` fills in a spec the folders lack; where they hold it, their runs are shown."""
    study = _script("peers_study")
    out = tmp_path / "f"
    args = ["--benchmarks", "synthetic/linear", "--algorithms", "local-search", "--seeds", "0-2", "--budget", "60"]
    assert run_all.main([*args, "--workers", "1", "--no-analysis", "--out", str(out)]) == 0
    previous = _previous(
        tmp_path,
        "| synthetic/linear | local-search | 9/9 | 1.0 [1.0, 1.0] | 1.0 [1.0, 1.0] | 1 |\n"
        "| synthetic/linear | bananas | 9/9 | 2.0 [2.0, 2.0] | 2.0 [2.0, 2.0] | 2 |\n",
    )
    monkeypatch.setattr(study, "PREVIOUS", previous)
    section, rows = _top_rows(study, capsys, out)
    assert set(rows) == {"local-search", "bananas (peers study) (ref)"}
    assert rows["local-search"][2] == "3/3"  # this folder's three seeds, not the earlier row's 9/9


def test_peers_study_takes_an_earlier_studys_copied_rows_and_candidate(tmp_path, capsys, monkeypatch):
    """An earlier peers study's own copied rows ("bananas (peers study) (ref)") are lent again under
    their spec, ranked; its candidate (a LaNAS configuration) is shown beside the new one, unranked."""
    study = _script("peers_study")
    out = tmp_path / "g"
    args = ["--benchmarks", "synthetic/linear", "--algorithms", "local-search", "--seeds", "0-2", "--budget", "60"]
    assert run_all.main([*args, "--workers", "1", "--no-analysis", "--out", str(out)]) == 0
    previous = _previous(
        tmp_path,
        "| synthetic/linear | lanas:height=3 | 9/9 | 0.5 [0.5, 0.5] | 0.5 [0.5, 0.5] | 1 |\n"
        "| synthetic/linear | bananas (peers study) (ref) | 9/9 | 0.7 [0.7, 0.7] | 0.7 [0.7, 0.7] | 2 |\n"
        "| synthetic/linear | local-search-release | 9/9 | 90 [90, 90] | 90.0 [90, 90] | 3 |\n",
    )
    monkeypatch.setattr(study, "PREVIOUS", previous)
    monkeypatch.setattr(study, "CANDIDATE", "local-search")
    section, rows = _top_rows(study, capsys, out)
    earlier, bananas = "lanas:height=3 (peers study) (ref)", "bananas (peers study) (ref)"
    assert {earlier, bananas, "local-search-release (peers study) (ref)", "local-search"} <= set(rows)
    assert rows[earlier][-1].strip(" |") == "—"  # the earlier candidate: shown, not ranked
    assert rows[bananas][-1].strip(" |") == "1"  # 0.7 samples: fewer than the folder's local search
    assert rows["local-search-release (peers study) (ref)"][-1].strip(" |") == "3"
