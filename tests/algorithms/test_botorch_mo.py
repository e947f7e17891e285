"""``lamoo-release`` (LaMOO's NAS-Bench-201 release) and ``botorch-qnehvi`` (BoTorch's qLogNEHVI):
the release's encoding, tree and sample counting; the optional extra's one line when BoTorch is
absent. Both need BoTorch: skipped without it. Runs cost seconds of CPU per batch: slow tests."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms._botorch import BOTORCH_HINT
from algorithms.registry import SpecError
from benchmarks import registry
from benchmarks._cell import OPS
from harness.runner import run
from tests.mo_synthetic import two_objective_table

pytest.importorskip("botorch", reason=BOTORCH_HINT)

from algorithms._lamoo_release.encoding import Encoding, latin_hypercube  # noqa: E402
from algorithms._lamoo_release.tree import build  # noqa: E402

FAST = "lamoo-release:restarts=4,maxiter=20"


@pytest.fixture(scope="module")
def table():
    return two_objective_table()


def test_the_release_order_of_operations_on_nas_bench_201():
    """x rounds down to 0, 0.2, ..., 0.8; the release's index order is none, skip, pool, 1x1, 3x3."""
    enc = Encoding(registry.make("nb201/cifar10-valid"))
    names = ("none", "skip_connect", "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3", "nor_conv_3x3")
    assert enc.arch(np.array([0.05, 0.25, 0.45, 0.65, 0.85, 0.99999])) == tuple(OPS.index(n) for n in names)
    assert enc.arch(np.array([0.199, 0.2, 0.399, 0.4, 0.599, 0.6])) == (0, 1, 1, 4, 4, 2)


def test_other_tables_round_each_decision_in_its_own_order(table):
    assert Encoding(table).arch(np.array([0.3, 0.99, 0.5, 0.0])) == (1, 3, 1, 0)


def test_latin_hypercube_has_one_point_in_each_slice():
    X = latin_hypercube(10, 6, np.random.default_rng(0))
    assert all(sorted(np.floor(X[:, j] * 10).astype(int)) == list(range(10)) for j in range(6))
    assert np.array_equal(X, latin_hypercube(10, 6, np.random.default_rng(0)))


def test_the_tree_splits_whole_rounds():
    """Every splittable leaf of a round splits, then the cap: over max_nodes=4, the second round
    still splits both kids (7 nodes; a cap checked after each split stops at 5)."""
    rng = np.random.default_rng(0)
    X = rng.random((400, 2))
    nodes = build(X, -X, np.array([-2.0, -2.0]), max_nodes=4)
    assert len(nodes) == 7 and sum(not n.kids for n in nodes) == 4
    assert len(build(X, -X, np.array([-2.0, -2.0]))) == 63  # the release's cap of 50: 1, 3, 7, ..., 63


@pytest.mark.slow
def test_a_point_rounding_to_an_evaluated_cell_joins_the_samples(table):
    """The release counts it as a sample; the runner answers it from its cache (a proposal, not a
    sample) and tells it, and the point joins the GP's and the tree's samples."""
    r = run(table, FAST, seed=1, budget=25)
    assert r.status == "budget" and r.samples == 25, r.error
    assert any(r.rows["cached"])
    assert len(r.algorithm.X) == len(r.rows["arch"]) > 25


@pytest.mark.slow
def test_botorch_qnehvi_proposes_only_unevaluated_rows(table):
    r = run(table, "botorch-qnehvi:candidates=50", seed=0, budget=20)
    assert r.status == "budget" and not any(r.rows["cached"])


@pytest.mark.slow
@pytest.mark.parametrize("spec", [FAST, "botorch-qnehvi"])
def test_the_told_vectors_steer_the_first_batch(spec, table):
    """Proposal 9 (the last initial one) told the ideal point: the same 10 first proposals, another batch."""
    from benchmarks.base import Result

    def proposals(boost: bool) -> list:
        algo = algorithms.make(spec, table, np.random.default_rng(4))
        out = []
        for i in range(15):
            arch = algo.ask()
            out.append(arch)
            ideal = Result(1.0, extra={"objectives": {"valid": 1.0, "latency": 0.0}})
            algo.tell(arch, ideal if boost and i == 9 else table.query(arch))
        return out

    plain, boosted = proposals(False), proposals(True)
    assert boosted[:10] == plain[:10] and boosted[10:] != plain[10:]


@pytest.mark.slow
def test_torch_global_state_is_untouched(table):
    import torch

    state = torch.random.get_rng_state()
    run(table, "botorch-qnehvi", seed=0, budget=15)
    run(table, FAST, seed=0, budget=15)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_without_botorch_one_line_says_how_to_install(table, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "botorch" else real(name, *a))
    for name in ("botorch-qnehvi", "lamoo-release"):
        assert algorithms.unavailable(name) == BOTORCH_HINT
        with pytest.raises(SpecError, match="pip install botorch==0.18.1"):
            algorithms.make(name, table, np.random.default_rng(0))


def test_no_compiled_kernel_is_built(table, monkeypatch):
    """BoTorch's optional fused kernel is compiled on first use; a compile killed half-way leaves a
    lock that hangs every later process. The searches never ask for it."""
    import torch.utils.cpp_extension
    from botorch.acquisition.multi_objective import logei

    monkeypatch.setattr(logei, "_load_attempted", False)  # as in a fresh process
    monkeypatch.setattr(logei, "_C", None)
    compiles: list[str] = []
    monkeypatch.setattr(torch.utils.cpp_extension, "load", lambda name, **_: compiles.append(name))
    r = run(table, "botorch-qnehvi:candidates=50", seed=0, budget=11)
    assert r.status == "budget" and r.samples == 11, r.error
    assert compiles == [] and logei._C is None
