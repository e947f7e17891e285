"""Across benchmarks: ranks at several budgets, the Friedman test and Nemenyi's critical
difference (Demšar, JMLR 2006), a critical-difference diagram, a heat map of ranks, and
anytime performance as the area under the ECDF over targets and log-budget (COCO, IOHanalyzer).

Regret is normalised per table, ``(optimum - best) / (optimum - median)``, with the table's
optimum and median from the manifest (so tables in percent and in fractions mix); a folder
written before the manifest held the median uses the median first sample over all runs, and a
space with no known optimum the best value any run saw. A run that failed before its first
result has no regret: it is left out of the mean and never reaches an ECDF target. Ranks
(1 = best) are of the mean normalised regret over seeds, per benchmark, ties averaged. Every
statistic is scipy's: ``rankdata``, ``friedmanchisquare``, and the studentized range for
Nemenyi's critical difference ``q_0.05 sqrt(k (k+1) / (6 N))``, ``q_0.05 =
studentized_range.ppf(0.95, k, inf) / sqrt(2)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..load import Experiment

FRACTIONS = (0.1, 0.3, 1.0)
#: ECDF targets on normalised regret: 31 log-spaced from 1 (the median) to 1e-3, and 0 (the optimum)
TARGETS = tuple(10 ** (-3 * i / 30) for i in range(31)) + (0.0,)
_TOL = 1e-9


def normalised_regret(exp: Experiment, bench: str) -> dict[str, np.ndarray]:
    """``{spec: (seeds, budget) array}`` of per-sample normalised regret (NaN where undefined)."""
    runs = [r for r in exp.runs if r.benchmark == bench]
    info = exp.info(bench)
    seen = np.concatenate([r.best for r in runs])
    seen = seen[np.isfinite(seen)]
    optimum = (exp.targets(bench) or {}).get("optimum")
    if optimum is None:  # no known optimum: the best value any run saw
        optimum = float(seen.max()) if seen.size else 0.0
    median = info.get("median")
    if median is None:
        first = np.array([r.best[0] for r in runs])
        median = float(np.median(first[np.isfinite(first)])) if np.isfinite(first).any() else optimum
    scale = optimum - median if optimum > median else 1.0
    return {s: np.array([(optimum - r.best) / scale for r in exp.runs_of(bench, s)]) for s in exp.specs(bench)}


def _at(curves: np.ndarray, n: int) -> np.ndarray:
    """Column ``n`` (1-based) of per-sample curves; a curve keeps its last value after it ends
    (curves stop at the longest run, which may be shorter than the budget)."""
    return curves[:, min(n, curves.shape[1]) - 1]


def common_specs(exp: Experiment) -> list[str]:
    """Specs run on every benchmark of the folder, in manifest order."""
    return [s for s in exp.specs() if all(exp.runs_of(b, s) for b in exp.benchmarks())]


def rank_table(regret: dict[str, dict[str, np.ndarray]], specs: list[str], budget: int) -> pd.DataFrame:
    """One row per (fraction, benchmark, spec): mean normalised regret and its rank there."""
    rows = []
    for frac in FRACTIONS:
        n = max(1, int(round(frac * budget)))
        for bench, per_spec in regret.items():
            means = np.array([np.nanmean(_at(per_spec[s], n)) for s in specs])
            ranks = stats.rankdata(np.round(means, 12))
            rows += [
                {"fraction": frac, "samples": n, "benchmark": bench, "spec": s, "mean_regret": m, "rank": r}
                for s, m, r in zip(specs, means, ranks)
            ]
    return pd.DataFrame(rows)


def critical_difference(k: int, n: int, alpha: float = 0.05) -> float:
    """Nemenyi's critical difference of average ranks, k algorithms on n data sets."""
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(k * (k + 1) / (6.0 * n)))


#: below this many benchmarks the Friedman p is a permutation p (the chi-square approximation is
#: far off there: chi-square 12.2 at N = 3, k = 6 gives 0.032 against about 0.005)
EXACT_BELOW = 10
N_PERMUTATIONS = 20_000


