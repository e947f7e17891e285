"""Property-based checks that bad input gives one clear error and never a traceback or a file.

Set ``HYPOTHESIS_EXAMPLES`` to try more inputs (the suite uses a modest number).
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import run_all
from algorithms import base as algorithms
from benchmarks import registry
from benchmarks.base import BenchmarkError, Result
from benchmarks.spec import SpecError

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
spec_text = st.one_of(
    st.text(max_size=40),
    st.builds(lambda n, kv: n + ":" + ",".join(kv), st.sampled_from(["random", "lanas", "evolution", "mcts", "x"]),
              st.lists(st.text(alphabet="abcdehilnprtuxy_=,:0123456789.-", max_size=12), max_size=4)))


@SETTINGS
@given(spec_text)
def test_algorithm_specs(spec):
    try:
        canonical = algorithms.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert algorithms.check(canonical) == canonical


@SETTINGS
@given(st.one_of(st.text(max_size=30), st.sampled_from(list(registry.entries())).map(lambda n: n + ":noisy=2")))
def test_benchmark_specs(spec):
    try:
        registry.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc)


@SETTINGS
@given(st.lists(st.text(alphabet="0123456789-, x", max_size=10), max_size=3))
def test_seed_lists(tokens):
    try:
        seeds = run_all.parse_seeds(tokens)
    except run_all.UsageError as exc:
        assert "\n" not in str(exc)
    else:
        assert seeds and all(isinstance(s, int) and s >= 0 for s in seeds) and len(set(seeds)) == len(seeds)


QUERY_BENCHMARKS = [b for b in ("synthetic/linear", "nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora",
                                "nbgraph/proteins") if b in registry.entries()]


@pytest.mark.parametrize("name", QUERY_BENCHMARKS)
@SETTINGS
@given(arch=st.lists(st.integers(-3, 12), max_size=9).map(tuple))
def test_query_any_tuple(name, arch):
    bench = registry.make(name)
    try:
        result = bench.query(arch, np.random.default_rng(0))
    except BenchmarkError as exc:
        assert "\n" not in str(exc)
        assert not bench.is_valid(arch)
    else:
        assert isinstance(result, Result) and bench.is_valid(arch)


@settings(max_examples=max(20, EXAMPLES // 5), deadline=None)
@given(st.lists(st.sampled_from(["--benchmarks", "--algorithms", "--seeds", "--budget", "--workers", "--preset",
                                 "nope", "random:q=1", "-3", "5-1", "x/y", "0", "lanas:height=x"]), max_size=6))
def test_cli_bad_arguments_write_nothing(tmp_path_factory, argv):
    out = tmp_path_factory.mktemp("cli")
    small = ["--benchmarks", "synthetic/linear", "--algorithms", "random", "--budget", "5", "--seeds", "0",
             "--workers", "1", "--no-analysis", "--out", str(out / "exp")]
    try:
        code = run_all.main([*small, *argv])  # later flags override the small defaults
    except run_all.UsageError:
        code = 2
    if code == 2:
        assert not (out / "exp" / "runs").exists()
