"""``run_all.py --sim-workers K --time-budget T --figure-format``: runs, report sections, files."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.procs import cli

pytestmark = pytest.mark.slow  # each test runs run_all.py in a subprocess


def test_simulated_grid_report_and_vector_figures(tmp_path):
    out = tmp_path / "exp"
    p = cli(
        "--benchmarks",
        "synthetic/linear",
        "synthetic/linear:noisy=true",
        "--algorithms",
        "random",
        "evolution",
        "lanas",
        "--seeds",
        "0-2",
        "--budget",
        "40",
        "--out",
        str(out),
        "--workers",
        "1",
        "--sim-workers",
        "1",
        "3",
        "--time-budget",
        "30s",
        "--figure-format",
        "png",
        "pdf",
    )
    assert p.returncode == 0, p.stderr
    # synthetic/linear trains every architecture for 1 s: K = 1 fits 30 results in 30 s (the 31st
    # would arrive at 31 s), K = 3 reaches the 40 samples at 14 s (3 results a second)
    for k, status, samples, last in ((1, "time", 30, 30.0), (3, "budget", 40, 14.0)):
        for f in sorted((out / "sim" / f"workers-{k}" / "runs").rglob("seed-*.parquet")):
            meta = json.loads(pq.read_schema(f).metadata[b"lanas"])
            t = pq.read_table(f).to_pydict()
            assert (meta["status"], meta["samples"], meta["sim_workers"]) == (status, samples, k), f
            assert max(t["sim_finish_s"]) == last and meta["time_budget_s"] == 30
    assert len(list((out / "sim").rglob("seed-*.parquet"))) == 2 * 2 * 3 * 3
    report = (out / "report.md").read_text()
    assert "## Across benchmarks" in report and "## Simulated time" in report
    assert "CD = " in report and "not distinguishable at the 5% level" in report
    # 3 algorithms on 2 benchmarks: the CD (2.34) exceeds any gap of average ranks (2): no diagram
    assert "No critical-difference diagram" in report and not list((out / "figures").glob("critical_difference_*"))
    assert "by hours with K = 3" in report
    figs = out / "figures"
    for stem in (
        "rank_heatmap",
        "anytime_ecdf",
        "sim_time_to_target_synthetic_linear",
        "ecdf_synthetic_linear",
        "regret_synthetic_linear",
        "efficiency_synthetic_linear",
    ):
        assert (figs / f"{stem}.png").stat().st_size > 0
        pdf = (figs / f"{stem}.pdf").read_bytes()
        assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType fonts embedded, no Type 3
    # hours to the top 1%: the finish time of the first result at or above it, restricted mean
    target = json.loads((out / "manifest.json").read_text())["benchmarks"]["synthetic/linear"]["targets"]["top1"]
    table = pd.read_csv(out / "tables" / "simulated_time.csv")
    for k in (1, 3):
        hours = []
        for f in sorted((out / "sim" / f"workers-{k}" / "runs" / "synthetic+linear" / "lanas").glob("seed-*.parquet")):
            t = pq.read_table(f).to_pydict()
            horizon = 30.0 if k == 1 else 14.0  # a seed that never reaches it counts at its horizon
            hit = next((fin for fin, b in zip(t["sim_finish_s"], t["best_valid"]) if b >= target), horizon)
            hours.append(hit / 3600)
        row = table[(table.benchmark == "synthetic/linear") & (table.spec == "lanas") & (table.workers == k)].iloc[0]
        assert row.mean_hours == pytest.approx(sum(hours) / 3) and row.gpu_hours == pytest.approx(k * row.mean_hours)
    # re-running the same command redoes nothing; another time budget redoes the simulated runs
    p = cli(
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--seeds",
        "0-2",
        "--budget",
        "40",
        "--out",
        str(out),
        "--sim-workers",
        "1",
        "--time-budget",
        "30s",
        "--no-analysis",
    )
    assert "6 already on disk" in p.stderr
    p = cli(
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--seeds",
        "0-2",
        "--budget",
        "40",
        "--out",
        str(out),
        "--sim-workers",
        "1",
        "--time-budget",
        "20s",
        "--no-analysis",
    )
    assert "3 already on disk" in p.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--time-budget", "24h"], "--time-budget needs --sim-workers"),
        (["--sim-workers", "0"], "bad --sim-workers 0"),
        (["--sim-workers", "2", "--time-budget", "soon"], "bad duration 'soon'"),
        (["--sim-workers", "2", "--parallel", "2"], "do not combine"),
        (["--figure-format", "jpg"], "invalid choice: 'jpg'"),
    ],
)
def test_bad_simulation_settings_are_one_line(args, message, tmp_path):
    p = cli("--benchmarks", "synthetic/linear", "--algorithms", "random", *args, "--out", str(tmp_path / "x"))
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not (tmp_path / "x").exists()
