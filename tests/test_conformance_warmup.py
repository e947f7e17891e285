"""The conformance suites with the zero-cost warm-up on (``warmup=PROXY/N/K``, algorithms/_warmup.py):
every registered algorithm, on a real NAS-Bench-201 table (one objective and two), proposes the K
warm-up cells first, is told them without having asked for them, uses its whole budget, one proposal
at a time and K at once; same seed, same history; another seed, another history."""

from __future__ import annotations

import pytest

from benchmarks import registry
from harness.presets import SLOW
from harness.runner import run
from tests import test_conformance as single
from tests import test_conformance_mo as multi

WARM, TOP = "warmup=params/500/8", 8
#: the GP searches (seconds a trial) run the first part of the check only
SLOW_GP = {*multi.BUDGET, *SLOW}


def warmed(spec: str) -> str:
    return f"{spec}{',' if ':' in spec else ':'}{WARM}"


def table(spec: str):
    reason = registry.entries()["nb201/cifar10-valid"].unavailable()
    if reason:
        pytest.skip(reason)
    return registry.make(spec)


@pytest.fixture(scope="module")
def nb201():
    return table("nb201/cifar10-valid")


@pytest.fixture(scope="module")
def nb201_mo():
    return table("nb201/cifar10-valid:objectives=valid+latency")


def check(spec: str, bench, budget: int, count) -> None:
    first = run(bench, warmed(spec), seed=1, budget=budget)
    assert first.status == "budget" and first.samples == budget, first.error
    assert first.rows["arch"][:TOP] == run(bench, f"random:{WARM}", seed=1, budget=TOP).rows["arch"]
    new = [a for a, c in zip(first.rows["arch"], first.rows["cached"]) if not c]
    assert len(new) == len(set(new)) == budget
    if count is not None:  # every row was told to the algorithm, the warm cells included
        assert count(first.algorithm) == len(first.rows["arch"])
    if spec.partition(":")[0] in SLOW_GP:  # seconds a trial: one run shows they take the warm cells
        return
    assert run(bench, warmed(spec), seed=1, budget=budget).rows["arch"] == first.rows["arch"]
    assert run(bench, warmed(spec), seed=2, budget=budget).rows["arch"] != first.rows["arch"]
    parallel = run(bench, warmed(spec), seed=1, budget=budget, parallel=single.K)
    assert parallel.status == "budget" and parallel.samples == budget, parallel.error
    assert parallel.rows["arch"][:TOP] == first.rows["arch"][:TOP]
    if count is not None:
        assert count(parallel.algorithm) == len(parallel.rows["arch"])


@pytest.mark.parametrize("spec", single.SPECS)
def test_conformance_with_warmup(spec, nb201):
    check(spec, nb201, single.ALGORITHM_BUDGET.get(spec, 30), single._told_count(spec))


@pytest.mark.parametrize("spec", multi.SPECS)
def test_mo_conformance_with_warmup(spec, nb201_mo):
    check(spec, nb201_mo, max(multi.BUDGET.get(spec.partition(":")[0], 30), TOP + 4), None)
