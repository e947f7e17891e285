"""LaNAS on the synthetic table with a planted linear structure (tests/synthetic.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from algorithms import registry as algorithms
from algorithms.lanas import LaNAS
from benchmarks.base import Result
from benchmarks.specs import SpecError
from harness.runner import run
from tests.synthetic import OPTIMUM, linear_table


def drive(algo, bench, budget: int) -> list[tuple[int, ...]]:
    """The runner's loop without its bookkeeping: ask, look up, tell."""
    history = []
    for _ in range(budget):
        arch = algo.ask()
        if arch is None:
            break
        history.append(arch)
        algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
    return history


def test_partition_good_leaf_holds_the_best(synthetic):
    result = run(synthetic, "lanas", seed=0, budget=150)
    algo = result.algorithm
    part = algo.partition()
    assert part.shape == (len(synthetic.all_archs()),)
    assert part.min() >= 0 and part.max() < 16
    assert part[synthetic.index([OPTIMUM])[0]] == 0, "the optimum is not in the all-good leaf"
    means = np.array([synthetic.valid[part == k].mean() for k in range(16) if np.any(part == k)])
    assert means[0] == means.max()
    # the linear structure is learned: leaf means fall along the breadth-first numbering
    assert stats.spearmanr(np.arange(len(means)), means).statistic < -0.8
    top = np.argsort(-synthetic.valid)[:20]
    assert np.all(part[top] < 8), "a top-20 architecture sits behind the root's bad child"


def test_leaves_expose_regions_and_samples(synthetic):
    algo = run(synthetic, "lanas", seed=3, budget=100).algorithm
    leaves = algo.leaves
    assert [leaf.index for leaf in leaves] == list(range(16))
    assert sum(len(leaf.archs) for leaf in leaves) == 90  # built at 90 samples, 10 since
    assert len(algo.regressors) == 15
    for leaf in leaves:
        assert len(leaf.constraints) == 4
        assert [c.good for c in leaf.constraints] == [bool(b == "0") for b in f"{leaf.index:04b}"]
        if leaf.archs:  # samples were routed by their actual values against the thresholds
            assert leaf.mean is not None and np.isfinite(leaf.mean)
        # unevaluated architectures inside the region satisfy every constraint
        enc = synthetic.encode(synthetic.all_archs()[algo.partition() == leaf.index])
        for c in leaf.constraints:
            pred = enc @ c.coef + c.intercept
            assert np.all((pred >= c.threshold) == c.good)


@pytest.mark.parametrize(
    "spec", ["lanas", "lanas:batch=8", "lanas:sampler=reject,max_tries=200", "lanas:route=predicted,height=3"]
)
def test_no_architecture_twice_and_exhausts_the_table(spec):
    bench = linear_table()
    budget = len(bench) if "reject" not in spec else 200
    result = run(bench, spec, seed=5, budget=budget)
    assert result.status == "budget", result.error
    assert not any(result.rows["cached"])
    assert len(set(result.rows["arch"])) == budget
    if "reject" not in spec:
        assert result.algorithm.ask() is None  # nothing left


def test_height_one_is_random_search():
    """Every proposal of random search without replacement is marginally uniform over the table,
    so the value ranks of proposals 11..60 over 40 seeds are uniform on 0..N-1: a
    Kolmogorov-Smirnov test, which rejects LaNAS with its default height."""
    bench = linear_table()
    rank = np.empty(len(bench), dtype=int)
    rank[np.argsort(bench.valid, kind="stable")] = np.arange(len(bench))

    def ranks(height: int) -> np.ndarray:
        out = []
        for seed in range(40):
            history = drive(LaNAS(bench, np.random.default_rng(seed), height=height), bench, 60)
            out.extend(rank[bench.index(history[10:])])
        return np.array(out)

    uniform = stats.randint(0, len(bench)).cdf
    assert stats.kstest(ranks(1), uniform).pvalue > 0.001
    assert stats.kstest(ranks(5), uniform).pvalue < 1e-6  # the test has power


