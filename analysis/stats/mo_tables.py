"""The numbers of multi-objective runs (:mod:`analysis.stats.hypervolume`) as tidy frames: samples
to a fraction of HV* per (benchmark, spec) with the censoring machinery of one objective
(:func:`analysis.stats.censored.summarise`), IGD+ and HV regret at the budget, and ranks across
tables (Friedman, Nemenyi's critical difference) of the mean HV regret, as for one objective."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import Experiment
from . import censored, crossbench
from .hypervolume import FRACTIONS, MORun, mo_runs


def by_spec(exp: Experiment) -> dict[str, dict[str, list[MORun]]]:
    """``{benchmark: {spec: runs by seed}}`` in the manifest's order of specs."""
    out: dict[str, dict[str, list[MORun]]] = {}
    for run in sorted(mo_runs(exp), key=lambda r: r.seed):
        out.setdefault(run.benchmark, {}).setdefault(run.spec, []).append(run)
    order = {s: i for i, s in enumerate(exp.specs())}
    return {b: dict(sorted(d.items(), key=lambda kv: order.get(kv[0], len(order)))) for b, d in sorted(out.items())}


def hv_regret(exp: Experiment) -> dict[str, dict[str, np.ndarray]]:
    """``{benchmark: {spec: (seeds, horizon)}}`` of ``1 - HV / HV*`` after each distinct sample."""
    return {b: {s: np.array([1.0 - r.ratio for r in runs]) for s, runs in d.items()} for b, d in by_spec(exp).items()}


def mo_statistics(exp: Experiment, horizon: int | None = None) -> pd.DataFrame:
    """A row per (benchmark, fraction of HV*, spec): the columns of ``exp.statistics()``'s rows
    for one objective (``runs, reached, success, mean, mean_lo, mean_hi, median, ...``) with
    ``target`` = ``hv90`` .. ``hv100``, and the median IGD+ and HV regret at the budget.
    ``horizon`` (at most the budget): judged as if every run had stopped after that many distinct
    samples (later hits censored there; IGD+, known at the end of a run only, then NaN)."""
    h = exp.budget if horizon is None else horizon
    if not 1 <= h <= exp.budget:
        raise ValueError(f"horizon {h} outside 1..{exp.budget} (the budget of {exp.path})")
    rows = []
    for bench, specs in by_spec(exp).items():
        for frac in FRACTIONS:
            for spec, runs in specs.items():
                times = np.array([r.times[frac] if r.times[frac] <= h else np.inf for r in runs])
                rows.append(
                    {
                        "benchmark": bench,
                        "target": f"hv{round(frac * 100)}",
                        "spec": spec,
                        **censored.summarise(times, h),
                        "igd_plus": float(np.median([r.igd_plus for r in runs])) if h == exp.budget else np.nan,
                        "hv_regret": float(np.median([1.0 - r.ratio[min(h, len(r.ratio)) - 1] for r in runs])),
                    }
                )
    return pd.DataFrame(rows)


def mo_ranks(exp: Experiment) -> dict | None:
    """Ranks of the mean HV regret across tables at the budget: average ranks, Friedman's test,
    the critical difference and its groups; None with fewer than two tables or specs in common."""
    regret = hv_regret(exp)
    specs = [s for s in exp.specs() if all(s in d for d in regret.values())]
    if len(regret) < 2 or len(specs) < 2:
        return None
    table = crossbench.rank_table(regret, specs, exp.budget)
    final = table[table["fraction"] == 1.0].pivot(index="benchmark", columns="spec", values="rank")[specs]
    avg = dict(zip(specs, final.mean(axis=0)))
    cd = crossbench.critical_difference(len(specs), len(final))
    chi2, p = crossbench.friedman(final.to_numpy())
    return {"table": table, "avg": avg, "cd": cd, "groups": crossbench.groups(avg, cd), "chi2": chi2, "p": p}
