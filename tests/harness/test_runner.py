from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from algorithms import registry as algorithms
from benchmarks.base import Result
from benchmarks.specs import SpecError, format_spec, parse_spec
from harness.runner import run

ROOT = Path(__file__).resolve().parents[2]


class Repeater:
    """Proposes the same architecture forever: the runner must stop it."""

    def __init__(self, benchmark, rng):
        self.arch = benchmark.sample(rng)

    def ask(self):
        return self.arch

    def tell(self, arch, result):
        pass


class Crasher:
    def __init__(self, benchmark, rng, *, after: int = 3):
        self.benchmark, self.rng, self.after, self.n = benchmark, rng, after, 0

    def ask(self):
        self.n += 1
        if self.n > self.after:
            raise RuntimeError("boom")
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        pass


@pytest.fixture(autouse=True)
def scoped_test_algorithms():
    with algorithms.scope():
        algorithms.register("test-repeater")(Repeater)
        algorithms.register("test-crasher")(Crasher)
        yield


def test_repeats_cost_no_sample_and_stuck_status(synthetic):
    out = run(synthetic, "test-repeater", seed=0, budget=10, max_repeats=50)
    assert out.status == "stuck"
    assert out.samples == 1
    assert len(out.rows["step"]) == 51
    assert out.rows["cached"][0] is False and all(out.rows["cached"][1:])
    assert set(out.rows["cost_s"][1:]) == {0.0}


def test_failure_is_recorded_with_rows_kept(synthetic):
    out = run(synthetic, "test-crasher:after=3", seed=0, budget=10)
    assert out.status == "failed"
    assert "RuntimeError: boom" in out.error
    assert len(out.rows["step"]) == 3


@pytest.mark.slow
def test_random_finds_optimum_at_expected_rank(synthetic):
    n = len(synthetic)
    opt = synthetic.targets().optimum
    hits = []
    for seed in range(200):
        out = run(synthetic, "random", seed=seed, budget=n)
        assert out.status == "budget"
        hits.append(out.rows["step"][out.rows["valid"].index(opt)])
    # uniform without replacement: mean (N+1)/2, sd N/sqrt(12); 200 seeds -> se ~ 16 for N=768
    assert abs(np.mean(hits) - (n + 1) / 2) < 4 * n / np.sqrt(12 * 200)


def test_best_valid_is_running_max(synthetic):
    out = run(synthetic, "random", seed=3, budget=100)
    assert out.rows["best_valid"] == list(np.maximum.accumulate(out.rows["valid"]))
    assert out.rows["step"] == list(range(1, 101))


def test_exhausts_enumerable_space(synthetic):
    out = run(synthetic, "random", seed=0, budget=10**6)
    assert out.status == "exhausted" and out.samples == len(synthetic)


def test_noisy_queries_reproducible():
    from benchmarks import registry

    bench = registry.make("synthetic/linear:noisy=true")
    a = run(bench, "random", seed=5, budget=50).rows["valid"]
    b = run(bench, "random", seed=5, budget=50).rows["valid"]
    det = run(registry.make("synthetic/linear"), "random", seed=5, budget=50).rows["valid"]
    assert a == b and a != det


@pytest.mark.parametrize(
    "spec, message",
    [
        ("nope", "unknown algorithm 'nope'"),
        ("random:x=1", "has no option 'x'"),
        ("random:", "has a ':' but no"),
        ("random:a", "expected key=value"),
        ("random:a=1,a=2", "given twice"),
        ("", "empty spec"),
        ("bad name!", "bad name"),
    ],
)
def test_bad_specs(spec, message):
    with pytest.raises(SpecError, match=message):
        algorithms.check(spec)


def test_spec_parsing():
    assert parse_spec("lanas:height=8,cp=0.5,regressor=ridge,batch=true") == (
        "lanas",
        {"height": 8, "cp": 0.5, "regressor": "ridge", "batch": True},
    )
    assert format_spec(*parse_spec("x:b=1,a=2")) == "x:a=2,b=1"


def test_result_is_frozen():
    r = Result(1.0)
    with pytest.raises(AttributeError):
        r.valid = 2.0  # type: ignore[misc]


def test_parallel_batches_keep_budget_and_count_repeats(synthetic):
    out = run(synthetic, "evolution:population=8,sample=3", seed=4, budget=37, parallel=5)
    assert out.status == "budget" and out.samples == 37
    new = [a for a, c in zip(out.rows["arch"], out.rows["cached"]) if not c]
    assert len(new) == len(set(new)) == 37
    steps = out.rows["step"]
    assert steps == sorted(steps) and steps[-1] == 37
    again = run(synthetic, "evolution:population=8,sample=3", seed=4, budget=37, parallel=5)
    assert again.rows["arch"] == out.rows["arch"]


def test_pool_workers_use_one_blas_thread():
    """Pool workers cap numpy's BLAS (already loaded, inherited) and later libraries at one
    thread: the pool has a process per core already."""
    import subprocess
    import sys

    code = (
        "import numpy, threadpoolctl, os; from harness.processes import _worker_init; _worker_init(); "
        "info = threadpoolctl.threadpool_info(); "
        "print(len(info), max(i['num_threads'] for i in info), os.environ['OMP_NUM_THREADS'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    pools, threads, omp = out.stdout.split()
    assert int(pools) >= 1 and threads == "1" and omp == "1"
