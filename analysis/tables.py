"""The numbers behind the report: hitting times, the samples-to-target table, run health.

Every table is a pandas DataFrame, written as CSV under ``<exp>/tables/`` for notebooks.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import ablation, stats
from .load import Experiment

REFERENCE = "random"
LANAS = "lanas"


def hitting_times(exp: Experiment, benchmark: str) -> dict[str, dict[str, np.ndarray]]:
    """``times[spec][target]``: samples to each target per seed (inf when never reached; a failed
    or stuck run that had not reached the target counts as not reached, so it stays in every
    denominator)."""
    targets = exp.targets(benchmark) or {}
    out: dict[str, dict[str, np.ndarray]] = {}
    for spec in exp.specs(benchmark):
        runs = exp.runs_of(benchmark, spec)
        out[spec] = {t: np.array([stats.hitting_time(r.best, targets[t]) for r in runs])
                     for t in stats.TARGETS if t in targets}
    return out


def main_specs(exp: Experiment, bench: str, times: dict[str, dict[str, np.ndarray]] | None = None) -> list[str]:
    """:func:`ablation.main_specs` scored by the restricted mean samples to the optimum."""
    times = times if times is not None else hitting_times(exp, bench)
    score = {s: stats.restricted_mean(t["optimum"], exp.budget) for s, t in times.items() if "optimum" in t}
    return ablation.main_specs(exp.specs(bench), score)


def best_peer(times: dict[str, np.ndarray], budget: float) -> str | None:
    """The non-LaNAS spec with the smallest restricted mean (ties: more successes)."""
    peers = [s for s in times if not ablation.is_family(s, LANAS)]
    if not peers:
        return None
    return min(peers, key=lambda s: (stats.restricted_mean(times[s], budget), -np.isfinite(times[s]).sum()))


def target_table(exp: Experiment) -> pd.DataFrame:
    """One row per (benchmark, target, spec): success, restricted mean and KM median with
    bootstrap 95% intervals, speed-up over random, Mann-Whitney p against ``lanas`` and, for
    LaNAS variants, against the best peer."""
    budget = exp.budget
    rows = []
    for bench in exp.benchmarks():
        times = hitting_times(exp, bench)
        targets = exp.targets(bench) or {}
        for target in (t for t in stats.TARGETS if t in targets):
            per = {s: times[s][target] for s in times}
            peer = best_peer(per, budget)
            for spec, t in per.items():
                row = {"benchmark": bench, "target": target, "target_value": targets[target], "spec": spec,
                       **stats.summarise(t, budget)}
                if REFERENCE in per and spec != REFERENCE:
                    s, lo, hi = stats.speedup(t, per[REFERENCE], budget)
                    row.update(speedup=s, speedup_lo=lo, speedup_hi=hi,
                               speedup_censored=bool(np.isinf(np.r_[t, per[REFERENCE]]).any()))
                if LANAS in per and spec != LANAS:
                    row["p_vs_lanas"] = stats.mann_whitney(t, per[LANAS], budget)
                if peer and ablation.is_family(spec, LANAS):
                    row["best_peer"] = peer
                    row["p_vs_best_peer"] = stats.mann_whitney(t, per[peer], budget)
                rows.append(row)
    return pd.DataFrame(rows)


def run_table(exp: Experiment) -> pd.DataFrame:
    """One row per run: status, samples, wall time, algorithm overhead and final values."""
    rows = []
    for r in sorted(exp.runs, key=lambda r: (r.benchmark, r.spec, r.seed)):
        final = r.best[min(r.samples, len(r.best)) - 1] if r.samples else np.nan
        test = r.incumbent_test[min(r.samples, len(r.best)) - 1] if r.samples and r.incumbent_test is not None else np.nan
        targets = exp.targets(r.benchmark) or {}
        rows.append({"benchmark": r.benchmark, "spec": r.spec, "seed": r.seed, "status": r.status,
                     "samples": r.samples, "budget": r.budget, "wall_s": r.wall_s, "algo_s": r.algo_s,
                     "best_valid": final, "incumbent_test": test, "error": r.error,
                     **{f"samples_to_{t}": stats.hitting_time(r.best, targets[t])
                        for t in stats.TARGETS if t in targets}})
    return pd.DataFrame(rows)


def health_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (benchmark, spec): run counts by status, median wall time and algorithm overhead."""
    rows = []
    for (bench, spec), g in runs.groupby(["benchmark", "spec"], sort=False):
        status = g["status"].value_counts()
        known = sum(int(status.get(k, 0)) for k in ("budget", "exhausted", "stuck", "failed"))
        samples = g["samples"].replace(0, np.nan)
        rows.append({
            "benchmark": bench, "spec": spec, "runs": len(g), "budget_reached": int(status.get("budget", 0)),
            "exhausted": int(status.get("exhausted", 0)), "stuck": int(status.get("stuck", 0)),
            "failed": int(status.get("failed", 0)), "other": len(g) - known,
            "median_wall_s": float(g["wall_s"].median()), "median_algo_s": float(g["algo_s"].median()),
            "algo_s_per_1000": float((1000 * g["algo_s"] / samples).median()),
            "first_error": next((e for e in g["error"] if e), ""),
        })
    return pd.DataFrame(rows)
