"""Rank statistics across benchmarks (analysis/stats/crossbench.py) against scipy and Demšar (2006)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.stats import crossbench as cb

#: Demšar (JMLR 2006), Table 6: AUC of C4.5, C4.5+m, C4.5+cf, C4.5+m+cf on 14 data sets. The
#: voting row's 0.975s tie when rounded; the paper ranks C4.5+cf second, so it is 0.97501 here.
NAMES = ["C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf"]
AUC = np.array(
    [
        [0.763, 0.768, 0.771, 0.798],
        [0.599, 0.591, 0.590, 0.569],
        [0.954, 0.971, 0.968, 0.967],
        [0.628, 0.661, 0.654, 0.657],
        [0.882, 0.888, 0.886, 0.898],
        [0.936, 0.931, 0.916, 0.931],
        [0.661, 0.668, 0.609, 0.685],
        [0.583, 0.583, 0.563, 0.625],
        [0.775, 0.838, 0.866, 0.875],
        [1.000, 1.000, 1.000, 1.000],
        [0.940, 0.962, 0.965, 0.962],
        [0.619, 0.666, 0.614, 0.669],
        [0.972, 0.981, 0.97501, 0.975],
        [0.957, 0.978, 0.946, 0.970],
    ]
)


@pytest.fixture
def demsar():
    """The table as 'regret' curves (1 - AUC, one seed, flat over a budget of 10) per data set."""
    regret = {f"d{i}": {n: np.full((1, 10), 1 - v) for n, v in zip(NAMES, row)} for i, row in enumerate(AUC)}
    table = cb.rank_table(regret, NAMES, budget=10)
    full = table[table["fraction"] == 1.0].pivot(index="benchmark", columns="spec", values="rank")[NAMES]
    return full


def test_average_ranks_are_the_papers(demsar):
    assert demsar.mean().round(3).tolist() == [3.143, 2.000, 2.893, 1.964]
    assert np.array_equal(demsar.to_numpy(), stats.rankdata(-AUC, axis=1)[np.argsort([f"d{i}" for i in range(14)])])


def test_friedman_is_scipys_and_the_papers_without_tie_correction(demsar):
    chi2, p = cb.friedman(demsar.to_numpy())
    ref = stats.friedmanchisquare(*AUC.T)
    assert (chi2, p) == pytest.approx((ref.statistic, ref.pvalue))
    # scipy corrects for ties (t = 4 on one data set, t = 2 on three); Demšar's 9.28 does not
    correction = 1 - (4**3 - 4 + 3 * (2**3 - 2)) / (14 * 4 * (4**2 - 1))
    assert round(chi2 * correction, 2) == 9.28


def test_critical_difference_and_groups_are_the_papers(demsar):
    assert round(cb.critical_difference(4, 14), 2) == 1.25  # q_0.05 = 2.569
    assert round(cb.critical_difference(4, 14, alpha=0.10), 2) == 1.12  # q_0.10 = 2.291
    avg = demsar.mean().to_dict()
    assert cb.groups(avg, cb.critical_difference(4, 14)) == [["C4.5+m+cf", "C4.5+m", "C4.5+cf", "C4.5"]]
    # at 10% C4.5 is worse than C4.5+m and C4.5+m+cf (Demšar, Sec. 3.2.2)
    assert cb.groups(avg, cb.critical_difference(4, 14, alpha=0.10)) == [
        ["C4.5+m+cf", "C4.5+m", "C4.5+cf"],
        ["C4.5+cf", "C4.5"],
    ]


def test_friedman_undefined_for_two_algorithms_or_all_ties():
    assert math.isnan(cb.friedman(np.array([[1.0, 2.0], [2.0, 1.0]]))[0])
    assert math.isnan(cb.friedman(np.full((3, 4), 2.5))[0])


def test_ecdf_area_on_known_runs():
    at_once = np.zeros((1, 100))  # the optimum at the first sample: every target, n = 1
    median_only = np.ones((1, 100))  # only the target 10^0 (= the median), at n = 1
    tenth = np.r_[np.full(9, 5.0), np.zeros(91)][None]  # everything at n = 10: 1 - log 10 / log 100
    assert cb.ecdf_area(at_once, 100) == 1.0
    assert cb.ecdf_area(median_only, 100) == pytest.approx(1 / len(cb.TARGETS))
    assert cb.ecdf_area(tenth, 100) == pytest.approx(0.5)
    assert cb.ecdf_area(np.vstack([at_once, tenth]), 100) == pytest.approx(0.75)
    assert cb.ecdf_curve(tenth, np.array([1, 9, 10, 100])).tolist() == [0, 0, 1, 1]


def test_a_diagram_that_separates_nothing_is_not_drawn():
    """3 benchmarks, 8 algorithms: CD 6.06 of at most 7; the ranks here separate no pair, so the
    report says so instead of drawing one bar; 2 benchmarks: CD above the widest gap."""
    from analysis.report.crossbench import separates_nothing

    avg = {f"s{i}": 1.0 + 0.8 * i for i in range(8)}
    cd = cb.critical_difference(8, 3)
    assert round(cd, 2) == 6.06
    said = separates_nothing({"avg": avg, "cd": cd, "groups": cb.groups(avg, cd), "samples": 1000})
    assert said and "separates no pair" in said and "6.06" in said
    cd2 = cb.critical_difference(8, 2)
    assert "at most 7" in separates_nothing({"avg": avg, "cd": cd2, "groups": cb.groups(avg, cd2), "samples": 100})
    wide = {"a": 1.0, "b": 2.0, "c": 8.0, **{f"s{i}": 4.0 for i in range(5)}}
    assert separates_nothing({"avg": wide, "cd": cd, "groups": cb.groups(wide, cd), "samples": 1000}) is None
