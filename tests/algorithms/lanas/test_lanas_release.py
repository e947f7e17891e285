"""``lanas-release`` (the authors' released code) against ``lanas``: the release's Adam model, its
empty-node rules, and the fallback for a selected leaf without candidates."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms.lanas import LaNAS
from algorithms.lanas import regressors as _regressors
from algorithms.lanas.regressors import AdamRegressor, fit_many
from algorithms.lanas.tree import Tree
from benchmarks.base import Result
from tests.synthetic import linear_table


def torch_adam(theta0: np.ndarray, X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
    """The release's ``Classifier.train`` (nn.Linear, MSELoss, clip_grad_norm_ 5, Adam), float64."""
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(X.shape[1], 1).double()
    with torch.no_grad():
        model.weight.copy_(torch.tensor(theta0[:-1])[None, :])
        model.bias.copy_(torch.tensor(theta0[-1:]))
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-08)
    Xt, yt = torch.tensor(X), torch.tensor(y)[:, None]
    for _ in range(epochs):
        opt.zero_grad()
        torch.nn.MSELoss()(model(Xt), yt).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
        opt.step()
    return np.concatenate([model.weight.detach().numpy()[0], model.bias.detach().numpy()])


@pytest.mark.parametrize("lr, scale", [(1e-5, 1.0), (1e-3, 1.0), (1e-3, 30.0)])  # 30: clipping active
def test_adam_matches_torch_at_the_release_settings(lr, scale):
    rng = np.random.default_rng(3)
    X = np.eye(31)[rng.integers(31, size=(120, 6))].sum(axis=1)  # six one-hot decisions
    y = scale * rng.random(120)
    reg = AdamRegressor(31, rng, lr=lr, epochs=300, refit_epochs=200)
    theta0 = reg._theta.copy()
    reg.fit(X, y)
    ref = torch_adam(theta0, X, y, lr, 300)
    moved = np.abs(ref - theta0).max()
    assert moved > 100 * lr  # it did move (Adam steps are about lr each) ...
    assert np.abs(np.append(reg.coef_, reg.intercept_) - ref).max() < 1e-6 * moved  # ... as torch did
    # a refit continues the same optimiser: 200 more epochs, moments and step count kept
    reg.fit(X[:60], y[:60])
    assert reg._t == 500 and reg._fits == 2


def test_adam_models_train_together(monkeypatch):
    """fit_many trains k models in one loop of ``epochs`` steps (not k loops) with the same result."""
    rng = np.random.default_rng(4)
    data = [(np.eye(5)[rng.integers(5, size=n)], rng.random(n)) for n in (3, 40, 9)]
    alone = [AdamRegressor(5, np.random.default_rng(k), lr=1e-2, epochs=50) for k in range(3)]
    together = [AdamRegressor(5, np.random.default_rng(k), lr=1e-2, epochs=50) for k in range(3)]
    for reg, (X, y) in zip(alone, data):
        reg.fit(X, y)

    calls = []

    class CountingNumpy:
        def __getattr__(self, name):
            if name == "matmul":
                calls.append(name)
            return getattr(np, name)

    monkeypatch.setattr(_regressors, "np", CountingNumpy())
    fit_many(together, [d[0] for d in data], [d[1] for d in data])
    assert len(calls) == 50  # one product per epoch for all three models
    for a, b in zip(alone, together):
        assert np.allclose(a._theta, b._theta, rtol=0, atol=1e-12)


def test_empty_node_is_not_trained_and_its_first_real_fit_is_long():
    """The release (Classifier.split_data) returns before train() for a node without samples, so
    training_counter stays 0 and the node's first training with samples gets the long epochs."""
    rng = np.random.default_rng(0)
    regs = [AdamRegressor(2, rng, lr=1e-3, epochs=7, refit_epochs=3) for _ in range(3)]
    tree = Tree(3, regs)
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    tree.rebuild(X[:1], np.array([10.0]), unsampled_node="by_sign")  # one sample, far above any prediction
    assert len(tree.members[2]) == 0  # the root's bad child is empty: not trained, not counted
    assert (regs[0]._t, regs[1]._t, regs[2]._t) == (7, 7, 0) and regs[2]._fits == 0
    tree.rebuild(X, np.array([10.0, -10.0]), unsampled_node="by_sign")
    assert len(tree.members[2]) == 1
    assert (regs[0]._t, regs[2]._t) == (10, 7)  # node 2's first real fit: epochs, not refit_epochs
    tree.rebuild(X, np.array([10.0, -10.0]), unsampled_node="by_sign")
    assert regs[2]._t == 10


def test_empty_node_routing():
    """``unsampled_node="by_sign"`` (release): a node without samples sends a candidate to its good
    child when its current model predicts >= 0; ``"all_good"`` sends all of them there."""
    rng = np.random.default_rng(0)
    X = np.eye(4)
    for rule in ("by_sign", "all_good"):
        tree = Tree(3, [AdamRegressor(4, rng, epochs=1) for _ in range(3)])
        # every sample is good at the root: node 2 (the bad child) gets none
        tree.rebuild(X[:2], np.array([0.5, 0.5]), unsampled_node=rule)
        assert len(tree.members[2]) == 0
        bad_side = tree.route(X) >= 2
        pred = X @ tree.regressors[2].coef_ + tree.regressors[2].intercept_
        at_node2 = np.flatnonzero(bad_side)
        leaves = tree.route(X)[at_node2]
        expect = np.where(pred[at_node2] >= 0, 2, 3) if rule == "by_sign" else np.full(len(at_node2), 2)
        assert np.array_equal(leaves, expect)


