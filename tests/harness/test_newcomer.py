"""What a newcomer meets first: one clear line for ``--seeds 0`` and for ``--out`` naming a file, and
docs/cli.md quoting the times ``run_all.py --list`` prints and saying that failed runs are redone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import run_all
from algorithms import registry as algorithms
from harness.cli import _duration
from harness.grids import preset_algorithms
from harness.presets import PRESETS, preset_estimate_s

ROOT = Path(__file__).resolve().parents[2]
CLI_PAGE = (ROOT / "docs" / "cli.md").read_text()


def test_seeds_zero_says_what_the_flag_takes(capsys, tmp_path):
    assert run_all.cli(["--seeds", "0", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--seeds 0" in err[0] and "count of at least 1" in err[0] and "0-99" in err[0]
    assert not (tmp_path / "x").exists()


def test_out_naming_a_file_is_one_line_and_the_file_is_kept(capsys, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    argv = ["--benchmarks", "synthetic/linear", "--algorithms", "random", "--seeds", "1", "--budget", "3"]
    assert run_all.cli([*argv, "--out", str(target), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"run_all.py: error: --out {target} is a file: name a folder (new or an experiment folder to resume)"
    ]
    assert target.read_text() == "mine"


def test_the_cli_page_says_failed_runs_are_redone():
    assert re.search(r"a failed run \(status `failed`\)\s+and a truncated or corrupt run file are redone", CLI_PAGE)


def test_the_cli_page_quotes_the_estimates_of_list():
    quoted = dict(re.findall(r"^\| `([\w-]+)` \|.*\| ~([\d.]+ (?:s|min|h)) estimated", CLI_PAGE, re.M))
    assert set(quoted) == set(PRESETS)
    if any(algorithms.unavailable(algorithms.resolve(a)[0]) for a in algorithms.names()):
        pytest.skip("an algorithm is not available here (torch?), so --list estimates without it")
    for name, preset in PRESETS.items():
        algos = preset_algorithms(preset)
        est = preset_estimate_s(preset, algos, 2)
        assert quoted[name] == _duration(est), name
