"""LaNAS beyond the paper: in-leaf search (``inleaf=local|bo``), the LA-MCTS SVM split, and the
recommended ``lanas-plus`` configuration, on the synthetic table (tests/synthetic.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from algorithms.lanas import LaNAS
from algorithms.lanas.inleaf_source import one_decision_neighbours
from algorithms.lanas.samples import encode
from algorithms.lanas.surrogate import PairwiseThompson
from algorithms.lanas.svm_split import SvmSplit
from benchmarks.base import Result
from benchmarks.table import TableBenchmark
from harness.runner import run
from tests.synthetic import linear_table


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def record_selections(algo: LaNAS, chosen: list[int]) -> None:
    """Append every leaf the UCB walk selects to ``chosen`` (once the tree exists)."""
    if algo.tree is not None and "select" not in vars(algo.tree):

        def select(cp, rng, _select=algo.tree.select):
            chosen.append(_select(cp, rng))
            return chosen[-1]

        algo.tree.select = select


@pytest.mark.parametrize(
    "options",
    [
        dict(inleaf="local"),
        dict(inleaf="bo"),
        dict(inleaf="localbo"),
        dict(inleaf="bo", split="svm"),
        dict(inleaf="local", sampler="reject", max_tries=100),
        dict(inleaf="bo", sampler="reject", max_tries=100),
    ],
)
def test_inleaf_stays_in_the_selected_region_and_never_repeats(options):
    """A proposal lies in the region of the leaf it is credited to: the UCB-selected leaf unless
    a fallback was counted (then the first leaf, breadth-first, with a candidate)."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(3), **options)
    chosen: list[int] = []
    told: set = set()
    own = moved = 0
    steps = 120 if options.get("sampler") == "reject" else 250  # rejection sampling is slow
    for _ in range(steps):
        record_selections(algo, chosen)
        before, n_chosen = algo.inleaf_fallbacks, len(chosen)
        arch = algo.ask()
        assert arch is not None and arch not in told, "proposed an evaluated architecture"
        if len(chosen) > n_chosen:
            leaf = int(algo.tree.route(encode(bench, [arch]))[0])
            assert leaf == algo._pending[arch][0], "proposal outside the region it is credited to"
            if algo.inleaf_fallbacks == before:
                assert leaf == chosen[-1], "proposal outside the selected leaf's region"
                own += 1
            else:
                moved += 1
        told.add(arch)
        algo.tell(arch, answer(bench, arch))
    assert own > 5 and own + moved == len(chosen) > steps - 50


@pytest.mark.parametrize("spec", ["lanas:inleaf=local", "lanas:inleaf=bo,split=svm", "lanas-plus"])
def test_same_seed_same_history(synthetic, spec):
    first = run(synthetic, spec, seed=4, budget=120)
    again = run(synthetic, spec, seed=4, budget=120)
    assert first.status == "budget" and first.rows["arch"] == again.rows["arch"]
    assert run(synthetic, spec, seed=5, budget=120).rows["arch"] != first.rows["arch"]


def test_tree_follows_the_papers_rules_on_a_hand_built_tree():
    """Sec. 3 and the release on a tree of one split: the threshold is the mean of the model's
    predictions on the node's samples, evaluated samples go to the good child by their actual
    value (``route=actual``) or by prediction, and the walk takes the child of larger
    x̄ + 2·Cp·sqrt(2·ln n_parent / n_child)."""
    from algorithms.lanas.regressors import LstsqRegressor
    from algorithms.lanas.tree import Tree

    X, y = np.array([[0.0], [1.0], [2.0], [6.0]]), np.array([0.1, 0.5, 0.2, 0.9])  # mean of pred > median
    pred = np.polyval(np.polyfit(X[:, 0], y, 1), X[:, 0])
    for route, good in (("actual", [1, 3]), ("predicted", [3])):
        tree = Tree(2, [LstsqRegressor(1)])
        tree.rebuild(X, y, route)
        assert tree.threshold[0] == pytest.approx(pred.mean())
        assert list(tree.members[1]) == good and tree.n == [4, len(good), 4 - len(good)]
    for _ in range(30):  # 30 more values of 0.7 in the good leaf: n = 34 / 31 / 3
        tree.visit(0)
        tree.backup(0, 0.7)
    ucb = lambda mean, n, cp: mean + 2 * cp * np.sqrt(2 * np.log(34) / n)  # noqa: E731
    assert tree.ucb(1, 1.0) == pytest.approx(ucb((0.9 + 21) / 31, 31, 1.0))
    assert tree.ucb(2, 1.0) == pytest.approx(ucb((0.1 + 0.5 + 0.2) / 3, 3, 1.0))
    rng = np.random.default_rng(0)
    assert tree.select(0.1, rng) == 0 and tree.select(1.0, rng) == 1  # exploitation, then exploration


