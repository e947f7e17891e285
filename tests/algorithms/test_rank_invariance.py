"""Algorithms declared rank-invariant (``rank_invariant`` true on the built algorithm) give the same
history under strictly increasing transforms of a table's values; the others are listed in
docs/rank-invariance.md as depending on the scale."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from algorithms import registry as algorithms
from benchmarks import registry
from harness.runner import run
from tests.transformed import TRANSFORMS, transformed

ROOT = Path(__file__).resolve().parents[2]
SPECS = [
    a
    for a in algorithms.names()
    if not algorithms.unavailable(algorithms.resolve(a)[0])
    and getattr(algorithms.algorithm_class(a), "single_objective", True)  # one objective's scale
]
#: configurations declared rank-invariant by an option rather than by their registered name
RANK_OPTIONS = [
    "lanas:scale=rank",
    "lanas-plus:restart=0",
    "lanas-plus:restart=10",
    "lanas-plus:gp_until=40",
    "lanas-plus:inleaf=climb",
    "lanas-plus:inleaf=climbbo",
    "lanas-plus:inleaf=bandit",
    "lanas-plus:gp_until=40,inleaf=bandit",
    "lanas-plus:gp_until=40,gp_scope=space",
    "lanas-plus:gp_until=20,restart=5,restart_pick=gp",
    "lanas-plus:near_scope=space",
]
CHEAPER = {"lanas-release": "lanas-release:adam_epochs=200,adam_refit_epochs=30"}


def declared(spec: str, bench) -> bool:
    algo = algorithms.make(CHEAPER.get(spec, spec), bench, np.random.default_rng(0))
    return bool(getattr(algo, "rank_invariant", False))


def histories(spec: str, bench, seed: int, budget: int, transforms=tuple(TRANSFORMS)) -> dict[str, list[str]]:
    out = {"identity": run(bench, spec, seed=seed, budget=budget).rows["arch"]}
    for name in transforms:
        out[name] = run(transformed(bench, name), spec, seed=seed, budget=budget).rows["arch"]
    return out


@pytest.mark.parametrize("spec", SPECS + RANK_OPTIONS)
def test_declared_rank_invariant_histories_are_identical(spec, synthetic):
    if not declared(spec, synthetic):
        pytest.skip(f"{spec} is not declared rank-invariant")
    for seed in (0, 1):
        runs = histories(spec, synthetic, seed, 80)
        for name, archs in runs.items():
            assert archs == runs["identity"], f"{spec}: history changed under the {name} transform (seed {seed})"


@pytest.mark.parametrize("spec", ["lanas-plus", "local-search", "evolution", "optuna-tpe"])
def test_rank_invariant_on_a_real_table(spec):
    """nbgraph/proteins (2,021 architectures, values in [0, 1]) searched through the two transforms
    that keep its distinct values distinct in floating point."""
    bench = registry.make("nbgraph/proteins")
    runs = histories(spec, bench, 3, 120, ("exp", "neglog-error"))
    assert all(archs == runs["identity"] for archs in runs.values())


@pytest.mark.parametrize(
    "spec", ["lanas", "lanas-plus:scale=value", "mcts", pytest.param("bananas", marks=pytest.mark.slow)]
)
def test_scale_dependent_algorithms_change(spec, synthetic):
    """The property has teeth: an algorithm that fits values changes its history under a transform
    (``lanas-plus:scale=value`` is ``lanas-plus`` fitted on the values)."""
    assert not declared(spec, synthetic)
    runs = histories(spec, synthetic, 0, 80)
    assert any(archs != runs["identity"] for archs in runs.values())


def test_lanas_default_is_the_paper_and_rank_is_an_option(synthetic):
    assert algorithms.resolve("lanas")[1].get("scale", "value") == "value"
    assert not declared("lanas", synthetic) and declared("lanas:scale=rank", synthetic)
    assert declared("lanas-plus", synthetic) and not declared("lanas-plus:scale=value", synthetic)


def test_a_transform_that_merges_values_is_refused():
    with pytest.raises(ValueError, match="merged"):
        transformed(registry.make("nbgraph/proteins"), "cube")


def test_docs_list_the_declared_algorithms(synthetic):
    page = (ROOT / "docs" / "rank-invariance.md").read_text()
    listed = set(re.findall(r"^\| `([a-z0-9:=,_-]+)` \| yes", page, flags=re.M))
    assert {s for s in listed if ":" not in s} == {s for s in SPECS if declared(s, synthetic)}
    assert all(declared(s, synthetic) for s in listed)  # configurations listed too (lanas:scale=rank)