def friedman(ranks: np.ndarray) -> tuple[float, float]:
    """Friedman's chi-square (scipy's, ties corrected) and its p over an (N data sets, k
    algorithms) table: with N < :data:`EXACT_BELOW` a permutation p (each data set's ranks
    permuted independently, :data:`N_PERMUTATIONS` times, ``default_rng(0)``; (1 + as large) /
    (1 + permutations)), else the chi-square approximation."""
    if ranks.shape[1] < 3 or ranks.shape[0] < 2 or np.all(ranks == ranks[:, :1]):
        return math.nan, math.nan
    res = stats.friedmanchisquare(*ranks.T)
    if ranks.shape[0] >= EXACT_BELOW:
        return float(res.statistic), float(res.pvalue)
    r = np.apply_along_axis(stats.rankdata, 1, np.asarray(ranks, dtype=float))
    # with the ties of each row fixed, the statistic grows with the sum of squared column sums
    observed = float((r.sum(axis=0) ** 2).sum())
    rng = np.random.default_rng(0)
    keys = rng.random((N_PERMUTATIONS, *r.shape))
    perm = np.take_along_axis(np.broadcast_to(r, keys.shape), np.argsort(keys, axis=2), axis=2)
    larger = int(((perm.sum(axis=1) ** 2).sum(axis=1) >= observed - 1e-9).sum())
    return float(res.statistic), (1 + larger) / (1 + N_PERMUTATIONS)


def groups(avg: dict[str, float], cd: float) -> list[list[str]]:
    """Maximal runs of algorithms (by average rank) whose ranks differ by less than ``cd``."""
    order = sorted(avg, key=avg.__getitem__)
    spans: list[tuple[int, int]] = []
    for i in range(len(order)):
        j = i
        while j + 1 < len(order) and avg[order[j + 1]] - avg[order[i]] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in spans):
            spans.append((i, j))
    return [order[a : b + 1] for a, b in spans]


def ecdf_area(regret: np.ndarray, budget: int) -> float:
    """Area under the ECDF of (seed, target) pairs over log-budget, in [0, 1]: a pair hit after n
    samples contributes ``1 - log n / log budget``, a pair never hit 0."""
    if budget < 2 or regret.size == 0:
        return math.nan
    logb = math.log(budget)
    total = 0.0
    for run in regret:
        best = np.fmin.accumulate(np.nan_to_num(run, nan=np.inf))
        for t in TARGETS:
            hit = np.flatnonzero(best <= t + _TOL)
            if hit.size and hit[0] < budget:
                total += 1 - math.log(hit[0] + 1) / logb
    return total / (len(regret) * len(TARGETS))


def ecdf_curve(regret: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Fraction of (seed, target) pairs reached within each budget of ``grid``."""
    best = np.fmin.accumulate(np.nan_to_num(regret, nan=np.inf), axis=1)
    hits = np.stack([(_at(best, g)[:, None] <= np.array(TARGETS) + _TOL) for g in grid])
    return hits.reshape(len(grid), -1).mean(axis=1)


def summary(exp: Experiment) -> dict:
    """Everything the section and the figures need, computed once per experiment (``exp.memo``)."""
    key = ("crossbench", len(exp.runs))
    if key not in exp.memo:
        exp.memo[key] = _summary(exp)
    return exp.memo[key]


def _summary(exp: Experiment) -> dict:
    specs = common_specs(exp)
    regret = {b: normalised_regret(exp, b) for b in exp.benchmarks()}
    table = rank_table(regret, specs, exp.budget) if specs else pd.DataFrame()
    tests = []
    for frac in FRACTIONS:
        sub = table[table["fraction"] == frac] if len(table) else table
        if not len(sub):
            continue
        wide = sub.pivot(index="benchmark", columns="spec", values="rank")[specs]
        chi2, p = friedman(wide.to_numpy())
        avg = wide.mean().to_dict()
        cd = critical_difference(len(specs), len(wide)) if len(specs) >= 2 else math.nan
        tests.append(
            {
                "fraction": frac,
                "samples": int(sub["samples"].iloc[0]),
                "avg": avg,
                "chi2": chi2,
                "p": p,
                "cd": cd,
                "groups": groups(avg, cd),
                "wide": wide,
            }
        )
    area = pd.DataFrame(
        [{"benchmark": b, "spec": s, "ecdf_area": ecdf_area(regret[b][s], exp.budget)} for b in regret for s in specs]
    )
    return {"specs": specs, "regret": regret, "ranks": table, "tests": tests, "area": area}
