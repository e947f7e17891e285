"""The hypervolume bookkeeping of multi-objective runs against a hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.stats.hypervolume import hits, hv_curve
from benchmarks.objectives import Objectives


def _objectives(reference: float) -> Objectives:
    """Two costs already normalised (ideal 0, nadir 1), judged against ``reference``."""
    return Objectives(("a", "b"), (False, False), np.zeros(2), np.ones(2), np.zeros((0, 2)), reference)


def test_hv_curve_by_hand():
    points = np.array([[0.5, 0.5], [0.6, 0.6], [0.0, 1.0], [0.25, 0.25], [2.0, 0.0]])
    curve, front = hv_curve(points, _objectives(1.1))
    first = 0.6 * 0.6
    assert curve[0] == pytest.approx(first)
    assert curve[1] == pytest.approx(first)  # dominated: unchanged
    assert curve[2] == pytest.approx(first + 0.5 * 0.1)  # adds the slab x in [0, .5), y in [1, 1.1)
    # (0.25, 0.25) dominates (0.5, 0.5): staircase (0, 1), (0.25, 0.25)
    assert curve[3] == pytest.approx(0.25 * 0.1 + 0.85 * 0.85)
    assert curve[4] == pytest.approx(curve[3])  # beyond the reference point
    assert sorted(map(tuple, front.tolist())) == [(0.0, 1.0), (0.25, 0.25), (2.0, 0.0)]


def test_hits():
    ratio = np.array([0.5, 0.89, 0.9, 0.99, 1.0])
    assert hits(ratio, 0.9) == 3 and hits(ratio, 1.0) == 5 and hits(ratio[:2], 0.9) == np.inf
