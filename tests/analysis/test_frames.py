"""Tidy frames of an experiment folder (``analysis.frames``): a row per told proposal and a row per
(benchmark, spec, target); the report prints the numbers of the second, and both agree with a
computation of their own from the run files; folders of every format load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import harness
from analysis import frames
from analysis.plots.style import fmt
from analysis.stats import censored as stats

pytestmark = pytest.mark.slow  # the module's experiment is a real grid

SPECS = ["random", "lanas", "evolution"]


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    out = tmp_path_factory.mktemp("frames") / "exp"
    return harness.run(
        benchmarks=["synthetic/linear", "synthetic/linear:noisy=true"],
        algorithms=SPECS,
        seeds=range(6),
        budget=80,
        out=out,
        workers=1,
        sim_workers=[2],
    )


def own_hitting_times(props: pd.DataFrame, bench: str, spec: str, target: float) -> np.ndarray:
    """Samples to ``target`` per seed from the proposal rows alone (inf: never)."""
    rows = props[(props.benchmark == bench) & (props.spec == spec) & (props.sim_workers == 0)]
    times = []
    for _, run in rows.groupby("seed", observed=True):
        hit = run[run.best_true_valid >= target - 1e-9 * max(1.0, abs(target))]
        times.append(float(hit.step.iloc[0]) if len(hit) else np.inf)
    return np.array(times)


def test_the_frames_hold_the_numbers_the_report_prints(experiment):
    props, table = experiment.proposals(), experiment.statistics()
    report = experiment.report.read_text()
    csv = pd.read_csv(experiment.path / "tables" / "samples_to_target.csv")
    assert len(table) == 2 * 3 * len(SPECS) and len(csv) == len(table)
    assert np.allclose(csv["mean"], table["mean"]) and list(csv["spec"]) == list(table["spec"])
    for r in table.itertuples():
        times = own_hitting_times(props, r.benchmark, r.spec, r.target_value)
        assert r.reached == np.isfinite(times).sum() and r.runs == len(times) == 6
        assert r.mean == pytest.approx(stats.restricted_mean(times, 80))
        median = stats.km_median(times, 80)
        assert r.median == median if np.isfinite(median) else np.isnan(r.median)  # not reached: NaN
        ge = "≥" if r.mean_censored else ""
        assert f"| `{r.spec}` | {r.reached}/{r.runs} ({100 * r.success:.0f}%) | {ge}{fmt(r.mean)} [" in report
    speed = table[table.spec == "lanas"].iloc[0]
    assert f"{speed.speedup:.2f}x [{speed.speedup_lo:.2f}, {speed.speedup_hi:.2f}]" in report


def test_a_row_per_told_proposal_with_what_was_seen_and_what_is_judged(experiment):
    props = experiment.proposals()
    assert list(props.columns[:15]) == list(frames.FIRST)
    plain = props[props.sim_workers == 0]
    assert len(plain) == sum(pq.read_metadata(f).num_rows for f in (experiment.path / "runs").rglob("seed-?.parquet"))
    assert plain.groupby(["benchmark", "spec", "seed"], observed=True).step.max().eq(80).all()
    exact = plain[plain.benchmark == "synthetic/linear"]
    assert (exact.true_valid == exact.valid).all() and (exact.best_true_valid == exact.best_valid).all()
    noisy = plain[plain.benchmark == "synthetic/linear:noisy=True"]
    assert (noisy.true_valid != noisy.valid).mean() > 0.9  # one training seed's draw against the mean
    sim = props[props.sim_workers == 2]
    assert len(sim) and sim[["worker", "sim_start_s", "sim_finish_s"]].notna().all().all()
    assert plain["worker"].isna().all()


def rewrite(folder, change) -> None:
    for f in folder.rglob("seed-?.parquet"):
        table = pq.read_table(f)
        pq.write_table(change(table).replace_schema_metadata(table.schema.metadata), f)


def test_older_and_newer_run_files_load(experiment, tmp_path):
    import shutil

    now = experiment.proposals()
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(experiment.path, old)
    shutil.copytree(experiment.path, new)
    judged = [c for c in ("true_valid", "true_test") if c in pq.read_schema(next(old.rglob("seed-?.parquet"))).names]
    assert judged  # the folder is in today's format
    rewrite(old, lambda t: t.drop_columns(judged))  # before noisy tables: the value seen is judged
    # before true_valid: a noisy table's judged value was called valid_mean
    rewrite(
        new,
        lambda t: t.drop_columns(["true_test"]).rename_columns(
            ["valid_mean" if c == "true_valid" else c for c in t.drop_columns(["true_test"]).column_names]
        ),
    )
    before = frames.proposals(old)
    assert (before.true_valid == before.valid).all() and len(before) == len(now)
    assert frames.proposals(new)["true_valid"].equals(now["true_valid"])
    table = frames.statistics(old)  # judged on what the searches saw, as the report of such a folder is
    for r in table.itertuples():
        times = own_hitting_times(before, r.benchmark, r.spec, r.target_value)
        assert r.reached == np.isfinite(times).sum() and r.mean == pytest.approx(stats.restricted_mean(times, 80))


def test_a_command_line_folder_reads_the_same(experiment, tmp_path):
    import run_all

    out = tmp_path / "cli"
    assert (
        run_all.main(
            [
                "--benchmarks",
                "synthetic/linear",
                "--algorithms",
                *SPECS,
                "--seeds",
                "0-5",
                "--budget",
                "80",
                "--workers",
                "1",
                "--no-analysis",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    mine = harness.ExperimentFolder(out).proposals().drop(columns="algo_s")
    theirs = experiment.proposals()
    theirs = theirs[(theirs.sim_workers == 0) & (theirs.benchmark == "synthetic/linear")]
    theirs = theirs[[c for c in theirs if c not in ("algo_s", "worker", "sim_start_s", "sim_finish_s")]]
    assert np.array_equal(
        mine.drop(columns=["benchmark", "spec"]).to_numpy(), theirs.drop(columns=["benchmark", "spec"]).to_numpy()
    )


def test_statistics_are_scoped_to_what_is_asked_and_say_not_reached_without_inf(experiment):
    full = experiment.statistics()
    top = experiment.statistics(targets="optimum", specs=["lanas", "random"])
    assert set(top.target) == {"optimum"} and set(top.spec) == {"lanas", "random"}
    assert len(top) == len(full[(full.target == "optimum") & full.spec.isin(["lanas", "random"])])
    assert not np.isinf(full.select_dtypes("number").to_numpy(dtype=float)).any()
    missed = full[full.reached * 2 <= full.runs]  # half the seeds or more missed it: no median
    assert len(missed) and missed["median"].isna().all()
    with pytest.raises(ValueError, match="no target top5"):
        experiment.statistics(targets=["top5"])