def fallback_calls(empty_leaf: str, seed: int) -> list[tuple]:
    """Every empty-leaf fallback of a run on the synthetic table: (selected leaf, leaf credited,
    the row's leaf at the last rebuild, bucket sizes before the call)."""
    bench = linear_table()
    algo = LaNAS(bench, np.random.default_rng(seed), empty_leaf=empty_leaf, n_init=4, rebuild_every=40)
    calls = []
    original = algo._empty_leaf.draw_instead

    def spy(tree, pool, selected):
        sizes = pool.sizes.copy()
        leaf, row = original(tree, pool, selected)
        calls.append((selected, leaf, int(pool.leaf_of[row]), sizes))
        return leaf, row

    algo._empty_leaf.draw_instead = spy
    for _ in range(400):
        arch = algo.ask()
        algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
    return calls


def test_anywhere_draws_from_leaves_with_candidates_and_credits_the_selected_one():
    calls = [c for seed in range(3) for c in fallback_calls("anywhere", seed)]
    assert len(calls) > 20  # the fallback was exercised
    for selected, credited, routed, sizes in calls:
        assert sizes[selected] == 0 and sizes[routed] > 0  # drawn from a leaf that had candidates
        assert credited == selected  # the selected leaf pays, so the walk moves on
    assert len({routed for _, _, routed, _ in calls}) > 3  # spread over the pool, not one leaf


def test_first_leaf_is_the_release_rule():
    calls = [c for seed in range(3) for c in fallback_calls("first_leaf", seed)]
    assert len(calls) > 20
    for selected, credited, routed, sizes in calls:
        assert sizes[selected] == 0
        assert credited == routed == int(np.flatnonzero(sizes > 0)[0])


def _built(spec: str, bench, told: int = 10):
    """``spec`` on ``bench`` after ``told`` answered proposals and the first rebuild."""
    algo = algorithms.make(spec, bench, np.random.default_rng(0))
    for _ in range(told):
        arch = algo.ask()
        algo.tell(arch, bench.query(arch))
    algo.ask()  # the first proposal after the warm-up rebuilds the tree
    return algo


def test_lanas_release_trains_the_releases_adam_schedule():
    """The release's models: Adam at lr 1e-5, 20,000 epochs on a node's first training, 3,000 on
    each later one, warm-started (the same model keeps training); ``lanas`` fits exactly."""
    bench = linear_table()
    algo = _built("lanas-release", bench)
    root = algo.regressors[0]
    assert isinstance(root, AdamRegressor) and root.lr == 1e-5 and root._t == 20_000
    for _ in range(20):  # rebuild_every = 20: the next rebuild refits the same models
        arch = algo.ask()
        algo.tell(arch, bench.query(arch))
    algo.ask()
    assert algo.regressors[0] is root and root._t == 23_000
    assert type(_built("lanas", bench).regressors[0]).__name__ == "LstsqRegressor"


@pytest.mark.parametrize("spec, credited", [("lanas-release", "first"), ("lanas", "selected")])
def test_empty_leaf_fallback_on_a_built_tree(spec, credited):
    """A selected leaf without candidates: the release draws from the first leaf in breadth-first
    order that has one and credits that leaf; ``lanas`` draws any unevaluated row for the
    selected leaf."""
    algo = _built(spec, linear_table())
    pool = algo.pool
    selected = int(np.flatnonzero(pool.sizes)[0])
    first_other = int(np.flatnonzero(pool.sizes)[1])
    pool.sizes[:first_other] = 0  # the selected leaf (and every leaf before the next one) is empty
    bucket = set(pool.buckets[first_other][: pool.sizes[first_other]].tolist())
    leaf, row = algo._empty_leaf.draw_instead(algo.tree, pool, selected)
    if credited == "first":
        assert (leaf, row in bucket) == (first_other, True)
    else:
        assert leaf == selected and pool.available[row] == False  # noqa: E712 - drawn, so no longer available


def test_avoid_never_selects_a_leaf_without_candidates():
    """``empty_leaf=avoid``: the walk avoids subtrees without candidates, so every proposal comes from
    the selected leaf, which has candidates; an unmasked walk from the same state would often
    have reached an empty leaf (so the test exercises the rule)."""
    bench = linear_table()
    would_hit_empty = 0
    for seed in range(3):
        algo = LaNAS(bench, np.random.default_rng(seed), empty_leaf="avoid", n_init=4, rebuild_every=40)
        picks = []
        for _ in range(400):
            if algo.tree is not None and "select" not in vars(algo.tree):

                def select(cp, rng, open_leaves=None, _tree=algo.tree, _select=algo.tree.select, _picks=picks):
                    free = _select(cp, np.random.default_rng(0))
                    _picks.append((_select(cp, rng, open_leaves), open_leaves.copy(), free))
                    return _picks[-1][0]

                algo.tree.select = select
            arch = algo.ask()
            algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
            if picks and algo._pending == {}:
                leaf, open_leaves, free = picks[-1]
                assert open_leaves[leaf]  # the selected leaf had candidates ...
                row = algo.pool.row(arch)
                assert algo.pool.leaf_of[row] == leaf  # ... and the proposal came from it
                would_hit_empty += not open_leaves[free]
        assert algo.empty_leaf_fallbacks == 0
    assert would_hit_empty > 10
