"""Which algorithm needs the fewest samples: a ranking with the differences the seeds decide.

Input: per algorithm, the samples each seed needed to reach a target, ``inf`` where the seed did
not reach it within the budget (censored: we only know it needs more). For a checkpoint ``c``
(100, 300, the budget) a seed that needed more than ``c`` is censored at ``c``.

- **Rank** by the restricted mean (a censored seed counts as ``c``; a lower bound of the mean,
  marked ≥), ties broken by the number of seeds that reached the target.
- **Test**: every pair of algorithms, two-sided Gehan-Wilcoxon test on samples-to-target:
  with one censoring point for every seed (the checkpoint) it is the Mann-Whitney U test with the
  censored seeds tied above every observed value (:func:`censored.mann_whitney`), so a seed that
  did not reach the target counts as slower than every seed that did, never as a number.
- **Holm**, in two families: every algorithm against the first (the report's table: which are tied
  with the first, ``p_first``; Holm over the k - 1 comparisons), and every pair (``tables/
  ranking_pairs.csv`` and the letters; Holm over k (k - 1) / 2 comparisons, so with few seeds and
  many algorithms it decides less: at 6 seeds against 6 that never reached the target the raw p is
  2/924 = 0.0022, decided against the first among 9 algorithms, 0.078 over their 36 pairs).
- **Effect**: the ratio of restricted means (``~`` when either side has censored seeds: both
  are lower bounds), and the ratio of Kaplan-Meier medians where both are reached.
- **Ties**: algorithms whose differences are not decided at level :data:`ALPHA` share a letter
  (compact letter display: a letter marks a run of algorithms in rank order, every pair of which
  is undecided; two algorithms with no letter in common differ, decided).

:func:`verdicts` is the reusable part (a studies script hands it its own per-seed table).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from itertools import combinations

import numpy as np
import pandas as pd

from . import censored

ALPHA = 0.05
CHECKPOINTS = (100, 300)


def checkpoints(budget: int) -> list[int]:
    """100 and 300 where below the budget, then the budget."""
    return [c for c in CHECKPOINTS if c < budget] + [int(budget)]


def at_checkpoint(times: np.ndarray, checkpoint: float) -> np.ndarray:
    """Samples-to-target as seen at ``checkpoint``: later hits are censored (``inf``)."""
    t = np.asarray(times, dtype=float)
    return np.where(t <= checkpoint, t, np.inf)


def order(times: Mapping[str, np.ndarray], budget: float) -> list[str]:
    """Specs by restricted mean (fewest samples first), ties by more seeds reaching the target."""
    return sorted(times, key=lambda s: (censored.restricted_mean(times[s], budget), -np.isfinite(times[s]).sum()))


def _ratio(a: np.ndarray, b: np.ndarray, budget: float) -> float:
    mb = censored.restricted_mean(b, budget)
    return censored.restricted_mean(a, budget) / mb if mb > 0 else np.nan


def _median_ratio(a: np.ndarray, b: np.ndarray, budget: float) -> float:
    ma, mb = censored.km_median(a, budget), censored.km_median(b, budget)
    return ma / mb if np.isfinite(ma) and np.isfinite(mb) and mb > 0 else np.nan


def verdicts(times: Mapping[str, np.ndarray], budget: float, alpha: float = ALPHA) -> pd.DataFrame:
    """Every pair ``(a, b)`` with ``a`` ranked ahead of ``b`` (see :func:`order`): ``mean_ratio``
    (restricted mean of ``b`` over ``a``, >= 1), ``median_ratio`` (KM medians, NaN where either is
    not reached), ``censored`` (either side has censored seeds), ``p_raw`` (Gehan-Wilcoxon), ``p``
    (Holm over every pair) and ``decided`` (``p < alpha``: ``a`` needs fewer samples than ``b``)."""
    ranked = order(times, budget)
    rows = []
    for a, b in combinations(ranked, 2):
        ta, tb = np.asarray(times[a], dtype=float), np.asarray(times[b], dtype=float)
        rows.append(
            {
                "a": a,
                "b": b,
                "mean_ratio": _ratio(tb, ta, budget),
                "median_ratio": _median_ratio(tb, ta, budget),
                "censored": bool(np.isinf(np.r_[ta, tb]).any()),
                "p_raw": censored.mann_whitney(ta, tb, budget),
            }
        )
    out = pd.DataFrame(rows, columns=["a", "b", "mean_ratio", "median_ratio", "censored", "p_raw"])
    out["p"] = censored.holm(out["p_raw"].to_numpy()) if len(out) else []
    out["decided"] = out["p"] < alpha
    return out


def letters(ranked: list[str], decided: set[frozenset[str]]) -> dict[str, str]:
    """Compact letter display: each maximal run of specs (in rank order) with no decided pair
    inside gets a letter; a spec's letters are those of the runs it belongs to."""
    spans: list[tuple[int, int]] = []
    for i in range(len(ranked)):
        j = i
        while j + 1 < len(ranked) and not any(
            frozenset((ranked[k], ranked[j + 1])) in decided for k in range(i, j + 1)
        ):
            j += 1
        if not any(a <= i and j <= b for a, b in spans):
            spans.append((i, j))
    names = string.ascii_lowercase
    out = {s: "" for s in ranked}
    for n, (a, b) in enumerate(spans):
        for s in ranked[a : b + 1]:
            out[s] += names[n % len(names)]
    return out


