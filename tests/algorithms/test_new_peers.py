"""local-search and bananas: the behaviour their docstrings promise (the conformance suite covers
seeding, budgets and the parallel contract); the rank layer of LaNAS (algorithms/lanas/scale.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata

from algorithms import registry as algorithms
from algorithms._mlp_ensemble import MLPEnsemble
from algorithms.bananas import Bananas, is_cell_space, path_encoding, trunc_path_encoding
from algorithms.lanas.scale import ValueScale
from benchmarks import registry
from benchmarks._cell import arch_str
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


def _full_step(spec, bench, seed):
    """Tell the first architecture, then one neighbourhood: (start, the neighbours proposed, the
    current architecture after each of their tells, the current one after the next ask)."""
    algo = algorithms.make(spec, bench, np.random.default_rng(seed))
    start = algo.ask()
    algo.tell(start, bench.query(start))
    proposed, currents = [], []
    for _ in bench.neighbours(start):
        arch = algo.ask()
        proposed.append(arch)
        algo.tell(arch, bench.query(arch))
        currents.append(algo.current)
    algo.ask()
    return algo, start, proposed, currents


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_full_neighbourhood_local_search_evaluates_every_neighbour_then_moves_to_the_best(synthetic, seed):
    """local-search-release (the release's query_full_nbhd=True, num_init=1): the climb starts at
    the first architecture, evaluates all its neighbours without moving, then moves to the best."""
    algo, start, proposed, currents = _full_step("local-search-release", synthetic, seed)
    value = {a: synthetic.query(a).valid for a in proposed}
    assert set(proposed) == set(synthetic.neighbours(start))  # the whole neighbourhood, once each
    assert all(c == currents[0] and c[0] == start for c in currents)  # no move before the last
    best = max(proposed, key=lambda a: value[a])
    assert value[best] > synthetic.query(start).valid  # the landscape has a better neighbour here
    assert algo.current == (best, value[best])


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_first_improvement_local_search_moves_at_the_first_better_neighbour(synthetic, seed):
    """The default (query_full_nbhd=False) on the same landscape moves at the first neighbour better
    than the start, before the neighbourhood is used up: the two variants move differently."""
    algo, start, proposed, currents = _full_step("local-search:n_init=1", synthetic, seed)
    start_value = synthetic.query(start).valid
    first_better = next(i for i, a in enumerate(proposed) if synthetic.query(a).valid > start_value)
    assert currents[first_better][0] == proposed[first_better]
    assert all(c[0] == start for c in currents[:first_better])
    assert first_better < len(proposed) - 1  # moved with neighbours of the start still untried


def test_full_neighbourhood_local_search_restarts_at_a_local_optimum(synthetic):
    """Once the climb stands on the planted optimum, its whole neighbourhood (all worse) is
    evaluated and the next proposal starts a new climb from a random architecture."""
    algo = algorithms.make("local-search-release", synthetic, np.random.default_rng(0))
    while algo.current is None or algo.current[0] != tuple(OPTIMUM):
        arch = algo.ask()
        algo.tell(arch, synthetic.query(arch))
        assert algo.told < 400, "never reached the optimum"
    restarts = algo.restarts
    while algo._queue:  # the optimum's untried neighbours
        arch = algo.ask()
        assert arch in synthetic.neighbours(tuple(OPTIMUM)) or algo.current is None
        if algo.current is None:
            break
        algo.tell(arch, synthetic.query(arch))
    arch = algo.ask()
    assert algo.restarts == restarts + 1 and algo.current is None and arch not in synthetic.neighbours(tuple(OPTIMUM))


def test_local_search_release_on_nb201_walks_whole_neighbourhoods():
    """On the real table: the first proposal, then its 24 neighbours, then neighbours of the best."""
    bench = registry.make("nb201/cifar100")
    r = run(bench, "local-search-release", seed=0, budget=60)
    archs = [tuple(int(x) for x in a.split("-")) for a in r.rows["arch"]]
    first, nbhd = archs[0], archs[1:25]
    assert set(nbhd) == set(bench.neighbours(first)) and len(bench.neighbours(first)) == 24
    best = max(nbhd, key=lambda a: bench.query(a).valid)
    if bench.query(best).valid > bench.query(first).valid:
        assert archs[25] in bench.neighbours(best)


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


def test_bananas_encoding_follows_the_space(synthetic):
    assert is_cell_space(registry.make("nb201/cifar10-valid")) and is_cell_space(registry.make("anb201/analog"))
    assert not is_cell_space(registry.make("nbgraph/proteins"))
    assert Bananas(synthetic, np.random.default_rng(0)).features == "one-hot"
    assert Bananas(synthetic, np.random.default_rng(0), encoding="trunc_path").features == "one-hot"


RELEASE_OPS = ["avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3", "none", "skip_connect"]


def _release_trunc_path(cell: str) -> np.ndarray:
    """naszilla ``Cell201.get_op_list``, ``get_path_indices`` and ``encode_freq_paths(cutoff=30)``,
    transcribed from the cell's string."""
    ops = [t.split("~")[0] for i, t in enumerate(cell.split("|")) if i not in (0, 2, 5, 9)]
    indices = []
    for i, path in enumerate([[ops[3]], [ops[0], ops[4]], [ops[1], ops[5]], [ops[0], ops[2], ops[5]]]):
        index = 0 if i == 0 else 5 if i in (1, 2) else 5 + 25
        indices.append(index + sum(RELEASE_OPS.index(op) * 5**j for j, op in enumerate(path)))
    return np.array([1.0 if k in indices else 0.0 for k in range(30)])


def test_trunc_path_encoding_is_the_releases():
    cells = np.random.default_rng(0).integers(0, 5, (300, 6))
    expected = np.array([_release_trunc_path(arch_str(c)) for c in cells])
    assert np.array_equal(trunc_path_encoding(cells), expected)


def test_release_mutation_changes_each_decision_with_probability_a_quarter():
    """naszilla ``Cell201.mutate``: each of the 6 operations with probability 1 / (6 - 2), always to
    another operation; a child may equal its parent (dropped later as seen)."""
    bench = registry.make("nb201/cifar100")
    algo = algorithms.make("bananas-release", bench, np.random.default_rng(0))
    parent = (1, 2, 3, 4, 0, 1)
    children = np.array([algo._mutate(parent) for _ in range(6000)])
    changed = children != np.array(parent)
    assert abs(changed.mean() - 0.25) < 0.01
    assert abs((~changed.any(axis=1)).mean() - 0.75**6) < 0.015
    assert np.allclose(changed.mean(axis=0), 0.25, atol=0.025)  # every decision alike
    assert algorithms.make("bananas", bench, np.random.default_rng(0))._mutate(parent) in bench.neighbours(parent)


def test_release_candidates_are_mutations_of_the_single_best():
    """num_arches_to_mutate=1: 100 mutations of the best architecture, then of the next best (patience
    factor 5) only while fewer than 100 candidates; the default spreads them over the 10 best."""
    bench = registry.make("nb201/cifar100")
    for spec, most_from_best in (("bananas-release", True), ("bananas", False)):
        algo = algorithms.make(spec, bench, np.random.default_rng(2))
        for _ in range(20):
            a = algo.ask()
            algo.tell(a, bench.query(a))
        y = np.array(algo.values)
        best = np.array(algo.archs[int(np.argmax(y))])
        cands = np.array(algo._candidates(y))
        near_best = (np.abs(cands - best) > 0).sum(axis=1) <= 2
        assert (near_best.mean() > 0.5) == most_from_best, spec


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
    by_value = ValueScale("value", (0.0, 100.0))
    scaled = [by_value.add(v) for v in (25.0, 90.0, 50.0)]
    assert scaled == pytest.approx([0.25, 0.9, 0.5])  # (v - lo) / (hi - lo), by hand
    assert list(by_value.fitted([25.0, 90.0, 50.0], scaled)) == pytest.approx([0.25, 0.9, 0.5])  # not ranks
    with pytest.raises(ValueError, match="scale"):
        ValueScale("log", (0.0, 1.0))


def test_bananas_rounds_keep_finding_candidates_late_in_a_run():
    """The best architectures' neighbourhoods get used up; the candidates then come from further
    down the ranking (as the release's patience factor), not from random fills."""
    bench = registry.make("nb201/cifar10-valid")
    r = run(bench, "bananas:epochs=2,members=2,layers=2", seed=0, budget=400)
    assert r.status == "budget" and r.algorithm.rounds == 39
    assert r.algorithm.filled == 0


def test_full_neighbourhood_with_outstanding_proposals_waits_for_the_whole_neighbourhood(synthetic):
    """Parallel proposals: while neighbours are pending, the next proposals are random architectures
    for the next climb; the move is decided once every neighbour is told."""
    algo = algorithms.make("local-search-release", synthetic, np.random.default_rng(3))
    start = algo.ask()
    algo.tell(start, synthetic.query(start))
    nbrs = set(synthetic.neighbours(start))
    pending = [algo.ask() for _ in nbrs]
    assert set(pending) == nbrs
    extra = algo.ask()  # the neighbourhood is out; its values are not: a random one for later
    assert extra not in nbrs and extra in algo._init
    for arch in pending:
        algo.tell(arch, synthetic.query(arch))
        assert algo.current[0] == start
    best = max(pending, key=lambda a: synthetic.query(a).valid)
    assert synthetic.query(best).valid > synthetic.query(start).valid
    assert algo.ask() in synthetic.neighbours(best) and algo.current[0] == best
    algo.tell(extra, synthetic.query(extra))  # told late: kept for the next climb, no move
    assert algo.current[0] == best


def test_release_fits_the_releases_loss(monkeypatch):
    """target=loss: the networks fit -(100 - accuracy in %), the release's val_loss negated (the
    harness maximises); the default fits standardised values."""
    bench = registry.make("nb201/cifar100")
    fitted = {}

    def capture(self, X, y, rng, **kw):
        fitted["y"] = y.copy()

    monkeypatch.setattr(MLPEnsemble, "fit", capture)
    for spec, expected in (
        ("bananas-release", lambda v: -(100.0 - v)),
        ("bananas", lambda v: (v - v.mean()) / v.std()),
    ):
        algo = algorithms.make(spec, bench, np.random.default_rng(0))
        for _ in range(11):
            a = algo.ask()
            algo.tell(a, bench.query(a))
        assert fitted["y"] == pytest.approx(expected(np.array(algo.values[:10])))
