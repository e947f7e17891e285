"""The in-leaf pickers (:mod:`algorithms.lanas.inleaf_pickers`): which candidate each chooses, and
what each is told."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from algorithms.lanas import LaNAS
from algorithms.lanas.inleaf_pickers import BO, GPFirst, Local, LocalBO, Picker, Uniform
from algorithms.lanas.inleaf_source import Found
from benchmarks.base import Result
from tests.synthetic import linear_table


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def lanas_after(steps: int, **options) -> LaNAS:
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(7), **options)
    for _ in range(steps):
        arch = algo.ask()
        algo.tell(arch, answer(bench, arch))
    return algo


def busiest_leaf(algo: LaNAS) -> int:
    return max(range(algo.tree.n_leaves), key=lambda leaf: len(algo._inleaf.leaf_samples(leaf)))


def near_in_some_leaf(algo: LaNAS, k: int):
    """(leaf, the in-region neighbours of its first ``k`` parents that have any) for a leaf with some."""
    search = algo._inleaf
    for leaf in range(algo.tree.n_leaves):
        cands = search.source.near(leaf, search.leaf_samples(leaf), search.scan, k, True)
        if cands is not None and len(cands) > 1:
            return leaf, cands
    raise AssertionError("no leaf has candidates")


def test_local_picks_uniformly_among_the_best_parents_neighbours():
    algo = lanas_after(60, inleaf="local")
    search = algo._inleaf
    leaf, cands = near_in_some_leaf(algo, 1)
    want = cands.archs[copy.deepcopy(algo.rng).integers(len(cands))]
    arch, row = Local()(search, leaf, True)
    assert arch == tuple(int(v) for v in want) and not algo.pool.available[row]


@pytest.mark.parametrize("picker", [LocalBO, BO])
def test_the_modelled_pickers_take_the_thompson_draws_best(picker):
    """``localbo`` among the neighbours of the best ``n_parents`` that have any, ``bo`` among the
    whole region: the candidate of largest score under one draw of the model."""
    algo = lanas_after(60, inleaf="localbo" if picker is LocalBO else "bo", n_parents=3)
    search = algo._inleaf
    if picker is LocalBO:
        leaf, cands = near_in_some_leaf(algo, 3)
    else:
        leaf = busiest_leaf(algo)
        cands = search.source.region(leaf)
    assert cands is not None and len(cands) > 1
    scores = search.picker.model.sample_scores(copy.deepcopy(algo.rng), cands.archs)
    arch, _ = search.picker(search, leaf, True)
    assert arch == tuple(int(v) for v in cands.archs[int(np.argmax(scores))])


def test_bo_searches_the_region_even_for_the_neighbours_handover():
    assert not BO(None).moves_locally and LocalBO(None).moves_locally and Local().moves_locally  # type: ignore[arg-type]


def test_uniform_draws_in_the_region_and_nothing_outside():
    algo = lanas_after(40, inleaf="local")
    search, leaf = algo._inleaf, busiest_leaf(algo)
    arch, row = Uniform()(search, leaf, True)
    assert algo.pool.leaf_of[row] == leaf and not algo.pool.available[row]
    assert Uniform()(search, leaf, False) is None


class Counting(Picker):
    """Finds nothing; counts its calls and what it is told."""

    def __init__(self) -> None:
        self.calls, self.told, self.refreshed, self.restarted, self.settled = 0, 0, 0, 0, 0

    def __call__(self, search, leaf: int, in_region: bool) -> Found | None:
        self.calls += 1
        return None

    def tell(self, arch, y: float) -> None:
        self.told += 1

    def refresh(self) -> None:
        self.refreshed += 1

    def restart(self) -> None:
        self.restarted += 1

    def settle(self, arch) -> None:
        self.settled += 1


def test_gp_first_picks_while_few_samples_are_told_then_hands_over():
    algo = lanas_after(30, inleaf="local")
    search, leaf = algo._inleaf, busiest_leaf(algo)
    then = Counting()
    gp = GPFirst(31, then, algo.samples.view())
    assert gp(search, leaf, True) is not None and then.calls == 0  # 30 told < 31: the GP's pick
    assert gp(search, leaf, False) is None and then.calls == 1  # outside the region: never the GP
    assert GPFirst(30, then, algo.samples.view())(search, leaf, True) is None and then.calls == 2
    gp.tell((0,), 0.0), gp.refresh(), gp.restart(), gp.settle(None)
    assert (then.told, then.refreshed, then.restarted, then.settled) == (1, 1, 1, 1)


@pytest.mark.parametrize("kind", ["bandit", "climbbo", "localbo"])
def test_the_model_is_told_each_value_once(kind):
    """The bandit's arms share one model, told once per value (as ``localbo``'s and ``climbbo``'s)."""
    algo = lanas_after(50, inleaf=kind)
    model = algo._inleaf.picker.model
    assert len(model._y) == len(algo.samples.archs) == 50
    if kind == "bandit":
        arms = algo._inleaf.picker.arms
        assert {id(arm.model) for arm in arms if hasattr(arm, "model")} == {id(model)}
