"""The whole analysis on hand-made experiment folders written in the exact result format
(format: analysis/runformat.py): samples-to-target extraction, figures, report, CSV, failed runs, CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import AnalysisError, analyse
from analysis.stats import censored as stats

SCHEMA = pa.schema(
    [
        ("step", pa.int32()),
        ("proposal", pa.int32()),
        ("arch", pa.string()),
        ("valid", pa.float64()),
        ("test", pa.float64()),
        ("cost_s", pa.float64()),
        ("cached", pa.bool_()),
        ("best_valid", pa.float64()),
        ("algo_s", pa.float64()),
        ("valid_mean", pa.float64()),
    ]
)


def write_manifest(
    exp: Path, budget: int, seeds: Sequence[int], algorithms: Sequence[str], benchmarks: dict[str, dict]
) -> None:
    exp.mkdir(parents=True, exist_ok=True)
    (exp / "manifest.json").write_text(
        json.dumps(
            {
                "command": ["run_all.py", "--budget", str(budget)],
                "created": "2026-11-25T00:00:00+00:00",
                "budget": budget,
                "seeds": list(seeds),
                "algorithms": list(algorithms),
                "benchmarks": benchmarks,
                "versions": {},
                "revision": "0" * 40,
            }
        )
    )


def write_run(
    exp: Path,
    bench: str,
    spec: str,
    seed: int,
    values: Sequence[float],
    budget: int,
    *,
    status: str = "budget",
    error: str = "",
    repeats: Sequence[int] = (),
    test_offset: float | None = -0.01,
    partition: tuple[np.ndarray, np.ndarray] | None = None,
    means: Sequence[float] | None = None,
) -> Path:
    """One run whose k-th distinct sample has value ``values[k]``; a repeat proposal (cached row)
    is inserted after each distinct step listed in ``repeats``; ``means``: the table's mean value
    of each sample, as a noisy benchmark records it (``valid_mean``)."""
    rows: dict[str, list] = {c: [] for c in SCHEMA.names}
    best = -np.inf
    for k, v in enumerate(values, start=1):
        for cached in [False, True] if k in repeats else [False]:
            best = max(best, v)
            rows["step"].append(k)
            rows["proposal"].append(len(rows["proposal"]) + 1)
            rows["arch"].append(f"{k}-0")
            rows["valid"].append(float(v))
            rows["test"].append(None if test_offset is None else float(v + test_offset))
            rows["cost_s"].append(0.0 if cached else 1.0)
            rows["cached"].append(cached)
            rows["best_valid"].append(float(best))
            rows["algo_s"].append(0.001 * len(rows["step"]))
            rows["valid_mean"].append(None if means is None else float(means[k - 1]))
    meta = {
        "benchmark": bench,
        "spec": spec,
        "seed": seed,
        "budget": budget,
        "status": status,
        "error": error,
        "wall_s": 0.5,
        "samples": len(values),
    }
    # paths are deliberately not the harness's: analysis must not parse them
    path = exp / "runs" / bench.replace("/", "+") / spec.replace(":", "@") / f"seed-{seed}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = SCHEMA.with_metadata({b"lanas": json.dumps(meta).encode()})
    pq.write_table(pa.Table.from_pydict(rows, schema=schema), path)
    if partition is not None:
        leaf, valid = partition
        pq.write_table(
            pa.table({"leaf": pa.array(leaf, pa.int32()), "valid": pa.array(valid, pa.float64())}),
            path.with_name(f"seed-{seed}.partition.parquet"),
        )
    return path


def toy_experiment(exp: Path, budget: int = 60, seeds: int = 6) -> Path:
    """A small complete experiment: ``lanas`` finds the optimum fast, ``random`` slowly or never,
    two ``lanas:height=`` variants, one failed run, a partition file; table values in [0, 1]."""
    table = np.linspace(0.0, 1.0, 1000)
    targets = {"optimum": 1.0, "top0_1": float(table[-1]), "top1": float(table[-10])}
    specs = ["lanas", "random", "lanas:height=2", "lanas:height=4"]
    write_manifest(
        exp,
        budget,
        range(seeds),
        specs,
        {"toy/table": {"size": 1000, "objective": "validation accuracy", "value_range": [0, 1], "targets": targets}},
    )
    rng = np.random.default_rng(1)
    hit = {"lanas": 10, "lanas:height=2": 30, "lanas:height=4": 15, "random": 55}
    for spec in specs:
        for seed in range(seeds):
            values = rng.uniform(0.0, 0.98, budget)
            at = hit[spec] + seed * (3 if spec != "random" else 4)
            if at <= budget:
                values[at - 1] = 1.0
            part = None
            if spec == "lanas" and seed == 0:
                leaf = np.minimum((1.0 - table) * 4, 3).astype(int)
                part = (leaf, table)
            status, error, n = "budget", "", budget
            if spec == "lanas:height=4" and seed == 1:
                status, error, n = "failed", "RuntimeError: boom", 12
            write_run(
                exp,
                "toy/table",
                spec,
                seed,
                values[:n],
                budget,
                status=status,
                error=error,
                repeats=(2, 5),
                partition=part,
            )
    (exp / "runs" / "torn").mkdir()
    (exp / "runs" / "torn" / "seed-9.parquet").write_bytes(b"PAR1 not a parquet file")
    return exp


def load_run(path):
    """One run file as :func:`analysis.load.load` reads it, to its own last sample."""
    from analysis.load import _read, _run

    meta, table = _read(path)
    steps = int(table["step"].max()) if len(table) else 0
    return _run(path, meta, table, int(meta["budget"]), max(1, min(int(meta["budget"]), steps)))


def test_samples_to_target_extraction_from_a_run_file(tmp_path):
    path = write_run(tmp_path, "toy/table", "lanas", 3, [0.1, 0.5, 0.4, 0.9], budget=6, repeats=(2, 3))
    run = load_run(path)
    assert (run.spec, run.seed, run.samples, run.status) == ("lanas", 3, 4, "budget")
    assert run.best.tolist() == [0.1, 0.5, 0.5, 0.9]  # to its last sample; load() pads to the longest run
    assert run.incumbent_test == pytest.approx([0.09, 0.49, 0.49, 0.89])
    assert stats.hitting_time(run.best, 0.5) == 2 and stats.hitting_time(run.best, 0.9) == 4
    assert run.algo_s == pytest.approx(0.006)
    no_test = load_run(write_run(tmp_path / "b", "toy/table", "random", 0, [0.2], budget=2, test_offset=None))
    assert no_test.incumbent_test is None


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    exp = toy_experiment(tmp_path_factory.mktemp("analysis") / "exp")
    return exp, analyse(exp)


def test_analyse_writes_figures_tables_and_report(analysed):
    exp, report = analysed
    assert report == exp / "report.md"
    pngs = sorted(p.name for p in (exp / "figures").glob("*.png"))
    for stem in ("ecdf_", "regret_", "efficiency_", "partition_", "ablation_toy_table_lanas_height"):
        assert any(p.startswith(stem) for p in pngs), (stem, pngs)
    text = report.read_text()
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert not Path(link).is_absolute() and (exp / link).is_file()
    assert "## Summary" in text and "**toy**" in text and "Kaplan-Meier" in text
    table = pd.read_csv(exp / "tables" / "samples_to_target.csv")
    opt = table[table["target"] == "optimum"].set_index("spec")
    # random: seeds 0, 1 hit at 55 and 59, the four others are censored at the budget of 60
    assert opt.loc["random", "reached"] == 2 and opt.loc["random", "mean_censored"]
    assert opt.loc["random", "mean"] == pytest.approx((55 + 59 + 4 * 60) / 6)
    assert opt.loc["lanas", "mean"] == pytest.approx(np.mean([10 + 3 * s for s in range(6)]))
    assert opt.loc["lanas", "speedup"] == pytest.approx(opt.loc["random", "mean"] / opt.loc["lanas", "mean"])
    assert opt.loc["random", "p_vs_lanas_raw"] < 0.01  # Holm-adjusted over the table's comparisons:
    assert opt.loc["random", "p_vs_lanas_raw"] < opt.loc["random", "p_vs_lanas"] < 0.05
    assert opt.loc["lanas:height=2", "best_peer"] == "random"
    assert (exp / "tables" / "runs.csv").is_file()
    assert "unreadable file, left out of every statistic" in text and "seed-9.parquet" in text


def test_a_failed_run_is_counted_and_stays_in_the_denominator(analysed):
    exp, _ = analysed
    health = pd.read_csv(exp / "tables" / "health.csv").set_index("spec")
    assert health.loc["lanas:height=4", "failed"] == 1 and health.loc["lanas", "failed"] == 0
    opt = pd.read_csv(exp / "tables" / "samples_to_target.csv")
    row = opt[(opt["target"] == "optimum") & (opt["spec"] == "lanas:height=4")].iloc[0]
    assert (row["runs"], row["reached"]) == (6, 5)
    text = (exp / "report.md").read_text()
    assert "RuntimeError: boom" in text
    assert "| toy/table | `lanas:height=4` | 6 | 5 | 0 | 0 | **1** |" in text


def test_cli_gives_one_line_for_a_missing_or_empty_folder(tmp_path, capsys):
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "analysis", str(tmp_path / "missing")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1200,
    )  # a hang guard only
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
    from analysis.__main__ import main

    assert main([str(tmp_path)]) != 0  # a folder without manifest.json
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "manifest.json" in err and len(err.strip().splitlines()) == 1
    write_manifest(tmp_path / "empty", 10, [0], ["random"], {})
    with pytest.raises(AnalysisError, match="no runs"):
        analyse(tmp_path / "empty")


def test_a_benchmark_without_targets_and_an_empty_failed_run(tmp_path):
    exp = tmp_path / "open"
    write_manifest(
        exp,
        20,
        [0, 1],
        ["random", "lanas"],
        {"open/space": {"size": None, "objective": "validation accuracy", "value_range": [0, 1], "targets": None}},
    )
    rng = np.random.default_rng(0)
    for spec in ("random", "lanas"):
        for seed in (0, 1):
            write_run(exp, "open/space", spec, seed, rng.uniform(0, 0.9 if spec == "random" else 1.0, 20), 20)
    write_run(exp, "open/space", "lanas", 2, [], 20, status="failed", error="ValueError: no data")
    report = analyse(exp)
    text = report.read_text()
    assert "no known optimum" in text and "ValueError: no data" in text
    assert (exp / "figures" / "regret_open_space.png").is_file()
    assert not list((exp / "figures").glob("ecdf_*.png"))  # no targets: no samples-to-target
    runs = pd.read_csv(exp / "tables" / "runs.csv")
    assert runs[runs["seed"] == 2]["samples"].item() == 0


def test_hitting_times_are_computed_once_per_analysis(tmp_path, monkeypatch):
    """Report, summary, tables and the run table share one computation: one ``hitting_time`` call
    per (run, target), not one per place that needs it."""
    exp = toy_experiment(tmp_path / "exp")
    calls = []
    real = stats.hitting_time
    monkeypatch.setattr(stats, "hitting_time", lambda best, target: calls.append(target) or real(best, target))
    analyse(exp)
    from analysis.load import load

    loaded = load(exp)
    expected = sum(len(loaded.targets(r.benchmark) or {}) for r in loaded.runs)
    assert 0 < len(calls) == expected