def ranking(times: Mapping[str, np.ndarray], budget: float, alpha: float = ALPHA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per spec: ``rank`` (1 = fewest samples; equal numbers share it), ``runs``,
    ``reached``, ``mean``, ``mean_censored``, ``median``, ``ratio`` (restricted mean over the
    first's), ``p_first`` (against the first, Holm over those comparisons), ``tied`` (not told
    apart from the first), ``letters`` (over every pair); the pairs of :func:`verdicts`)."""
    ranked = order(times, budget)
    pairs = verdicts(times, budget, alpha)
    decided = {frozenset((r.a, r.b)) for r in pairs.itertuples() if r.decided}
    group = letters(ranked, decided)
    first = censored.restricted_mean(times[ranked[0]], budget) if ranked else np.nan
    raw = [censored.mann_whitney(times[s], times[ranked[0]], budget) for s in ranked[1:]]
    p_first = dict(zip(ranked[1:], censored.holm(raw)))
    key = {s: (censored.restricted_mean(times[s], budget), -int(np.isfinite(times[s]).sum())) for s in ranked}
    rows = []
    for spec in ranked:
        t = np.asarray(times[spec], dtype=float)
        mean = censored.restricted_mean(t, budget)
        rows.append(
            {
                "rank": 1 + sum(key[o] < key[spec] for o in ranked),  # equal numbers share a rank
                "spec": spec,
                "runs": len(t),
                "reached": int(np.isfinite(t).sum()),
                "mean": mean,
                "mean_censored": bool(np.isinf(t).any()),
                "median": censored.km_median(t, budget),
                "ratio": mean / first if first > 0 else np.nan,
                "p_first": p_first.get(spec, np.nan),
                "tied": not p_first.get(spec, 1.0) < alpha,  # the first itself, or not told apart from it
                "letters": group[spec],
            }
        )
    return pd.DataFrame(rows), pairs


def verdicts_of(
    table: pd.DataFrame, column: str, budget: float, by: str = "spec", alpha: float = ALPHA
) -> pd.DataFrame:
    """:func:`verdicts` from a tidy table, a row per seed (``tables/runs.csv``: ``column`` =
    ``samples_to_top0_1``), ``inf`` or NaN where the seed did not reach the target."""
    times = {k: g[column].astype(float).fillna(np.inf).to_numpy() for k, g in table.groupby(by, sort=False)}
    return verdicts(times, budget, alpha)
