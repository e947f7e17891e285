"""local-search and bananas: the behaviour their docstrings promise (the conformance suite covers
seeding, budgets and the parallel contract); the rank layer of LaNAS (algorithms/lanas/scale.py)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from scipy.stats import rankdata

from algorithms import registry as algorithms
from algorithms.bananas import Bananas, MLPEnsemble, is_cell_space, path_encoding
from algorithms.lanas.scale import ValueScale
from benchmarks import registry
from harness.runner import run
from tests.synthetic import OPTIMUM


def _walk(algo, bench, n):
    """Tell ``n`` proposals one at a time; the current architecture after each tell."""
    currents = []
    for _ in range(n):
        arch = algo.ask()
        algo.tell(arch, bench.query(arch))
        currents.append(algo.current)
    return currents


def test_local_search_climbs_by_first_improvement_and_restarts(synthetic):
    algo = algorithms.make("local-search", synthetic, np.random.default_rng(0))
    currents = _walk(algo, synthetic, 300)
    assert currents[8] is None and currents[9] is not None  # the climb starts after n_init=10
    moves = [(a, b) for a, b in zip(currents[9:], currents[10:]) if a is not None and b is not None and a != b]
    assert moves, "never moved"
    for (arch, value), (new, new_value) in moves:
        assert new in synthetic.neighbours(arch) and new_value > value  # a strictly better neighbour
    assert algo.restarts >= 1 and None in currents[10:]  # a local optimum restarts the search
    assert tuple(OPTIMUM) in algo.seen


def test_local_search_starts_from_the_best_of_its_initial_set(synthetic):
    algo = algorithms.make("local-search", synthetic, np.random.default_rng(4))
    first = [algo.ask() for _ in range(10)]
    for a in first:
        algo.tell(a, synthetic.query(a))
    assert algo.current[0] == max(first, key=lambda a: synthetic.query(a).valid)
    assert algo.ask() in synthetic.neighbours(algo.current[0])


def test_local_search_reaches_the_nb201_cifar100_optimum():
    """White et al. report the optimum after 127 architectures on average on NAS-Bench-201 CIFAR-100;
    two seeds here must reach it within 400."""
    bench = registry.make("nb201/cifar100")
    for seed in (0, 1):
        r = run(bench, "local-search", seed=seed, budget=400)
        assert max(r.rows["valid"]) == bench.targets().optimum


def test_path_encoding_counts_input_to_output_paths():
    cells = np.array(
        [
            [0, 0, 0, 0, 0, 0],  # empty
            [1, 1, 1, 1, 1, 1],  # all skip: 0->3, two 2-edge paths (one feature), 0->1->2->3
            [3, 0, 0, 0, 2, 0],  # conv3x3 then conv1x1 through node 1 only
            [3, 0, 0, 0, 0, 0],
        ]
    )  # node 1 reaches no output: no path
    enc = path_encoding(cells)
    assert enc.shape == (4, 84)
    assert enc[0].sum() == 0 and enc[3].sum() == 0
    assert set(np.flatnonzero(enc[1])) == {0, 4, 20}
    assert set(np.flatnonzero(enc[2])) == {4 + 2 * 4 + 1}


def test_bananas_encoding_and_paper_settings(synthetic):
    assert is_cell_space(registry.make("nb201/cifar10-valid")) and is_cell_space(registry.make("anb201/analog"))
    assert not is_cell_space(registry.make("nbgraph/proteins"))
    assert Bananas(synthetic, np.random.default_rng(0)).encoding == "one-hot"
    defaults = {k: p.default for k, p in inspect.signature(Bananas).parameters.items() if p.kind == p.KEYWORD_ONLY}
    assert defaults == dict(
        n_init=10, k=10, candidates=100, parents=10, members=5, layers=10, width=20, epochs=200, batch_size=32, lr=0.01
    )


def test_bananas_rounds_propose_mutations_of_the_best(synthetic):
    algo = algorithms.make("bananas:epochs=20", synthetic, np.random.default_rng(1))
    for _ in range(10):
        a = algo.ask()
        algo.tell(a, synthetic.query(a))
    best = {algo.archs[i] for i in np.argsort(algo.values)[::-1][:10]}
    batch = [algo.ask() for _ in range(10)]
    assert algo.rounds == 1 and len(set(batch)) == 10
    assert all(any(b in synthetic.neighbours(p) for p in best) for b in batch)


def test_mlp_ensemble_learns_and_members_differ():
    rng = np.random.default_rng(0)
    X = (rng.random((200, 30)) < 0.3).astype(float)
    y = X @ rng.standard_normal(30)
    y = (y - y.mean()) / y.std()
    net = MLPEnsemble(30, rng, members=3, layers=3, width=20)
    before = np.abs(net.predict(X) - y).mean()
    net.fit(X, y, rng, epochs=100, batch=32, lr=0.01)
    pred = net.predict(X)
    assert np.abs(pred - y).mean() < 0.3 * before
    assert pred.std(axis=0).mean() > 0  # independent members: a spread for Thompson sampling


def test_rank_scale_is_the_mid_rank_quantile():
    scale, values, ys = ValueScale("rank", (0.0, 1.0)), [], []
    for v in [0.5, 0.2, 0.9, 0.2, 0.7]:
        values.append(v)
        ys.append(scale.add(v))
        assert ys[-1] == pytest.approx(((rankdata(values) - 0.5) / len(values))[-1])
    assert list(scale.fitted(values, ys)) == pytest.approx(list((rankdata(values) - 0.5) / 5))
    assert list(ValueScale("value", (0.0, 1.0)).fitted(values, ys)) == ys
    assert ValueScale("value", (0.0, 100.0)).add(25.0) == 0.25
    with pytest.raises(ValueError, match="scale"):
        ValueScale("log", (0.0, 1.0))


def test_bananas_rounds_keep_finding_candidates_late_in_a_run():
    """The best architectures' neighbourhoods get used up; the candidates then come from further
    down the ranking (as the release's patience factor), not from random fills."""
    bench = registry.make("nb201/cifar10-valid")
    r = run(bench, "bananas:epochs=2,members=2,layers=2", seed=0, budget=400)
    assert r.status == "budget" and r.algorithm.rounds == 39
    assert r.algorithm.filled == 0
