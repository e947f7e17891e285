"""studies/bench_scale.py (docs/benchmarks.md, "Cost at full size") runs, on a small synthetic file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = [sys.executable, str(ROOT / "studies" / "bench_scale.py")]


def test_a_missing_file_is_one_line_and_status_2(tmp_path):
    proc = subprocess.run(
        [*SCRIPT, "--out", str(tmp_path), "--nb101-path", str(tmp_path / "no.tfrecord")], capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0 and "does not exist" in proc.stderr


@pytest.mark.slow
def test_it_measures_a_small_synthetic_file(tmp_path):
    cmd = [*SCRIPT, "--out", str(tmp_path), "--cells", "60", "--samples", "30", "--seeds", "2", "--repeats", "2"]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    report = json.loads((tmp_path / "scale.json").read_text())
    assert report["synthetic"] and report["cells"] == 60 and report["samples"] == 30
    assert len(report["convert"]) == len(report["cached"]) == len(report["search"]) == 2
    assert all(r["s"] > 0 and r["cpu_s"] > 0 and r["peak_mb"] > 0 for r in report["convert"] + report["cached"])
    assert all(r["algo_ms"] > 0 and r["cpu_ms"] > 0 and r["algo_cpu_ms"] > 0 for r in report["search"])
    assert "first load (conversion)" in (tmp_path / "scale.md").read_text()
    assert sorted(p.name for p in tmp_path.glob("cache-*")) == ["cache-0"]  # the other caches are removed
