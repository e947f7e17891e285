"""The baselines: regularized evolution, Optuna TPE / GP, plain MCTS."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from algorithms import registry as algorithms
from algorithms.evolution import RegularizedEvolution
from benchmarks import registry
from benchmarks.base import Benchmark, Result
from harness.runner import run
from tests.synthetic import OPTIMUM

OPT = "-".join(map(str, OPTIMUM))
RANDOM_MEAN = (768 + 1) / 2  # random search without replacement on the 768-arch table


def samples_to_optimum(bench, spec: str, seed: int, budget: int) -> int:
    r = run(bench, spec, seed, budget)
    assert r.status in ("budget", "exhausted"), r.error
    hits = [s for s, a in zip(r.rows["step"], r.rows["arch"]) if a == OPT]
    return hits[0] if hits else budget + 1  # censored at the budget: counts against the algorithm


@pytest.mark.parametrize(
    "spec,seeds,budget,limit",
    [
        ("evolution", 6, 300, RANDOM_MEAN / 2),
        ("mcts:cp=0.1", 6, 300, RANDOM_MEAN / 2),
        ("optuna-tpe", 3, 100, RANDOM_MEAN / 3),
    ],
)
def test_beats_random_on_the_planted_optimum(synthetic, spec, seeds, budget, limit):
    mean = np.mean([samples_to_optimum(synthetic, spec, s, budget) for s in range(seeds)])
    assert mean < limit, f"{spec}: {mean:.0f} samples on average"


@pytest.mark.slow
def test_optuna_gp_beats_random(synthetic):
    if algorithms.unavailable("optuna-gp"):
        pytest.skip(algorithms.unavailable("optuna-gp"))
    # GP trials cost ~1 s each here and GP repeats itself once converged: 25 proposals, and
    # a top-1% architecture among them (random search: 1 - 0.99**25 = 22% of the time)
    algo = algorithms.make("optuna-gp", synthetic, np.random.default_rng(0))
    best = -np.inf
    for _ in range(25):
        arch = algo.ask()
        result = synthetic.query(arch)
        algo.tell(arch, result)
        best = max(best, result.valid)
    assert best >= synthetic.targets().top1


def test_evolution_ages_out_the_oldest(synthetic):
    algo = algorithms.make("evolution:population=5,sample=2", synthetic, np.random.default_rng(0))
    told = []
    for _ in range(40):
        arch = algo.ask()
        algo.tell(arch, synthetic.query(arch))
        told.append(arch)
        assert len(algo.members) <= 5
        assert [a for a, _ in algo.members] == told[-5:]  # the newest five, oldest first


def test_evolution_with_parallel_proposals(synthetic):
    """K = 4 outstanding: the first `population` proposals are the random ones (random
    search's, same rng), later ones are one mutation of a member told before the ask, and
    members age in the order their values arrive."""
    algo = algorithms.make("evolution:population=10,sample=3", synthetic, np.random.default_rng(2))
    rand = algorithms.make("random", synthetic, np.random.default_rng(2))
    order_rng, proposed, told = np.random.default_rng(0), [], []
    while len(told) < 60:
        members = [a for a, _ in algo.members]
        batch = [algo.ask() for _ in range(4)]
        for arch in batch:
            if len(proposed) < 10:
                assert arch == rand.ask()
            else:
                assert min(sum(x != y for x, y in zip(arch, m)) for m in members) == 1
            proposed.append(arch)
        for i in order_rng.permutation(4):
            algo.tell(batch[i], synthetic.query(batch[i]))
            told.append(batch[i])
            assert [a for a, _ in algo.members] == told[-10:]
    assert len(set(proposed)) == 60 and algo.told == 60
    with pytest.raises(ValueError, match="no pending"):
        algo.tell(told[0], synthetic.query(told[0]))


def test_evolution_children_are_one_mutation_of_a_member(synthetic):
    algo = algorithms.make("evolution:population=10,sample=3", synthetic, np.random.default_rng(1))
    for i in range(60):
        members = [a for a, _ in algo.members]
        arch = algo.ask()
        if i >= 10:  # after the random initial population, a child differs in one decision
            assert min(sum(x != y for x, y in zip(arch, m)) for m in members) == 1
        algo.tell(arch, synthetic.query(arch))


def test_evolution_exhausts_without_sticking(synthetic):
    r = run(synthetic, "evolution", 3, 10_000)
    assert r.status == "exhausted" and r.samples == len(synthetic)
    assert not any(r.rows["cached"])


def test_mcts_exhausts_the_space_exactly(synthetic):
    r = run(synthetic, "mcts", 4, 10_000)
    assert r.status == "exhausted" and r.samples == len(synthetic)
    assert not any(r.rows["cached"]), "proposed an architecture twice"
    algo = r.algorithm
    assert algo.ask() is None and algo.root.done
    assert algo.root.n == len(synthetic) and not algo._pending  # one visit per sample


def test_mcts_backs_up_along_the_path(synthetic):
    algo = algorithms.make("mcts", synthetic, np.random.default_rng(0))
    values = []
    for _ in range(50):
        arch = algo.ask()
        res = synthetic.query(arch)
        algo.tell(arch, res)
        values.append(res.valid)
    assert algo.root.n == 50 and algo.root.total == pytest.approx(sum(values))
    for child in algo.root.children.values():  # a child's visits = proposals under its prefix
        assert child.n == sum(c.n for c in child.children.values()) + 1


@pytest.mark.parametrize("spec", ["optuna-tpe", "optuna-gp"])
def test_optuna_is_told_repeats(synthetic, spec):
    if algorithms.unavailable(spec):
        pytest.skip(algorithms.unavailable(spec))
    r = run(synthetic, spec, 0, 40 if spec == "optuna-tpe" else 15)
    study = r.algorithm.study
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert len(done) == len(r.rows["arch"])  # one told trial per proposal, repeats included
    if spec == "optuna-tpe":
        assert any(r.rows["cached"])  # TPE on 768 archs repeats itself within 40 samples


class _Canonicalising:
    """A wrapper of the synthetic table whose last decision has a duplicate value: encodings
    with value 3 are valid only as their canonical form (value 0), like isomorphic cells."""

    def __init__(self, inner):
        self.inner = inner
        self.choices = inner.choices[:-1] + (inner.choices[-1] + 1,)
        self.value_range = inner.value_range

    def canonical(self, arch):
        return tuple(arch[:-1]) + ((0,) if arch[-1] == 3 else (arch[-1],))

    def is_valid(self, arch):
        return arch[-1] != 3 and self.inner.is_valid(arch)

    def all_archs(self):
        return self.inner.all_archs()

    #: built on this wrapper's is_valid and canonical (forwarding would use the inner table's)
    valid_canonical = Benchmark.valid_canonical

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.mark.parametrize("spec", ["optuna-tpe", "mcts"])
def test_non_canonical_encodings_are_mapped(synthetic, spec):
    bench = _Canonicalising(synthetic)
    algo = algorithms.make(spec, bench, np.random.default_rng(0))
    seen = set()
    for _ in range(300):
        arch = algo.ask()
        assert arch is not None and bench.is_valid(arch)
        if spec == "mcts":
            assert arch not in seen
        seen.add(arch)
        algo.tell(arch, synthetic.query(arch))


def test_optuna_invalid_suggestions_fail_then_fall_back(synthetic):
    class _Sparse(_Canonicalising):  # only 1 encoding in 5 is valid, and nothing canonicalises
        def canonical(self, arch):
            return tuple(arch)

        def is_valid(self, arch):
            return arch[-1] == 0 and self.inner.is_valid(arch)

        def sample(self, rng):
            return tuple(int(rng.integers(c)) for c in self.choices[:-1]) + (0,)

    bench = _Sparse(synthetic)
    algo = algorithms.make("optuna-tpe", bench, np.random.default_rng(0))
    for _ in range(20):
        arch = algo.ask()
        assert bench.is_valid(arch)
        algo.tell(arch, Result(valid=0.5))
    assert algo.failed > 0  # invalid suggestions were told as FAILED, never proposed


@pytest.mark.parametrize("spec", ["evolution", "mcts", "optuna-tpe"])
def test_same_seed_same_history(synthetic, spec):
    a, b, c = (run(synthetic, spec, s, 80) for s in (7, 7, 8))
    assert a.rows["arch"] == b.rows["arch"] != c.rows["arch"]


@pytest.mark.parametrize("spec", ["evolution:population=0", "evolution:sample=0", "mcts:cp=-1"])
def test_bad_options_are_spec_errors(synthetic, spec):
    with pytest.raises(ValueError):
        algorithms.make(spec, synthetic, np.random.default_rng(0))


# ----- clearly better than random on a real table, at fixed seeds (cannot flake) --------------
#: an algorithm passes when at least HITS of SEEDS reach the table's top-0.1% within LIMIT
#: distinct samples; random search passes with probability < 1e-4 (computed below)
SEEDS, LIMIT, HITS = range(10), 200, 8
REAL_TABLES = ("nb201/cifar10-valid", "anb201/baseline")


class _DeafEvolution(RegularizedEvolution):
    """A broken evolution whose tell ignores the values: the real-table test must fail it."""

    def tell(self, arch, result):
        super().tell(arch, Result(valid=0.0))


def _table(name):
    entry = registry.entries().get(name)
    if entry is None or entry.unavailable():
        pytest.skip(f"{name} is not available here")
    return registry.make(name)


def _reached(bench, algo, target: float) -> int | None:
    """Distinct samples until a value >= target (None: not within LIMIT); repeats are free."""
    cache = {}
    while len(cache) < LIMIT:
        arch = tuple(map(int, algo.ask()))
        result = cache[arch] = cache.get(arch) or bench.query(arch)
        algo.tell(arch, result)
        if result.valid >= target:
            return len(cache)
    return None


def _seeds_reaching(bench, make) -> list[int | None]:
    target = bench.targets().top0_1
    return [_reached(bench, make(bench, np.random.default_rng(s)), target) for s in SEEDS]


def _random_passes(bench) -> float:
    """The chance that random search (without replacement) passes the test."""
    n, k = len(bench), int(np.sum(np.asarray(bench.valid) >= bench.targets().top0_1))
    miss = np.prod([(n - k - i) / (n - i) for i in range(LIMIT)])
    return float(binom.sf(HITS - 1, len(SEEDS), 1.0 - miss))


@pytest.mark.parametrize("name", REAL_TABLES)
@pytest.mark.parametrize("spec", ["evolution", "optuna-tpe"])
def test_clearly_beats_random_on_a_real_table(name, spec):
    bench = _table(name)
    assert _random_passes(bench) < 1e-4
    hits = _seeds_reaching(bench, lambda b, rng: algorithms.make(spec, b, rng))
    assert sum(h is not None for h in hits) >= HITS, f"{spec} reached the top-0.1% in {hits}"


@pytest.mark.parametrize("name", REAL_TABLES)
def test_the_real_table_test_fails_random_and_a_deaf_evolution(name):
    bench = _table(name)
    for make in (lambda b, rng: algorithms.make("random", b, rng), _DeafEvolution):
        assert sum(h is not None for h in _seeds_reaching(bench, make)) < HITS
