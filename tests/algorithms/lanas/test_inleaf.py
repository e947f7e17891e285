"""The in-leaf search (:mod:`algorithms.lanas.inleaf`): the table of kinds and the options each
takes, the handovers, and the parents (``widen``, ``restart``) every picker starts from."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms.lanas import LaNAS
from algorithms.lanas.inleaf import APPLIES, KINDS, InLeaf, PaperDraw, make_inleaf
from algorithms.lanas.inleaf_pickers import Picker
from algorithms.lanas.inleaf_source import Candidates, Found
from algorithms.lanas.options import InLeafOptions
from algorithms.registry import SpecError
from benchmarks.base import Result
from harness.runner import run
from tests.synthetic import linear_table

VALUES = {
    "n_parents": 4,
    "widen": 5,
    "restart": 7,
    "handover": "leaf_draw",
    "gp_until": 30,
    "gp_scope": "space",
    "restart_pick": "gp",
    "near_scope": "space",
}


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_table_says_which_options_each_kind_takes(kind):
    """An in-leaf option is accepted with ``inleaf=kind`` exactly when the table lists it there."""
    for option, value in VALUES.items():
        spec = f"lanas:inleaf={kind},{option}={value}"
        if option in KINDS[kind].options:
            algorithms.check(spec)
        else:
            with pytest.raises(SpecError, match=f"{option} applies only with inleaf="):
                algorithms.check(spec)
    assert set(APPLIES) == set(VALUES)


def test_uniform_is_the_papers_draw(synthetic):
    """``inleaf=uniform`` proposes nothing itself: LaNAS's walk draws every proposal."""
    algo = LaNAS(synthetic, np.random.default_rng(0))
    assert isinstance(algo._inleaf, PaperDraw) and algo._inleaf.propose_from(0) is None
    rows = run(synthetic, "lanas", seed=2, budget=60)
    assert rows.algorithm.inleaf_fallbacks == 0 and rows.status == "budget"


class OnlyIn(Picker):
    """A picker that finds the first available row of ``leaves`` (in region), or anywhere when
    ``in_region`` is False; records its calls."""

    def __init__(self, leaves: set[int], moves_locally: bool = True) -> None:
        self.leaves, self.moves_locally, self.calls, self.settled = leaves, moves_locally, [], []

    def __call__(self, search: InLeaf, leaf: int, in_region: bool) -> Found | None:
        self.calls.append((leaf, in_region))
        if in_region and leaf not in self.leaves:
            return None
        pool = search.source.pool
        rows = np.flatnonzero(pool.available & ((pool.leaf_of == leaf) | (not in_region)))
        return None if len(rows) == 0 else search.source.take(Candidates(pool.archs[rows], rows), 0)

    def settle(self, arch) -> None:
        self.settled.append(arch)


def search_with(picker: Picker, handover: str) -> InLeaf:
    bench = linear_table()
    algo = LaNAS(bench, np.random.default_rng(1), inleaf="local")
    for _ in range(30):
        arch = algo.ask()
        algo.tell(arch, answer(bench, arch))
    options = InLeafOptions(kind="local", handover=handover)._asdict()
    search = make_inleaf(bench, algo.rng, algo.pool, True, algo.samples.view(), 100, **options)
    assert isinstance(search, InLeaf)
    search.picker = picker
    search.refresh(algo.tree)
    return search


def test_first_leaf_hands_over_to_the_first_leaf_that_gives_one_and_credits_it():
    picker = OnlyIn({2, 3})
    search = search_with(picker, "first_leaf")
    arch, leaf, row = search.propose_from(5)
    assert leaf == 2 and search.fallbacks == 1 and picker.settled == [arch]
    assert [c[0] for c in picker.calls] == [5, 0, 1, 2]


def test_leaf_draw_leaves_the_draw_to_lanas():
    picker = OnlyIn(set())
    search = search_with(picker, "leaf_draw")
    assert search.propose_from(1) is None and search.fallbacks == 1 and picker.settled == [None]


@pytest.mark.parametrize("moves_locally", [True, False])
def test_neighbours_runs_a_local_picker_outside_the_region_credited_to_the_selected_leaf(moves_locally):
    picker = OnlyIn(set(), moves_locally)
    search = search_with(picker, "neighbours")
    out = search.propose_from(1)
    if moves_locally:
        assert out is not None and out[1] == 1 and picker.calls == [(1, True), (1, False)]
    else:  # bo: the uniform draw instead
        assert out is None and picker.calls == [(1, True)]


def test_widen_doubles_the_parents_when_stalled_and_a_new_best_resets_them():
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    inleaf = LaNAS(bench, np.random.default_rng(0), inleaf="localbo", n_parents=3, widen=4)._inleaf
    archs = iter(tuple(int(v) for v in a) for a in bench.all_archs())
    seen = []
    for y in [0.5] + [0.1] * 4 + [0.2] * 4 + [0.3] * 3 + [0.6] + [0.4] * 3:
        inleaf.tell(next(archs), y)
        seen.append(inleaf.n_parents)
    assert seen == [3] + [3, 3, 3, 6] + [6, 6, 6, 12] + [12, 12, 12] + [3] + [3, 3, 3]
    assert LaNAS(bench, np.random.default_rng(0), inleaf="localbo", n_parents=3)._inleaf.widen == 0  # off by default


def test_restart_forgets_the_parents_when_the_climb_stalls_and_a_climb_best_resets_the_count():
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(0), inleaf="localbo", n_parents=3, restart=4)
    archs = iter(tuple(int(v) for v in a) for a in bench.all_archs())
    seen = []
    # a climb best, 4 stalls (restart); a new climb's best below the run's best, 2 stalls, a better
    # one (the count starts again), 4 stalls (restart)
    for y in [0.5] + [0.1] * 4 + [0.2] + [0.1] * 2 + [0.3] + [0.1] * 4:
        algo.tell(next(archs), Result(y))
        seen.append(algo._inleaf._first_parent)
    assert seen == [0] * 4 + [5] * 8 + [13]
    assert LaNAS(bench, np.random.default_rng(0), inleaf="localbo")._inleaf.restart == 0  # off by default


def test_after_a_restart_only_the_new_samples_are_parents(synthetic):
    algo = run(synthetic, "lanas-plus:restart=5", seed=0, budget=150).algorithm
    inleaf = algo._inleaf
    assert inleaf._first_parent > 0, "the run never restarted"
    for leaf in range(algo.tree.n_leaves):
        assert (inleaf.leaf_samples(leaf) >= inleaf._first_parent).all()
    assert inleaf.fallbacks > 0  # a fresh climb begins with the selected leaf's own draw
