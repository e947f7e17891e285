"""A multi-objective grid end to end: the run files carry the objectives, the manifest the exact
front, and the analysis judges runs on it (HV regret, samples to a fraction of HV*, the report's
section, the frames' rows)."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from analysis import analyse
from analysis.frames import proposals, statistics
from analysis.load import load
from analysis.stats.hypervolume import mo_runs
from benchmarks import registry
from benchmarks.table import TableBenchmark
from harness.api import run
from tests.mo_synthetic import two_objective_table


def _two_columns() -> TableBenchmark:
    """The synthetic two-objective table without its objectives: the spec names them."""
    base = two_objective_table(choices=(4, 3, 3))
    bench = TableBenchmark(
        choices=base.choices, archs=base.all_archs(), valid=base.valid, extra={"latency": base.extra["latency"]}
    )
    return bench


@pytest.mark.slow  # a whole report: about a minute at a load average of 10 on 2 cores
def test_a_multiobjective_grid_is_judged_on_the_exact_front(tmp_path):
    spec = "synthetic/mo:objectives=valid+latency"
    with registry.scope():
        registry.register("synthetic/mo", _two_columns, listed=False)
        size = len(registry.make(spec).all_archs())
        out = tmp_path / "mo"
        run(
            [spec], ["random", "morea", "optuna-nsga2"], seeds=[0, 1, 2], budget=size, out=out, workers=1, analyse=False
        )
        report = analyse(out).read_text()
    exp = load(out)
    front = exp.info(spec)["objectives"]
    assert front["names"] == ["valid", "latency"] and front["reference"] == 1.1
    runs = mo_runs(exp)
    assert len(runs) == 9
    for r in runs:  # every run evaluates the whole table: it ends on the exact front, HV = HV*
        assert np.all(np.diff(r.ratio) >= -1e-12) and abs(r.ratio[-1] - 1.0) < 1e-9
        assert r.times[1.0] <= size and r.igd_plus < 1e-12
    table = statistics(exp)
    hv = table[table["target"] == "hv100"]
    assert set(hv["spec"]) == {"random", "morea", "optuna-nsga2"} and (hv["reached"] == 3).all()
    assert "objective_latency" in proposals(out)
    assert "## Several objectives" in report and "HV* =" in report and "(exp.statistics" not in report
    assert list((out / "figures").glob("multiobjective_*")), "no figure"
    path = next((out / "runs").rglob("seed-0.parquet"))
    assert {"objective_valid", "objective_latency"} <= set(pq.read_schema(path).names)


def test_statistics_at_a_horizon_equal_those_of_runs_stopped_there(tmp_path):
    """``mo_statistics(exp, horizon=h)`` judges runs as if they had stopped after h distinct samples:
    for searches whose history does not depend on the budget it equals the statistics of the same
    seeds run with budget h (reached, median, restricted mean, HV regret); a horizon past the
    budget is refused."""
    from analysis.stats.mo_tables import mo_statistics

    spec = "synthetic/mo:objectives=valid+latency"
    columns = ["benchmark", "target", "spec", "reached", "median", "mean", "hv_regret"]
    with registry.scope():
        registry.register("synthetic/mo", _two_columns, listed=False)
        for budget in (12, 30):
            run(
                [spec],
                ["random", "morea"],
                seeds=[0, 1, 2],
                budget=budget,
                out=tmp_path / str(budget),
                workers=1,
                analyse=False,
            )
        short, long = load(tmp_path / "12"), load(tmp_path / "30")
        cut, stopped = mo_statistics(long, horizon=12)[columns], mo_statistics(short)[columns]
        assert cut.equals(stopped)
        assert not cut.equals(mo_statistics(long)[columns])  # the horizon changes the numbers
        with pytest.raises(ValueError, match="horizon 31"):
            mo_statistics(long, horizon=31)
