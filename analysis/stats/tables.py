"""The numbers behind the report: hitting times, the samples-to-target table, run health.

Every table is a pandas DataFrame, written as CSV under ``<exp>/tables/`` for notebooks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import families
from ..load import Experiment
from . import censored

REFERENCE = "random"
LANAS = "lanas"


def random_expectation(exp: Experiment, bench: str, target: str) -> tuple[float, int] | None:
    """Expected distinct samples for uniform random search without replacement to first draw one
    of the ``k`` architectures that reach ``target`` among ``N``: ``(N+1)/(k+1)``; returns it with
    ``k`` (``k`` = 1, a unique optimum, assumed by manifests older than ``at_target``)."""
    info = exp.info(bench)
    size = info.get("size")
    if not size or target not in (exp.targets(bench) or {}):
        return None
    k = int(((info.get("at_target") or {}).get(target)) or (1 if target == "optimum" else 0))
    return ((size + 1) / (k + 1), k) if k else None


def pooled(
    series: families.Series, times: dict[str, dict[str, np.ndarray]], target: str
) -> tuple[np.ndarray, np.ndarray]:
    """(option value, samples to ``target``) for every seed of every point of a numeric series."""
    xs = [np.full(len(times[s][target]), float(v)) for v, s in series.points]
    return np.concatenate(xs), np.concatenate([times[s][target] for _, s in series.points])


def hitting_times(exp: Experiment, benchmark: str) -> dict[str, dict[str, np.ndarray]]:
    """``times[spec][target]``: samples to each target per seed (inf when never reached; a failed
    or stuck run that had not reached the target counts as not reached, so it stays in every
    denominator). Computed once per experiment (kept in ``exp.memo``); callers do not change it."""
    key = ("hitting_times", benchmark, len(exp.runs))
    if key not in exp.memo:
        targets = exp.targets(benchmark) or {}
        out: dict[str, dict[str, np.ndarray]] = {}
        for spec in exp.specs(benchmark):
            runs = exp.runs_of(benchmark, spec)
            out[spec] = {
                t: np.array([censored.hitting_time(r.best, targets[t]) for r in runs])
                for t in censored.TARGETS
                if t in targets
            }
        exp.memo[key] = out
    return exp.memo[key]


def all_failed(exp: Experiment, bench: str) -> list[str]:
    """Specs whose every run on ``bench`` failed: the report names them and ranks them nowhere
    (what they reached before failing says nothing of the algorithm)."""
    return [s for s in exp.specs(bench) if all(r.status == "failed" for r in exp.runs_of(bench, s))]


def main_specs(exp: Experiment, bench: str, times: dict[str, dict[str, np.ndarray]] | None = None) -> list[str]:
    """:func:`families.main_specs` scored by the restricted mean samples to the optimum."""
    times = times if times is not None else hitting_times(exp, bench)
    score = {s: censored.restricted_mean(t["optimum"], exp.budget) for s, t in times.items() if "optimum" in t}
    return families.main_specs(exp.specs(bench), score)


def best_peer(times: dict[str, np.ndarray], budget: float) -> str | None:
    """The non-LaNAS spec with the smallest restricted mean (ties: more successes)."""
    peers = [s for s in times if not families.is_family(s, LANAS)]
    if not peers:
        return None
    return min(peers, key=lambda s: (censored.restricted_mean(times[s], budget), -np.isfinite(times[s]).sum()))


def target_table(exp: Experiment) -> pd.DataFrame:
    """One row per (benchmark, target, spec): success, restricted mean and KM median with
    bootstrap 95% intervals, speed-up over random, Mann-Whitney p against ``lanas`` and, for
    LaNAS variants, against the best peer, Holm-adjusted over the table (see :func:`_adjust`)."""
    budget = exp.budget
    rows = []
    for bench in exp.benchmarks():
        times = hitting_times(exp, bench)
        targets = exp.targets(bench) or {}
        for target in (t for t in censored.TARGETS if t in targets):
            per = {s: times[s][target] for s in times}
            peer = best_peer(per, budget)
            for spec, t in per.items():
                row = {
                    "benchmark": bench,
                    "target": target,
                    "target_value": targets[target],
                    "spec": spec,
                    **censored.summarise(t, budget),
                }
                if REFERENCE in per and spec != REFERENCE:
                    s, lo, hi = censored.speedup(t, per[REFERENCE], budget)
                    row.update(
                        speedup=s,
                        speedup_lo=lo,
                        speedup_hi=hi,
                        speedup_censored=bool(np.isinf(np.r_[t, per[REFERENCE]]).any()),
                    )
                if LANAS in per and spec != LANAS:
                    row["p_vs_lanas"] = censored.mann_whitney(t, per[LANAS], budget)
                if peer and families.is_family(spec, LANAS):
                    row["best_peer"] = peer
                    row["p_vs_best_peer"] = censored.mann_whitney(t, per[peer], budget)
                rows.append(row)
            _adjust(rows[len(rows) - len(per) :])
    return pd.DataFrame(rows)


P_COLUMNS = ("p_vs_lanas", "p_vs_best_peer")


def _adjust(rows: list[dict]) -> None:
    """Holm over the comparisons of one (benchmark, target) table, both columns together (the
    best peer is chosen on the same data, so its comparisons count in the family), each distinct
    pair of specs once: ``lanas`` against its best peer is that peer's "vs lanas" cell too. The raw
    p-values are kept as ``<column>_raw``."""
    other = {"p_vs_lanas": lambda r: LANAS, "p_vs_best_peer": lambda r: r["best_peer"]}
    cells = [(r, c, frozenset((r["spec"], other[c](r)))) for r in rows for c in P_COLUMNS if c in r]
    family = {pair: r[c] for r, c, pair in reversed(cells)}  # one p per pair (the same test either way)
    adjusted = dict(zip(family, censored.holm(list(family.values()))))
    for r, c, pair in cells:
        r[f"{c}_raw"], r[c] = r[c], float(adjusted[pair])


def run_table(exp: Experiment) -> pd.DataFrame:
    """One row per run: status, samples, wall time, algorithm overhead and final values."""
    rows = []
    position = {id(r): i for b in exp.benchmarks() for s in exp.specs(b) for i, r in enumerate(exp.runs_of(b, s))}
    for r in sorted(exp.runs, key=lambda r: (r.benchmark, r.spec, r.seed)):
        times = hitting_times(exp, r.benchmark).get(r.spec)  # None: the spec never told a proposal
        final = r.best[min(r.samples, len(r.best)) - 1] if r.samples else np.nan
        test = (
            r.incumbent_test[min(r.samples, len(r.best)) - 1] if r.samples and r.incumbent_test is not None else np.nan
        )
        targets = exp.targets(r.benchmark) or {}
        rows.append(
            {
                "benchmark": r.benchmark,
                "spec": r.spec,
                "seed": r.seed,
                "status": r.status,
                "samples": r.samples,
                "budget": r.budget,
                "wall_s": r.wall_s,
                "algo_s": r.algo_s,
                "best_valid": final,
                "incumbent_test": test,
                "error": r.error,
                **{
                    f"samples_to_{t}": float(times[t][position[id(r)]]) if times else np.inf
                    for t in censored.TARGETS
                    if t in targets
                },
            }
        )
    return pd.DataFrame(rows)


def health_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (benchmark, spec): run counts by status, median wall time and algorithm overhead."""
    rows = []
    for (bench, spec), g in runs.groupby(["benchmark", "spec"], sort=False):
        status = g["status"].value_counts()
        known = sum(int(status.get(k, 0)) for k in ("budget", "exhausted", "stuck", "failed"))
        samples = g["samples"].replace(0, np.nan)
        tail = (
            censored.tail(g["samples_to_optimum"].to_numpy(dtype=float), int(g["budget"].max()))
            if "samples_to_optimum" in g and g["samples_to_optimum"].notna().all()
            else {}
        )
        rows.append(
            {
                "benchmark": bench,
                "spec": spec,
                "runs": len(g),
                "budget_reached": int(status.get("budget", 0)),
                "exhausted": int(status.get("exhausted", 0)),
                "stuck": int(status.get("stuck", 0)),
                "failed": int(status.get("failed", 0)),
                "other": len(g) - known,
                "median_wall_s": float(g["wall_s"].median()),
                "median_algo_s": float(g["algo_s"].median()),
                "algo_s_per_1000": float((1000 * g["algo_s"] / samples).median()),
                "first_error": next((e for e in g["error"] if e), ""),
                **{k: tail.get(k, np.nan) for k in ("tail_limit", "tail_beyond_limit", "tail_10x_lo", "tail_10x_hi")},
            }
        )
    return pd.DataFrame(rows)
