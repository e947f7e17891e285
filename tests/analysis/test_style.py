"""Curves that lie on each other stay distinguishable: each algorithm of the default run has its own
line style and marker pair (not only a colour), and markers of different specs start at different
points of their curves, so they alternate instead of hiding each other."""

from __future__ import annotations

import numpy as np

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


#: Machado et al. (2009) simulation matrices at full severity, on linear RGB
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]]
)
PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
)


NORMAL = np.eye(3)


def _lab(colour: str, seen: np.ndarray = NORMAL) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour as seen through ``seen`` (a colour-vision matrix)."""
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(colour))
    lin = np.clip(seen @ np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    f = np.cbrt(xyz / np.array([0.9505, 1.0, 1.089]))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_default_runs_lines_are_told_apart_and_colour_blind_safe():
    """The default run's algorithms and the slow peers: no two colours close, and any two colours
    that deuteranopia or protanopia brings close differ in line style and marker too (red LaNAS
    and green evolution were both solid lines); local search and TPE (two blues, both solid) now
    differ in hue and line style."""
    specs = preset_algorithms(PRESETS["default"]) + ["optuna-gp", "bananas"]
    look = style.looks(specs)
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            la, lb = look[a], look[b]
            assert np.linalg.norm(_lab(la.colour) - _lab(lb.colour)) >= 25, (a, b)
            for seen in (DEUTERANOPIA, PROTANOPIA):
                if np.linalg.norm(_lab(la.colour, seen) - _lab(lb.colour, seen)) < 20:
                    assert la.linestyle != lb.linestyle and la.marker != lb.marker, (a, b)
    assert look["local-search"].linestyle != look["optuna-tpe"].linestyle
