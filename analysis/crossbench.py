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
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from .load import Experiment
from .summary import md_table

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
            rows += [{"fraction": frac, "samples": n, "benchmark": bench, "spec": s, "mean_regret": m, "rank": r}
                     for s, m, r in zip(specs, means, ranks)]
    return pd.DataFrame(rows)


def critical_difference(k: int, n: int, alpha: float = 0.05) -> float:
    """Nemenyi's critical difference of average ranks, k algorithms on n data sets."""
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(k * (k + 1) / (6.0 * n)))


def friedman(ranks: np.ndarray) -> tuple[float, float]:
    """Friedman's chi-square and p over an (N data sets, k algorithms) table (scipy ranks it again)."""
    if ranks.shape[1] < 3 or ranks.shape[0] < 2 or np.all(ranks == ranks[:, :1]):
        return math.nan, math.nan
    res = stats.friedmanchisquare(*ranks.T)
    return float(res.statistic), float(res.pvalue)


def groups(avg: dict[str, float], cd: float) -> list[list[str]]:
    """Maximal runs of algorithms (by average rank) whose ranks differ by less than ``cd``."""
    order = sorted(avg, key=avg.get)
    spans = []
    for i in range(len(order)):
        j = i
        while j + 1 < len(order) and avg[order[j + 1]] - avg[order[i]] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in spans):
            spans.append((i, j))
    return [order[a:b + 1] for a, b in spans]


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
    """Everything the section and the figures need, computed once."""
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
        tests.append({"fraction": frac, "samples": int(sub["samples"].iloc[0]), "avg": avg, "chi2": chi2,
                      "p": p, "cd": cd, "groups": groups(avg, cd), "wide": wide})
    area = pd.DataFrame([{"benchmark": b, "spec": s, "ecdf_area": ecdf_area(regret[b][s], exp.budget)}
                         for b in regret for s in specs])
    return {"specs": specs, "regret": regret, "ranks": table, "tests": tests, "area": area}


def _sentence(test: dict, n: int) -> str:
    avg = test["avg"]
    ranks = ", ".join(f"`{s}` {avg[s]:.2f}" for s in sorted(avg, key=avg.get))
    chi = ("Friedman: not defined (fewer than 3 algorithms or all ranks equal)" if test["p"] != test["p"]
           else f"Friedman χ²({len(avg) - 1}) = {test['chi2']:.2f}, p = {test['p']:.3g}")
    groups_text = "; ".join("{" + ", ".join(f"`{s}`" for s in g) + "}" for g in test["groups"])
    verdict = (f"not distinguishable at the 5% level (Nemenyi): {groups_text}" if groups_text
               else "every pair differs by at least the critical difference (Nemenyi, 5% level)")
    if test["p"] == test["p"] and test["p"] >= 0.05:
        verdict += "; the Friedman test does not reject equal ranks at 5%, so no difference here is significant"
    return (f"**{test['samples']:,} samples ({test['fraction']:.0%} of the budget)**: average rank {ranks}; "
            f"{chi}; CD = {test['cd']:.2f} (k = {len(avg)}, N = {n}); {verdict}.")


def section(exp: Experiment, fig_dir: Path, table_dir: Path) -> list[str]:
    """The report's cross-benchmark section (markdown lines); writes its figures and CSVs."""
    from . import crossbench_figures as figs
    s = summary(exp)
    specs, n = s["specs"], len(exp.benchmarks())
    rel = lambda p: p.relative_to(exp.path).as_posix()  # noqa: E731
    lines = ["## Across benchmarks", ""]
    if len(specs) < 2:
        return lines + ["Fewer than two algorithms ran on every benchmark: nothing to rank.", ""]
    s["ranks"].to_csv(table_dir / "crossbench_ranks.csv", index=False)
    s["area"].to_csv(table_dir / "ecdf_area.csv", index=False)
    if n >= 2:
        lines += [f"Rank (1 = best) of each algorithm's mean normalised regret, (optimum − best) / (optimum − "
                  f"table median), on each of the {n} benchmarks, at three budgets; average ranks, the Friedman "
                  "test and Nemenyi's critical difference (CD) as in Demšar (2006). Two algorithms whose average "
                  "ranks differ by less than the CD are not distinguishable; a bar joins them in the diagram. "
                  "With few benchmarks the CD is wide: that is the test's honest answer, not a tie.", ""]
        for test in s["tests"]:
            path = figs.cd_diagram(test["avg"], test["cd"], test["groups"],
                                   f"{test['samples']:,} samples: average rank over {n} benchmarks",
                                   fig_dir / f"critical_difference_{round(100 * test['fraction'])}")
            lines += [_sentence(test, n), "", f"![critical difference]({rel(path)})", ""]
        heat = figs.rank_heatmap(s["tests"], specs, fig_dir / "rank_heatmap")
        lines += [f"![rank heat map]({rel(heat)})", "", "*Rank of every algorithm on every benchmark (1 = best; "
                  "ties share the mean rank) at 10%, 30% and 100% of the budget.*", ""]
    else:
        lines += ["One benchmark only: ranks across benchmarks need two or more.", ""]
    area = s["area"].pivot(index="spec", columns="benchmark", values="ecdf_area")
    area["mean"] = area.mean(axis=1)
    area = area.sort_values("mean", ascending=False)
    header = ["algorithm", *area.columns[:-1], "mean over benchmarks"]
    rows = [[f"`{spec}`", *(f"{v:.3f}" for v in r)] for spec, r in area.iterrows()]
    lines += ["**Anytime performance**: area under the ECDF of (seed, target) pairs over log-budget, in [0, 1] "
              "(1: every target at the first sample). Targets: normalised regret 10^0 .. 10^-3 (31 log-spaced) "
              "and the optimum; a pair reached after n samples adds 1 − log n / log budget, so early and late "
              "progress both count (COCO / IOHanalyzer's aggregated ECDF).", "", md_table(header, rows), ""]
    path = figs.anytime(s["regret"], specs, exp.budget, fig_dir / "anytime_ecdf")
    lines += [f"![anytime ECDF]({rel(path)})", "", "*Fraction of (seed, target) pairs reached within n samples, "
              "per benchmark and averaged over benchmarks (the area under each curve, on log n, is the table).*", ""]
    return lines
