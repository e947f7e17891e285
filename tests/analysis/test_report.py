"""What the report and figures say: summary sentences state only what the data decide,
random search's expectation from the number of tied optima, the tail in the health table, noisy
benchmarks judged on mean values, ablation figures placed by value with the default point, and
figures whose labels and bands stay readable."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis import analyse
from analysis.families import series
from analysis.load import load
from analysis.plots import ablation as ablation_figures
from analysis.plots import figures, style
from analysis.stats import tables

from .test_analysis import write_manifest, write_run

BUDGET, SEEDS = 200, 8
DEFAULTS = {"lanas": {"height": 5, "cp": 0.1}, "random": {}, "evolution": {}, "mcts": {}, "broken": {}}
HEIGHT_AT = {"lanas:height=1": 150, "lanas:height=2": 100, "lanas": 30, "lanas:height=8": 8}
MCTS = [10, 12, 14, 16, 180, None, None, None]  # 5/8 reach the optimum: its mean is a lower bound


def _values(rng: np.random.Generator, at: int | None, top: float = 0.98) -> np.ndarray:
    values = rng.uniform(0.0, top, BUDGET)
    if at is not None:
        values[at - 1] = 1.0
    return values


NOTE = "left out: seeds 6-9 (`python run_all.py --preset default --seeds 0-9`)"


@pytest.fixture(scope="module")
def exp(tmp_path_factory):
    exp = tmp_path_factory.mktemp("report") / "exp"
    specs = [
        "lanas",
        "random",
        "evolution",
        "mcts",
        "broken",
        "lanas:height=1",
        "lanas:height=2",
        "lanas:height=8",
        "lanas:cp=0",
        "lanas:cp=1",
    ]
    bench = {
        "size": 1000,
        "objective": "validation accuracy",
        "value_range": [0, 1],
        "targets": {"optimum": 1.0, "top0_1": 0.99, "top1": 0.985},
        "at_target": {"optimum": 2, "top0_1": 4, "top1": 30},
    }
    write_manifest(exp, BUDGET, range(SEEDS), specs, {"toy/ties": bench, "toy/noisy": dict(bench, at_target=None)})
    manifest = json.loads((exp / "manifest.json").read_text())
    (exp / "manifest.json").write_text(json.dumps(dict(manifest, defaults=DEFAULTS, note=NOTE)))
    rng = np.random.default_rng(3)
    for seed in range(SEEDS):
        for spec, at in HEIGHT_AT.items():
            write_run(exp, "toy/ties", spec, seed, _values(rng, at + 2 * seed), BUDGET)
        for spec in ("lanas:cp=0", "lanas:cp=1"):
            write_run(exp, "toy/ties", spec, seed, _values(rng, int(rng.integers(25, 50))), BUDGET)
        write_run(exp, "toy/ties", "mcts", seed, _values(rng, MCTS[seed]), BUDGET)
        for spec in ("random", "evolution"):  # never reach the optimum, but the top-1% at once
            write_run(exp, "toy/ties", spec, seed, np.r_[0.986, _values(rng, None)[1:]], BUDGET)
        write_run(exp, "toy/ties", "broken", seed, [0.0, 1.0], BUDGET, status="failed", error="RuntimeError: x")
        # noisy: the draws of a mediocre architecture (mean 0.5) look like the optimum; the
        # architecture whose mean is the optimum is evaluated at sample 40 + seed (drawn 0.9)
        draws, means = rng.uniform(0, 0.8, BUDGET), rng.uniform(0, 0.8, BUDGET)
        draws[4], means[4] = 1.05, 0.5
        draws[39 + seed], means[39 + seed] = 0.9, 1.0
        for spec in ("lanas", "random"):
            write_run(exp, "toy/noisy", spec, seed, draws, BUDGET, means=means if spec == "lanas" else means * 0.9)
    analyse(exp)
    return exp


def test_report_quotes_what_the_grid_leaves_out(exp):
    head = (exp / "report.md").read_text().split("## Summary")[0]
    assert f"- {NOTE}\n" in head


def _summary(exp) -> str:
    text = (exp / "report.md").read_text()
    return text[text.index("## Summary") : text.index("**How to read")]


def test_summary_does_not_rank_ties_or_failures(exp):
    summary = _summary(exp)
    ties = next(line for line in summary.splitlines() if "on toy/ties" in line)
    assert "runner-up" not in summary and "ranks" not in summary
    assert "not reached in any seed by `random`, `evolution` (not ranked)" in ties
    # mcts reached in 5 of 8 seeds, so both means are lower bounds: the ratio carries "~"
    assert re.search(r"next, `mcts` needs ~\d+\.\d\dx", ties), ties
    assert "every run of `broken` failed" in ties and "`broken` reaches" not in ties
    # swept settings are not ranked as algorithms: their trend is stated
    assert "`lanas:height=8` reaches" not in ties and "ablation settings are not ranked" in ties


def test_summary_states_the_trend_of_each_swept_option(exp):
    summary = _summary(exp)
    height = next(line for line in summary.splitlines() if "`lanas varying height` on toy/ties" in line)
    cp = next(line for line in summary.splitlines() if "`lanas varying cp` on toy/ties" in line)
    assert "samples to the global optimum fall as height rises (Spearman ρ = -0.9" in height
    assert "mean samples by height: 1: 157, 2: 107, 5 (default): 37, 8: 15" in height  # at + 2 * seed
    assert "no clear effect of cp" in cp and "includes 0" in cp and "0.1 (default)" in cp


def test_random_expectation_counts_tied_optima_for_every_target(exp):
    loaded = load(exp)
    assert tables.random_expectation(loaded, "toy/ties", "optimum") == (1001 / 3, 2)
    assert tables.random_expectation(loaded, "toy/ties", "top1") == (1001 / 31, 30)
    assert tables.random_expectation(loaded, "toy/noisy", "optimum") == (1001 / 2, 1)  # old manifest
    text = (exp / "report.md").read_text()
    assert "random search expects (N+1)/(k+1) = 334 samples, k = 2 architectures reaching it" in text
    assert "(N+1)/(k+1) = 32 samples, k = 30" in text


def test_health_table_reports_the_tail(exp):
    health = pd.read_csv(exp / "tables" / "health.csv").set_index(["benchmark", "spec"])
    mcts = health.loc[("toy/ties", "mcts")]
    # 3/8 never reach it within min(3,000, budget); median (16+180)/2 = 98, and 10x that is past
    # the budget, so the 3 censored seeds may or may not lie beyond it
    assert mcts["tail_limit"] == BUDGET and mcts["tail_beyond_limit"] == 3 / 8
    assert (mcts["tail_10x_lo"], mcts["tail_10x_hi"]) == (0, 3 / 8)
    assert health.loc[("toy/ties", "lanas"), "tail_beyond_limit"] == 0
    text = (exp / "report.md").read_text()
    assert "| no optimum within 200 | beyond 10x median |" in text
    assert "| toy/ties | `mcts` | 8 | 8 | 0 | 0 | 0 | 38% | 0–38% |" in text


def test_noisy_runs_are_judged_on_the_mean_of_the_cell_the_search_would_return(exp):
    """The fixture is written in the old format (``valid_mean``, before ``true_valid``) and still loads.
    The searches saw the draws: each would return the flattering draw 1.05 of a cell whose mean is 0.5
    (0.45 for random), so neither reaches the optimum, although both evaluated the optimal cell."""
    runs = pd.read_csv(exp / "tables" / "runs.csv")
    noisy = runs[runs["benchmark"] == "toy/noisy"].set_index(["spec", "seed"])
    assert np.isinf(noisy["samples_to_optimum"]).all()
    assert (noisy.loc["lanas", "best_valid"] == 0.5).all()
    assert np.allclose(noisy.loc["random", "best_valid"], 0.45)
    text = (exp / "report.md").read_text()
    assert "**Searched and judged.**" in text and "`valid_mean` in older folders" in text
    assert all(r.estimated for r in load(exp).runs if r.benchmark == "toy/noisy")


@pytest.fixture
def captured(monkeypatch):
    """Figures as drawn, before they are saved and closed."""
    figs = []
    for module in (figures, ablation_figures):
        monkeypatch.setattr(module, "save", lambda fig, path: figs.append(fig) or path)
    yield figs
    import matplotlib.pyplot as plt

    for fig in figs:
        plt.close(fig)


def test_ablation_figure_places_values_and_shows_default_random_and_seeds(exp, captured):
    loaded = load(exp)
    times = tables.hitting_times(loaded, "toy/ties")
    height = next(s for s in series(loaded.specs("toy/ties"), DEFAULTS) if s.option == "height")
    ablation_figures.ablation(loaded, "toy/ties", height, times, style.looks(loaded.specs()), exp / "figures")
    ax = captured[-1].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "5", "8"]
    assert ax.get_xticks().tolist() == [1, 2, 5, 8]  # by value, not evenly spaced
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(stars) == 1 and stars[0].get_xdata()[0] == 5 and "default (lanas)" in stars[0].get_label()
    assert any(line.get_label() == "random: restricted mean" for line in ax.lines)
    seeds = [line for line in ax.lines if line.get_label().startswith("one seed")]
    assert len(seeds) == 4 * SEEDS


def test_option_axis_uses_log_where_values_span_decades():
    from analysis.families import Series

    make = lambda values: Series("lanas", "x", (), tuple((v, f"lanas:x={v}") for v in values), None)  # noqa: E731
    assert ablation_figures.option_axis(make([1, 3, 5, 8]))[1] == "linear"
    assert ablation_figures.option_axis(make([5, 20, 200]))[1] == "log"
    assert ablation_figures.option_axis(make([0, 0.01, 0.1, 1]))[1] == "symlog"
    assert ablation_figures.option_axis(make(["auto", "local"]))[1] == "category"


def _overlaps(boxes) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_ecdf_tick_labels_do_not_overlap_at_budget_1000(tmp_path, captured):
    exp = tmp_path / "wide"
    write_manifest(
        exp,
        1000,
        [0, 1],
        ["lanas", "random"],
        {
            "toy/wide": {
                "size": 5000,
                "objective": "v",
                "value_range": [0, 1],
                "targets": {"optimum": 1.0, "top0_1": 0.999, "top1": 0.99},
                "at_target": {"optimum": 1, "top0_1": 5, "top1": 50},
            }
        },
    )
    rng = np.random.default_rng(0)
    for spec in ("lanas", "random"):
        for seed in (0, 1):
            write_run(exp, "toy/wide", spec, seed, np.r_[rng.uniform(0, 0.995, 999), 1.0], 1000)
    loaded = load(exp)
    times = tables.hitting_times(loaded, "toy/wide")
    figures.ecdf(loaded, "toy/wide", times, ["lanas", "random"], style.looks(["lanas", "random"]), tmp_path)
    figures.regret(loaded, "toy/wide", ["lanas", "random"], style.looks(["lanas", "random"]), tmp_path)
    for fig in captured:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            lo, hi = ax.get_xlim()
            labels = [t for t, v in zip(ax.get_xticklabels(), ax.get_xticks()) if lo <= v <= hi and t.get_text()]
            assert "1,000" in [t.get_text() for t in labels]
            assert not _overlaps([t.get_window_extent(renderer) for t in labels]), [t.get_text() for t in labels]


def test_incumbent_test_bands_stay_inside_the_panel(exp, captured):
    loaded = load(exp)
    specs = ["lanas", "random", "mcts"]
    figures.regret(loaded, "toy/ties", specs, style.looks(specs), exp / "figures")
    test_ax = captured[-1].axes[1]
    low, top = test_ax.get_ylim()
    for band in test_ax.collections:
        xy = np.vstack([p.vertices for p in band.get_paths()])
        xy = xy[(xy[:, 0] >= 10) & np.isfinite(xy[:, 1])]
        assert len(xy) and low <= xy[:, 1].min() and xy[:, 1].max() <= top


def _lab(colour: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    f = np.cbrt(xyz / np.array([0.9505, 1.0, 1.089]))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_lanas_variants_have_clearly_distinct_looks():
    looks = style.looks(["lanas", "lanas-plus", "lanas-release", "random", "lanas:cp=0.5"])
    names = ["lanas", "lanas-plus", "lanas-release"]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.linalg.norm(_lab(looks[a].colour) - _lab(looks[b].colour)) > 40, (a, b)  # CIE76 ΔE
    assert len({looks[n].linestyle for n in names}) == 3
    assert len({lk.colour for lk in looks.values()}) == len(looks)
    # a variant's palette colour is never mistaken for a named algorithm's
    for colour in style.PALETTE:
        assert min(np.linalg.norm(_lab(colour) - _lab(c)) for c in style.FIXED.values()) >= 24, colour


def test_a_noisy_experiment_records_mean_values_and_the_manifest_what_analysis_needs(tmp_path):
    """End to end on the synthetic table with ``noisy=true``: every query's table mean is stored
    (``true_valid``), the manifest holds the tied-optimum counts and the algorithms' defaults, and
    a run reaches the optimum exactly when the cell it would return (its best draw) is the optimal one."""
    import pyarrow.parquet as pq

    from benchmarks import registry
    from harness.manifest import write_manifest as write_harness_manifest
    from harness.tasks import execute_task, grid
    from tests.synthetic import OPTIMUM

    bench = registry.check("synthetic/linear:noisy=true")  # canonical, as the command line passes it
    tasks = grid([bench], ["random", "lanas:height=2"], [0, 1], 200)
    write_harness_manifest(tmp_path, tasks, ["test"])
    for task in tasks:
        execute_task(task, str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["benchmarks"][bench]["at_target"]["optimum"] == 1
    assert manifest["defaults"]["lanas"]["height"] == 5 and manifest["defaults"]["random"] == {}
    analyse(tmp_path)
    runs = pd.read_csv(tmp_path / "tables" / "runs.csv")
    optimum = "-".join(map(str, OPTIMUM))
    for path in sorted((tmp_path / "runs").rglob("seed-*.parquet")):
        if path.name.endswith(".partition.parquet"):
            continue
        rows = pq.read_table(path).to_pandas()
        assert rows["true_valid"].notna().all() and (rows["true_valid"] != rows["valid"]).any()
        meta = json.loads(pq.read_schema(path).metadata[b"lanas"])
        incumbent = rows["arch"].to_numpy()[
            np.maximum.accumulate(  # the first row of each new best draw
                np.where(np.r_[True, np.diff(rows["best_valid"]) > 0], np.arange(len(rows)), 0)
            )
        ]
        hit = rows.loc[incumbent == optimum, "step"]
        expected = float(hit.iloc[0]) if len(hit) else np.inf
        row = runs[(runs["spec"] == meta["spec"]) & (runs["seed"] == meta["seed"])]
        assert row["samples_to_optimum"].item() == expected


def test_ablation_without_the_plain_spec_marks_the_default_value(exp, captured):
    loaded = load(exp)
    times = tables.hitting_times(loaded, "toy/ties")
    cp = next(s for s in series(["lanas:cp=0", "lanas:cp=1", "random"], DEFAULTS) if s.option == "cp")
    assert cp.reference is None and cp.default == 0.1
    ablation_figures.ablation(loaded, "toy/ties", cp, times, style.looks(loaded.specs()), exp / "figures")
    ax = captured[-1].axes[0]
    marks = [line for line in ax.lines if line.get_label() == "default cp = 0.1 (not run)"]
    assert len(marks) == 1 and marks[0].get_xdata()[0] == 0.1
    assert not [line for line in ax.lines if line.get_marker() == "*"]


def test_the_report_opens_with_every_algorithm_ranked_at_each_checkpoint_and_target(exp):
    """Right after the header: the anytime area, then a table per (target, checkpoint), the
    targets the same on every benchmark, every spec of the run in each, with letters for ties."""
    text = (exp / "report.md").read_text()
    sections = re.findall(r"^## (.+)$", text, flags=re.M)
    assert sections[0] == "Which algorithm needs the fewest samples"
    opening = text[text.index("## Which algorithm") : text.index("## Summary")]
    assert opening.index("Anytime performance") < opening.index("**global optimum within 100 samples**")
    heads = re.findall(r"^\*\*(global optimum|top-0\.1%|top-1%) within ([\d,]+) samples\*\*$", opening, flags=re.M)
    assert heads == [(t, c) for t in ("global optimum", "top-0.1%", "top-1%") for c in ("100", "200")]
    loaded = load(exp)
    for table in re.split(r"^\*\*.+ within [\d,]+ samples\*\*$", opening, flags=re.M)[1:]:
        rows = [r for r in table.splitlines() if r.startswith("| `")]
        assert {r.split("`")[1] for r in rows} == set(loaded.specs()) - {"broken"}
    assert "Not ranked: every run of `broken` failed on toy/ties" in opening
    ranks = pd.read_csv(exp / "tables" / "ranking.csv")
    mcts_vs_lanas = ranks[
        (ranks["benchmark"] == "toy/ties") & (ranks["target"] == "optimum") & (ranks["checkpoint"] == 200)
    ]
    letters = dict(zip(mcts_vs_lanas["spec"], mcts_vs_lanas["letters"]))
    assert not set(letters["lanas:height=8"]) & set(letters["random"])  # 8 seeds at once against none: decided
    tied = dict(zip(mcts_vs_lanas["spec"], mcts_vs_lanas["tied"]))
    assert tied["lanas:height=8"] and not tied["random"]
    table = opening[opening.index("**global optimum within 200 samples**") :]
    cells = next(r for r in table.splitlines() if r.startswith("| `random` |")).split("|")[2:-2]
    assert any("· p" in c and not c.strip().startswith("**") for c in cells), cells  # decidedly slower: not bold
    assert (exp / "tables" / "ranking_pairs.csv").exists()