def test_cp_zero_follows_the_higher_mean():
    bench = linear_table()
    algo = LaNAS(bench, np.random.default_rng(7), cp=0.0)
    greedy_left = 0
    for _ in range(120):
        if algo.tree is not None:
            tree = algo.tree
            leaf = tree.select(0.0, np.random.default_rng(0))
            path = tree.path(leaf)
            for child in path[1:]:
                sibling = child + 1 if child % 2 else child - 1
                assert tree.mean(child) >= tree.mean(sibling)
                greedy_left += tree.mean(child) > tree.mean(sibling)
        arch = algo.ask()
        algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
    assert greedy_left > 0


def selections(cp: float, seeds: range, budget: int = 200) -> np.ndarray:
    """The leaves chosen by UCB (before any empty-leaf fallback) during runs on the synthetic table."""
    bench, chosen = linear_table(), []
    for seed in seeds:
        algo = LaNAS(bench, np.random.default_rng(seed), cp=cp)
        for _ in range(budget):
            if algo.tree is not None and "select" not in vars(algo.tree):

                def select(cp, rng, open_leaves=None, _select=algo.tree.select):
                    chosen.append(_select(cp, rng, open_leaves))
                    return chosen[-1]

                algo.tree.select = select
            arch = algo.ask()
            algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
    return np.array(chosen)


def test_cp_trades_exploitation_for_exploration():
    """The share of selections behind the root's bad child grows with Cp; none with Cp = 0 (the
    good child's samples all beat the bad child's, so its x̄ is higher)."""
    shares = [np.mean(selections(cp, range(3)) >= 8) for cp in (0.0, 1.0, 3.0, 10.0)]
    assert shares[0] == 0.0 < shares[1] < shares[2] < shares[3]


def test_batch_proposals_are_distinct_and_fresh():
    bench = linear_table()
    algo = LaNAS(bench, np.random.default_rng(1), batch=16)
    seen: set = set()
    for _ in range(12):
        batch = algo.ask_batch(16)
        assert len(batch) == 16 == len(set(batch))
        assert not seen & set(batch)
        seen |= set(batch)
        for arch in batch:
            algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
    assert algo.tree is not None and algo.tree.n[0] == len(seen)
    assert algo.ask() not in seen  # ask() still works


def test_same_seed_same_history_other_seed_other():
    bench = linear_table()
    for spec in ("lanas", "lanas:batch=4,regressor=ridge", "lanas:sampler=reject,max_tries=100"):
        a, b, c = (run(bench, spec, seed, 80).rows["arch"] for seed in (4, 4, 5))
        assert a == b and a != c


def test_percent_table_gives_the_same_run():
    """Cp is for values in [0, 1]: a table in percent (value_range (0, 100)) searches the same."""
    unit, percent = linear_table(), linear_table()
    percent.valid = percent.valid * 100
    percent.value_range = (0.0, 100.0)
    assert run(unit, "lanas", 2, 150).rows["arch"] == run(percent, "lanas", 2, 150).rows["arch"]


def test_spec_options_and_errors(synthetic):
    algo = algorithms.make(
        "lanas:height=3,cp=0.5,n_init=4,rebuild_every=7,regressor=ridge", synthetic, np.random.default_rng(0)
    )
    tree = algo.tree_options
    assert (tree.height, tree.cp, algo.n_init, tree.rebuild_every, algo.regressor_options.kind) == (
        3,
        0.5,
        4,
        7,
        "ridge",
    )
    for bad in (
        "lanas:height=0",
        "lanas:regressor=svm",
        "lanas:route=sideways",
        "lanas:cp=-1",
        "lanas:batch=0",
        "lanas:rebuild_every=1.5",
    ):
        with pytest.raises(SpecError):
            algorithms.make(bad, synthetic, np.random.default_rng(0))