def test_local_proposes_a_neighbour_of_a_leafs_best():
    """Every proposal after the warm-up is one decision away from an evaluated sample (the
    search moves to another leaf when the selected one has no candidate, never to uniform here)."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(0), inleaf="local")
    for step in range(100):
        arch = algo.ask()
        if step >= algo.n_init:
            told = np.array(algo.samples.archs)
            assert np.any((told != np.asarray(arch)).sum(axis=1) == 1), "not a neighbour of a sample"
        algo.tell(arch, answer(bench, arch))


def test_thompson_model_learns_a_pairwise_function():
    rng = np.random.default_rng(0)
    choices = (3, 3, 3)
    archs = np.array(list(itertools.product(*[range(c) for c in choices])))
    y = (archs[:, 0] == archs[:, 1]) * 0.5 + 0.1 * archs[:, 2]  # an interaction and a main effect
    model = PairwiseThompson(choices)
    for i in rng.permutation(len(archs))[:20]:
        model.add(archs[i], y[i])
    model.refresh()
    mean = np.mean([model.score(model.draw(rng), archs) for _ in range(200)], axis=0)
    assert stats.spearmanr(mean, y).statistic > 0.85  # the model ranks values, in normal scores
    assert y[np.argmax(mean)] == y.max()
    assert 0 < model.sigma < 1  # leave-one-out residuals beat the normal scores' own spread


def two_cluster_table() -> TableBenchmark:
    """Value high exactly when decision 0 is in {0, 1}: two clusters a linear boundary separates."""
    rng = np.random.default_rng(1)
    choices = (4, 3, 3, 3)
    archs = np.array(list(itertools.product(*[range(c) for c in choices])), dtype=np.int64)
    good = archs[:, 0] < 2
    valid = np.where(good, 0.8, 0.2) + 0.02 * rng.standard_normal(len(archs))
    bench = TableBenchmark(choices=choices, archs=archs, valid=valid, value_range=(0.0, 1.0))
    bench.name = "synthetic/two-cluster"
    return bench


def test_svm_split_finds_the_planted_clusters():
    bench = two_cluster_table()
    algo = LaNAS(bench, np.random.default_rng(0), height=2, split="svm")
    for _ in range(60):
        arch = algo.ask()
        algo.tell(arch, answer(bench, arch))
    algo._rebuild()
    assert algo.tree.splitter.fallbacks == 0
    part = algo.partition()
    assert np.array_equal(part == 0, bench.all_archs()[:, 0] < 2), "root split is not the planted one"


def test_svm_split_falls_back_on_constant_values():
    split = SvmSplit(np.random.default_rng(0))
    X = np.eye(4)[[0, 1, 2, 3, 0, 1]]
    assert split(X, np.full(6, 0.5)) is None and split.fallbacks == 1
    out = split(X, np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0]))
    assert out is not None and list(out[1]) == [True, True, False, False, True, True]


@pytest.mark.parametrize("handover", ["first_leaf", "neighbours"])
def test_n_parents_limits_the_candidates_to_neighbours_of_the_leafs_best(handover):
    """``n_parents=1``: a proposal from the selected leaf is one decision away from the best of
    the leaf's samples that still has an unevaluated neighbour in the leaf's region; with
    ``handover=neighbours``, when no sample has one, from the best that has one anywhere."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(1), inleaf="localbo", n_parents=1, handover=handover)
    chosen: list[int] = []
    checked = {False: 0, True: 0}
    for _ in range(200):
        record_selections(algo, chosen)
        before, n_chosen = algo.inleaf_fallbacks, len(chosen)
        arch = algo.ask()
        fell_back = algo.inleaf_fallbacks > before
        if (
            len(chosen) > n_chosen
            and (not fell_back or handover == "neighbours")
            and algo._pending[arch][0] == chosen[-1]
        ):
            leaf, pool = chosen[-1], algo.pool
            order = algo._inleaf.leaf_samples(leaf)  # best first
            near = [i for i in order if sum(a != b for a, b in zip(arch, algo.samples.archs[i])) == 1]
            if near or not fell_back:  # (a fallback without any neighbour left is a uniform draw)
                assert near, "not a neighbour of any of the leaf's samples"
                for i in order[: list(order).index(near[0])]:
                    rows = pool.rows(np.array(one_decision_neighbours(bench, algo.samples.archs[i])))
                    free = rows[pool.available[rows]]
                    inside = algo.tree.route(pool.encodings()[free]) == leaf
                    assert not (inside.any() if not fell_back else len(free)), "a better sample had candidates"
                checked[fell_back] += 1
        algo.tell(arch, answer(bench, arch))
    assert checked[False] >= 1 and (handover == "first_leaf" or checked[True] > 50), checked


def test_thompson_model_keeps_the_exact_posterior_and_its_fast_draw_is_the_same_draw():
    """The pending low-rank updates give A⁻¹ = (ΦᵀΦ + αI)⁻¹ at any point, and
    ``sample_scores`` equals ``score(draw(rng))`` for the same random numbers."""
    rng = np.random.default_rng(5)
    choices = (4, 3, 5, 2)
    model = PairwiseThompson(choices, alpha=0.7)
    archs = np.array(list(itertools.product(*[range(c) for c in choices])))
    phi = np.zeros((0, model.dim))
    for n, i in enumerate(rng.permutation(len(archs))[:75]):  # 75: past two folds of 32 pending updates
        model.add(archs[i], float(rng.normal()))
        row = np.zeros(model.dim)
        row[model.active(archs[i])[0]] = 1.0
        phi = np.vstack([phi, row])
        if n in (0, 31, 32, 50, 74):
            exact = np.linalg.inv(phi.T @ phi + 0.7 * np.eye(model.dim))
            some = np.array([0, 3, 17, model.dim - 1])
            assert np.allclose(model._rows_of_Ainv(some), exact[some], atol=1e-10)
    model.refresh()
    assert np.allclose(model._Ainv, np.linalg.inv(phi.T @ phi + 0.7 * np.eye(model.dim)), atol=1e-10)
    fast = model.sample_scores(np.random.default_rng(9), archs[:40])
    slow = model.score(model.draw(np.random.default_rng(9)), archs[:40])
    assert np.allclose(fast, slow, atol=1e-10) and np.ptp(fast) > 0
