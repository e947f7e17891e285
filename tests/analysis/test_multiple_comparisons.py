"""Comparisons chosen after the fact are corrected (Holm), and the Friedman p is exact enough at
few benchmarks (a permutation p below ``EXACT_BELOW``)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from analysis.load import load
from analysis.stats import censored as stats
from analysis.stats import crossbench as cb
from analysis.stats import tables

from .test_analysis import write_manifest, write_run


def test_holm_by_hand():
    adjusted = stats.holm([0.01, 0.04, 0.03, math.nan, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 times 4, 3, 2, 1 = 0.04, 0.09, 0.08, 0.5, made monotone
    assert adjusted[[0, 2, 1, 4]] == pytest.approx([0.04, 0.09, 0.09, 0.5]) and math.isnan(adjusted[3])
    assert stats.holm([0.6, 0.7]).tolist() == [1.0, 1.0]


def test_table_p_values_are_holm_adjusted_over_the_table(tmp_path):
    exp = tmp_path / "exp"
    bench = {
        "size": 1000,
        "objective": "validation accuracy",
        "value_range": [0, 1],
        "targets": {"optimum": 1.0, "top0_1": 0.99, "top1": 0.985},
        "at_target": None,
    }
    write_manifest(exp, 100, range(6), ["lanas", "random", "evolution"], {"toy/t": bench})
    at = {"lanas": [3, 5, 7, 9, 11, 13], "random": [8, 30, 50, 70, 90, None], "evolution": [6, 20, 40, 60, 80, 95]}
    for spec, hits in at.items():
        for seed, hit in enumerate(hits):
            values = np.full(100, 0.5)
            if hit:
                values[hit - 1] = 1.0
            write_run(exp, "toy/t", spec, seed, values, 100)
    table = tables.target_table(load(exp))
    sub = table[table["target"] == "optimum"].set_index("spec")
    raw = {
        s: stats.mann_whitney(np.array([h or math.inf for h in at[s]], float), np.array(at["lanas"], float), 100)
        for s in ("random", "evolution")
    }
    peer = sub.loc["lanas", "best_peer"]
    assert peer in raw
    # the family holds each distinct pair once: lanas-random and lanas-evolution (lanas against its
    # best peer is one of them); Holm by hand over two: the smaller times 2, the larger times 1,
    # made monotone
    small, large = sorted(raw.values())
    by_hand = {p: min(1.0, max(p * (2 if p == small else 1), 2 * small)) for p in raw.values()}
    assert sub.loc["random", "p_vs_lanas_raw"] == pytest.approx(raw["random"])
    assert sub.loc["random", "p_vs_lanas"] == pytest.approx(by_hand[raw["random"]])
    assert sub.loc["evolution", "p_vs_lanas"] == pytest.approx(by_hand[raw["evolution"]])
    assert sub.loc["lanas", "p_vs_best_peer"] == pytest.approx(sub.loc[peer, "p_vs_lanas"])
    assert sub.loc["evolution", "p_vs_lanas"] > raw["evolution"]


def _exact_p(table: np.ndarray) -> float:
    """The exact Friedman p by enumerating every permutation of every row's ranks."""
    obs = (table.sum(axis=0) ** 2).sum()
    perms = [list(p) for p in itertools.permutations(range(table.shape[1]))]
    hits = total = 0
    for choice in itertools.product(perms, repeat=table.shape[0]):
        t = np.array([row[c] for row, c in zip(table, choice)])
        hits += (t.sum(axis=0) ** 2).sum() >= obs - 1e-9
        total += 1
    return hits / total


@pytest.mark.parametrize(
    "table",
    [
        [[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4]],
        [[1, 2, 3, 4], [1, 2, 3, 4], [2, 1, 4, 3]],
        [[1, 2.5, 2.5, 4], [2, 1, 3, 4], [1, 3, 2, 4]],
    ],
)
def test_friedman_at_few_benchmarks_is_the_exact_p(table):
    table = np.array(table, dtype=float)
    chi2, p = cb.friedman(table)
    assert chi2 == pytest.approx(sps.friedmanchisquare(*table.T).statistic)
    assert p == pytest.approx(_exact_p(table), abs=0.006)  # 20,000 permutations: sd <= 0.0036


def test_friedman_concordant_ranks_at_three_benchmarks():
    """N = 3, k = 6, identical ranks: exact p = 1/720² ≈ 2e-6; the chi-square approximation says
    0.0104 (chi-square 15); the permutation p is its floor, 1/20,001."""
    chi2, p = cb.friedman(np.tile(np.arange(1.0, 7.0), (3, 1)))
    assert chi2 == 15.0 and p == pytest.approx(1 / (1 + cb.N_PERMUTATIONS))


def test_friedman_from_enough_benchmarks_is_the_chi_square():
    table = np.random.default_rng(0).random((cb.EXACT_BELOW, 4))
    ref = sps.friedmanchisquare(*table.T)
    assert cb.friedman(table) == pytest.approx((ref.statistic, ref.pvalue))
