"""Curves that lie on each other stay distinguishable: each algorithm of the default run has its own
line style and marker pair (not only a colour), and markers of different specs start at different
points of their curves, so they alternate instead of hiding each other."""

from __future__ import annotations

from analysis.plots import style
from harness.grids import preset_algorithms
from harness.presets import PRESETS


def test_every_default_algorithm_has_its_own_style_and_marker_and_phase():
    specs = preset_algorithms(PRESETS["default"]) + ["optuna-gp", "bananas"]
    look = style.looks(specs)
    assert len({(lk.linestyle, lk.marker) for lk in look.values()}) == len(specs)
    assert len({lk.phase for lk in look.values()}) == min(8, len(specs))
    assert look["random"].linestyle != look["evolution"].linestyle  # random lies under evolution early on
    assert look["random"].markevery(8)[0] != look["evolution"].markevery(8)[0]
    assert all(0 <= lk.markevery(40)[0] < 40 and lk.markevery(40)[1] == 40 for lk in look.values())


def test_seeds_label_shows_the_range_when_algorithms_ran_different_seed_counts():
    # a figure's title once showed the first algorithm's count ("1 seed" where another had 3)
    assert style.seeds_label({"a": [0, 1, 2], "b": [0, 1, 2]}) == "3 seeds"
    assert style.seeds_label({"a": [0]}) == "1 seed"
    assert style.seeds_label({"a": [0], "b": [0, 1, 2]}) == "1-3 seeds per algorithm"
    assert style.seeds_label({"b": [0, 1, 2], "a": [0]}) == "1-3 seeds per algorithm"
