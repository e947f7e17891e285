"""The multi-objective peers (algorithms/mo_peers.py): refused on one objective in one line, the
Optuna studies given one direction per objective, MOREA's parent the best-ranked of a tournament."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from algorithms import registry as algorithms
from tests.mo_synthetic import two_objective_table
from tests.synthetic import linear_table

PEERS = ["optuna-nsga2", "optuna-motpe", "morea"]


@pytest.fixture(scope="module")
def table():
    return two_objective_table()


@pytest.mark.parametrize("spec", PEERS)
def test_a_peer_refuses_one_objective_in_one_line(spec):
    if algorithms.unavailable(algorithms.resolve(spec)[0]):
        pytest.skip("optuna is not installed")
    bench = linear_table()
    with pytest.raises(ValueError, match="names one objective; a multi-objective algorithm needs several") as err:
        algorithms.make(spec, bench, np.random.default_rng(0))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("spec", ["optuna-nsga2", "optuna-motpe"])
def test_the_optuna_study_has_one_direction_per_objective(spec, table):
    if algorithms.unavailable(algorithms.resolve(spec)[0]):
        pytest.skip("optuna is not installed")
    algo = algorithms.make(spec, table, np.random.default_rng(0))
    assert [d.name for d in algo.study.directions] == ["MAXIMIZE", "MINIMIZE"]  # valid up, latency down
    arch = algo.ask()
    algo.tell(arch, table.query(arch))
    assert algo.study.trials[-1].values == list(table.query(arch).extra["objectives"].values())


def test_morea_ranks_its_living_members_by_dominance(table):
    algo = algorithms.make("morea:population=20,sample=20", table, np.random.default_rng(0))
    for _ in range(30):
        arch = algo.ask()
        algo.tell(arch, table.query(arch))
    living = [m[0] for m in algo.members]
    assert len(living) == 20  # the 10 oldest aged out
    costs = table.objectives.costs([table.objectives.vector(table.query(a).extra) for a in living])
    assert np.array_equal(algo._rank, moocore.pareto_rank(costs))
    # a tournament of the whole population (with repeats) picks a member of the first front
    parent = algo._tournament()
    assert algo._rank[living.index(parent)] == algo._rank.min()
