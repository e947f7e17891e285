"""An algorithm whose every run fails at its first ``ask``: the report is written without it, its
failed runs are listed with their causes, and ``python -m analysis`` says by its exit status that
runs failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
from algorithms.registry import register


@register("test-broken-ask")
class BrokenAsk:
    def __init__(self, benchmark, rng):
        self.benchmark = benchmark

    def ask(self):
        raise RuntimeError("no proposal today")

    def tell(self, arch, result):
        pass
"""


def test_an_algorithm_that_never_ran_is_reported_without_it(tmp_path):
    plugin, out = tmp_path / "broken.py", tmp_path / "exp"
    plugin.write_text(PLUGIN)
    grid = ["--benchmarks", "synthetic/linear", "--algorithms", "random", "test-broken-ask", "--seeds", "0-2"]
    cmd = [sys.executable, "tests/cli_synthetic.py", "--plugin", str(plugin), *grid, "--budget", "20"]
    ran = subprocess.run([*cmd, "--out", str(out), "--workers", "1", "--no-analysis"], cwd=ROOT, capture_output=True)
    assert ran.returncode == 1  # the runs failed: run_all says so
    done = subprocess.run(
        [sys.executable, "-m", "analysis", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in done.stderr and "3 run(s) failed" in done.stderr
    assert done.returncode == 1
    report = (out / "report.md").read_text()
    assert "`test-broken-ask` on synthetic/linear never told a proposal" in report
    assert report.count("RuntimeError: no proposal today") >= 3  # each failed run with its cause
    stats = pd.read_csv(out / "tables" / "samples_to_target.csv")
    assert set(stats["spec"]) == {"random"}
    runs = pd.read_csv(out / "tables" / "runs.csv")
    assert (runs[runs["spec"] == "test-broken-ask"]["status"] == "failed").sum() == 3
    assert any(p.name.startswith("regret_") for p in (out / "figures").iterdir())
