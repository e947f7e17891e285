"""The conformance suite for algorithms on several objectives (every registered algorithm that
declares ``multiobjective = True``), on a two-objective synthetic table and on a real one:
same seed, same history; another seed, another; global random state untouched; K proposals
outstanding, told in any order, each told value used; a larger budget extends the same history
(what resuming a folder relies on); a short run on a real table's pair (accuracy against FLOPs).
Refusals: one line before any run."""

from __future__ import annotations

import random

import numpy as np
import pytest

from algorithms import registry as algorithms
from benchmarks import registry
from harness.objectives import objectives_refusal
from harness.presets import SLOW
from harness.runner import run
from tests.mo_synthetic import two_objective_table

MO = [
    a
    for a in algorithms.names()
    if getattr(algorithms.algorithm_class(a), "multiobjective", False)
    and not algorithms.unavailable(algorithms.resolve(a)[0])
]
#: the GPs cost seconds per trial: a short budget, and a slow test
BUDGET = {"optuna-mogp": 12, "botorch-qnehvi": 15, "lamoo-release": 15}
#: the spec the suite runs for a name whose acquisition optimiser costs most of a run: the same
#: code with fewer optimiser starts and iterations (the contract does not depend on them)
CHEAP = {"lamoo-release": "lamoo-release:restarts=2,maxiter=10"}


def _params(names: list[str]) -> list:
    """The specs as test parameters, the slow ones (the GPs, SLOW) marked slow."""
    return [pytest.param(CHEAP.get(a, a), marks=pytest.mark.slow) if a in BUDGET or a in SLOW else a for a in names]


SPECS = _params(MO)
K = 4


@pytest.fixture(scope="module")
def table():
    return two_objective_table()


def test_the_multiobjective_algorithms_are_covered():
    assert {"lamoo", "optuna-nsga2", "optuna-motpe", "morea", "random"} <= set(MO)


@pytest.mark.parametrize("spec", SPECS)
def test_mo_conformance(spec, table):
    budget = BUDGET.get(spec.partition(":")[0], 40)
    state, np_state = random.getstate(), np.random.get_state()
    first = run(table, spec, seed=1, budget=budget)
    assert random.getstate() == state and np.array_equal(np.random.get_state()[1], np_state[1])
    assert first.status == "budget" and first.samples == budget, first.error
    assert run(table, spec, seed=1, budget=budget).rows["arch"] == first.rows["arch"], "same seed, other history"
    assert run(table, spec, seed=2, budget=budget).rows["arch"] != first.rows["arch"], "other seed, same history"
    assert len(first.rows["objective_latency"]) == len(first.rows["arch"])  # the runner records each objective


@pytest.mark.parametrize("spec", SPECS)
def test_mo_larger_budget_extends_the_same_history(spec, table):
    n = BUDGET.get(spec.partition(":")[0], 30)
    short = run(table, spec, seed=3, budget=n).rows["arch"]
    assert run(table, spec, seed=3, budget=2 * n).rows["arch"][: len(short)] == short


@pytest.mark.parametrize("spec", SPECS)
def test_mo_parallel_proposals(spec, table):
    budget = BUDGET.get(spec.partition(":")[0], 40)
    first = run(table, spec, seed=3, budget=budget, parallel=K)
    assert first.status == "budget" and first.samples == budget, first.error
    assert run(table, spec, seed=3, budget=budget, parallel=K).rows["arch"] == first.rows["arch"]


def _shuffled(spec, bench, seed, budget, boost=-1):
    """Ask K, tell them in a random order; proposal ``boost`` is told a made-up vector at the
    ideal point (best accuracy, zero latency) instead of its own."""
    from benchmarks.base import Result

    algo = algorithms.make(spec, bench, np.random.default_rng(seed), budget=budget)  # as a run does
    order = np.random.default_rng(seed + 1)
    proposed: list = []
    while len(proposed) < budget:
        batch = [a for a in (algo.ask() for _ in range(min(K, budget - len(proposed)))) if a is not None]
        assert batch
        first = len(proposed)
        proposed += batch
        for i in order.permutation(len(batch)):
            result = bench.query(batch[i])
            if first + i == boost:
                result = Result(1.0, extra={"objectives": {"valid": 1.0, "latency": 0.0}})
            algo.tell(batch[i], result)
    return proposed


@pytest.mark.parametrize("spec", _params([a for a in MO if a != "random" and a not in BUDGET]))
def test_mo_told_vectors_are_used(spec, table):
    """Told out of order (the GPs: tests/algorithms/test_botorch_mo.py, at a smaller budget), the objective vector of a proposal changes what is proposed later."""
    spec = {"morea": "morea:population=10,sample=3"}.get(spec, spec)  # its first 100 are random
    plain = _shuffled(spec, table, 6, 100)
    assert _shuffled(spec, table, 6, 100) == plain
    boosted = _shuffled(spec, table, 6, 100, boost=24)
    assert boosted[:28] == plain[:28] and boosted[28:] != plain[28:]


def test_lamoo_on_a_real_table():
    bench = registry.make("nbgraph/proteins:objectives=valid+latency")
    r = run(bench, "lamoo", seed=0, budget=60)
    assert r.status == "budget" and r.samples == 60, r.error
    assert r.algorithm.nodes and len(r.algorithm.nodes) > 1  # the tree split


@pytest.mark.parametrize("spec", [s for s in MO if s not in BUDGET and s not in SLOW])
def test_mo_on_accuracy_against_flops(spec):
    """A real table's pair whose cost column takes 28 values only (ties everywhere): each search
    runs its budget and the runner records the table's FLOPs of every cell (the GP searches, seconds
    per trial, meet real pairs in their own conformance tests)."""
    bench = registry.make("nb201/cifar10-valid:objectives=valid+flops")
    budget = BUDGET.get(spec.partition(":")[0], 20)
    r = run(bench, spec, seed=0, budget=budget)
    assert r.status == "budget" and r.samples == budget, r.error
    cells = [tuple(map(int, a.split("-"))) for a in r.rows["arch"]]
    assert r.rows["objective_flops"] == [bench.query(c).extra["flops"] for c in cells]


def test_refusals_are_one_line_before_any_run():
    mo, so = "nb201/cifar10-valid:objectives=valid+latency", "nb201/cifar10-valid"
    assert "optimises one objective" in objectives_refusal(["lanas"], [mo])
    assert "needs several objectives" in objectives_refusal(["lamoo"], [so])
    assert objectives_refusal(["random", "lamoo", "optuna-nsga2"], [mo]) is None
    assert objectives_refusal(["random", "lanas"], [so]) is None
