"""Where a command writes and which figures it draws, as the README ("Command line") and
docs/analysis.md say: a custom grid without ``--out`` goes to ``results/custom``; the LaNAS variants
figure is drawn only when a benchmark has more than 8 specs (the default run has 6)."""

from __future__ import annotations

import pytest

import run_all
from harness import cli as commands

DEFAULT_ALGOS = ["random", "evolution", "mcts", "lanas", "lanas-plus"]  # the default run: these and optuna-tpe
MORE = ["lanas:height=2", "lanas:height=3", "lanas:cp=0.5", "lanas:n_init=5"]  # 9 specs


def grid(*more: str) -> list[str]:
    return ["--benchmarks", "synthetic/linear", "--seeds", "0-1", "--budget", "20", "--workers", "1", *more]


@pytest.mark.slow
def test_custom_grid_goes_to_results_custom_and_variants_figure_needs_more_than_8_specs(tmp_path, monkeypatch):
    monkeypatch.setattr(commands, "ROOT", tmp_path)
    assert run_all.main(grid("--algorithms", *DEFAULT_ALGOS)) == 0
    custom = tmp_path / "results" / "custom"
    assert (custom / "manifest.json").is_file() and len(list((custom / "runs").rglob("seed-?.parquet"))) == 10
    figures = sorted(p.name for p in (custom / "figures").glob("*.png"))
    assert "ecdf_synthetic_linear.png" in figures and not [f for f in figures if "variants" in f], figures
    many = tmp_path / "many"
    assert run_all.main(grid("--algorithms", *DEFAULT_ALGOS, *MORE, "--out", str(many))) == 0
    assert (many / "figures" / "ecdf_lanas_variants_synthetic_linear.png").is_file()
