"""Multi-objective specs on the tables: parsing, columns, the exact front, HV against a hand
computation, and the counts of Pareto-optimal cells on NAS-Bench-201."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks import objectives
from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.specs import SpecError
from benchmarks.table import TableBenchmark


def _table(valid, cost) -> TableBenchmark:
    archs = np.arange(len(valid))[:, None]
    bench = TableBenchmark(choices=(len(valid),), archs=archs, valid=np.array(valid), extra={"cost": np.array(cost)})
    bench.name = "hand"
    bench.name_objectives(("valid", "cost"))
    return bench


def test_front_ideal_nadir_and_hypervolume_by_hand():
    # accuracy up, cost down: (0.9, 3) (0.8, 2) (0.5, 1) are the front; (0.7, 2.5) and (0.4, 3) are dominated
    bench = _table([0.9, 0.8, 0.5, 0.7, 0.4], [3, 2, 1, 2.5, 3])
    o = bench.objectives
    assert o.front.tolist() == [[0.9, 3], [0.8, 2], [0.5, 1]]
    assert o.ideal.tolist() == [0.9, 1.0] and o.nadir.tolist() == [0.5, 3.0]
    # normalised costs: (0, 1), (0.25, 0.5), (1, 0); reference 1.1: staircase of rectangles
    assert np.allclose(o.normalise(o.front), [[0, 1], [0.25, 0.5], [1, 0]])
    by_hand = 0.25 * 0.1 + 0.75 * 0.6 + 0.1 * 1.1  # x-slabs [0,.25) [.25,1) [1,1.1) times their heights
    assert o.best_hypervolume == pytest.approx(by_hand)
    assert objectives.hypervolume(np.array([[1.2, 0.0]])) == 0.0  # beyond the reference: nothing


def test_every_answer_carries_its_objectives():
    bench = _table([0.9, 0.8], [3, 2])
    assert bench.query((1,)).extra["objectives"] == {"valid": 0.8, "cost": 2.0}


def test_parse_and_directions():
    assert objectives.parse("valid+latency") == ("valid", "latency")
    for bad in ("valid", "valid+", "valid+valid"):
        with pytest.raises(SpecError, match="two or more distinct columns"):
            objectives.parse(bad)
    assert objectives.maximised("valid") and objectives.maximised("analog_drift_60")
    assert not objectives.maximised("latency") and not objectives.maximised("para")


def test_unknown_column_lists_the_tables_columns():
    with pytest.raises(SpecError) as err:
        benchmarks.make("nb201/cifar10-valid:objectives=valid+energy")
    assert str(err.value) == (
        "nb201/cifar10-valid:objectives=valid+energy has no column 'energy'; its objective columns: "
        "valid (max), latency (min), model_size (min), flops (min)"
    )


def test_single_objective_answers_are_unchanged():
    bench = benchmarks.make("nb201/cifar10-valid")
    assert "objectives" not in bench.query((3, 3, 3, 1, 3, 2)).extra


@pytest.mark.parametrize("column, cells", [("latency", 25), ("model_size", 14)])
def test_nb201_cifar10_valid_front_sizes(column, cells):
    """The issue's counts: 25 Pareto-optimal cells of 15,625 against latency, 14 against size."""
    o = benchmarks.make(f"nb201/cifar10-valid:objectives=valid+{column}").objectives
    assert len(o.front) == cells
    assert o.ideal[0] == pytest.approx(benchmarks.make("nb201/cifar10-valid").valid.max())
    assert 0 < o.best_hypervolume < 1.1**2


@pytest.mark.parametrize(
    "spec", ["nbgraph/cora:objectives=valid+latency", "anb201/analog:objectives=valid+analog_drift_86400"]
)
def test_other_tables_have_fronts(spec):
    bench = benchmarks.make(spec)
    o = bench.objectives
    front = o.costs(o.front)
    # no front point dominates another, and every table point is weakly dominated by one
    assert not any(np.all(a <= b) and np.any(a < b) for a in front for b in front)
    table = o.costs(objectives.table_values(bench, o.names))
    assert all(np.any(np.all(front <= row, axis=1)) for row in table)
    assert len(o.front) >= 1  # the analog table: one cell is best after drift too


def test_the_analysis_rebuilds_the_same_objectives_from_the_manifest():
    o = benchmarks.make("nbgraph/cora:objectives=valid+para").objectives
    back = objectives.Objectives.from_info(json.loads(json.dumps(o.info())))
    points = o.front[::2] * 1.01
    assert np.array_equal(back.normalise(points), o.normalise(points))
    assert back.best_hypervolume == o.best_hypervolume and back.info() == o.info()


def test_a_search_that_needs_several_objectives_is_refused_one():
    with pytest.raises(ValueError, match="names one objective; a multi-objective algorithm needs several"):
        benchmarks.make("nb201/cifar10-valid").several_objectives()
    o = _table([0.9, 0.8], [3, 2]).several_objectives()
    assert o.vector({"objectives": {"cost": 2.0, "valid": 0.8}}) == [0.8, 2.0]  # in the objectives' order
    with pytest.raises(ValueError, match="carries no objective values"):
        o.vector({})


def test_a_noisy_table_cannot_name_objectives():
    with pytest.raises(BenchmarkError, match="the table's own values"):
        benchmarks.make("nb201/cifar10-valid:noisy=true,objectives=valid+latency")


def test_normalised_costs_and_the_clipped_hypervolume_by_hand():
    o = _table([0.9, 0.8, 0.5], [3, 2, 1]).objectives  # ideal (0.9, 1), nadir (0.5, 3)
    assert np.allclose(o.normalise([[0.7, 2.0], [0.9, 5.0]]), [[0.5, 0.5], [0.0, 2.0]])
    assert objectives.scale(np.array([2.0, 5.0]), np.array([1.0, 5.0]), np.array([3.0, 5.0])).tolist() == [0.5, 0.0]
    assert o.hypervolume(np.array([[0.5, 0.5], [0.0, 2.0]])) == pytest.approx(0.6 * 0.6)  # the second is beyond
    assert objectives.hypervolume(np.zeros((0, 2))) == 0.0
