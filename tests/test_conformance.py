"""The shared conformance suite: every registered algorithm on every benchmark family.

A new algorithm or benchmark registered anywhere is covered here without edits.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from algorithms import base as algorithms
from algorithms.runner import run
from benchmarks import registry

# one benchmark per family keeps the suite fast; the synthetic table is always there
FAMILY_REPRESENTATIVES = ("synthetic/linear", "nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora",
                          "nbgraph/proteins")
BENCHMARKS = [b for b in FAMILY_REPRESENTATIVES if b in registry.entries()]
ALGORITHMS = [a for a in algorithms.names() if not algorithms.unavailable(algorithms.resolve(a)[0])]
BUDGET = {"synthetic/linear": 60}
#: Optuna's GP costs seconds per trial once it has a few dozen; its conformance runs stay short
ALGORITHM_BUDGET = {"optuna-gp": 12}


@pytest.fixture(params=BENCHMARKS)
def bench(request):
    return registry.make(request.param)


@pytest.mark.parametrize("spec", ALGORITHMS)
def test_conformance(spec, bench):
    budget = ALGORITHM_BUDGET.get(spec, BUDGET.get(bench.name, 30))
    py_state, np_state = random.getstate(), np.random.get_state()
    first = run(bench, spec, seed=1, budget=budget)
    assert random.getstate() == py_state, "global random state touched"
    assert np.array_equal(np.random.get_state()[1], np_state[1]), "global numpy state touched"
    assert first.status in ("budget", "exhausted"), first.error
    assert first.samples == budget, "did not use exactly its budget"
    again = run(bench, spec, seed=1, budget=budget)
    assert again.rows["arch"] == first.rows["arch"], "same seed, different history"
    other = run(bench, spec, seed=2, budget=budget)
    assert other.rows["arch"] != first.rows["arch"], "another seed gave the same history"
    archs = [tuple(map(int, a.split("-"))) for a in first.rows["arch"]]
    assert all(bench.is_valid(a) for a in archs)
    new = [a for a, c in zip(archs, first.rows["cached"]) if not c]
    assert len(new) == len(set(new)) == budget


def test_every_algorithm_is_covered():
    assert "random" in ALGORITHMS
    assert set(ALGORITHMS) <= set(algorithms.names())
