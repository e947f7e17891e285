"""Simulated time (``run_all.py --sim-workers K``, runs under ``<exp>/sim/workers-K/``): time to
target in simulated hours with K workers, the GPU-hours that holds, and how the ranking of the
algorithms changes from samples to time.

Time to a target is the simulated finish time of the first evaluation that reaches it. A run
covers simulated time up to its horizon: the time budget when it was stopped by it, else its last
result (a run stopped by the sample budget covers less time when it proposed cheaper cells). Every
statistic of one benchmark and K is taken on the common horizon ``H``, the smallest horizon of
those runs: a target reached after ``H`` counts as not reached, the mean is the restricted mean
(a seed that did not reach the target by ``H`` counts as ``H``), marked ≥ when some seed did not
reach it. So every algorithm of a comparison is cut off at the same time and two lower bounds with
different cut-offs are never ranked. GPU-hours = K x hours (K workers held until the target is
reached).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .. import runformat
from ..load import JUDGED_COLUMNS, Experiment, incumbent_rows, judged_values

TARGET = "top1"
TARGET_LABEL = "top 1% of the table"
_COLUMNS = ("step", "valid", "best_valid", "cost_s", "cached", "sim_finish_s")


@dataclass
class SimRun:
    benchmark: str
    spec: str
    seed: int
    workers: int
    status: str
    source: str
    horizon_h: float  # the simulated time this run covers (its time budget, else its last result)
    finish_h: np.ndarray  # per told row
    best: np.ndarray
    step: np.ndarray  # distinct samples after each told row
    train_h: np.ndarray  # per evaluation (repeats excluded)


def load_sim(exp: Experiment) -> list[SimRun]:
    """Every readable simulated-time run of the folder (unreadable files are skipped)."""
    out = []
    for path in sorted((exp.path / "sim").glob("workers-*/runs/**/*.parquet")):
        if runformat.is_partition(path):
            continue
        try:
            schema = pq.read_schema(path)
            meta = runformat.read_meta(schema)
            judged = [c for c in JUDGED_COLUMNS if c in schema.names]
            t = pq.read_table(path, columns=list(_COLUMNS) + judged).to_pandas()
        except Exception:  # noqa: BLE001 - a half-written or foreign file is not a run
            continue
        finish = t["sim_finish_s"].to_numpy(float) / 3600
        stopped_by_time = meta.get("status") == "time" and meta.get("time_budget_s")
        horizon = meta["time_budget_s"] / 3600 if stopped_by_time else (finish.max() if len(finish) else 0.0)
        out.append(
            SimRun(
                str(meta["benchmark"]),
                str(meta["spec"]),
                int(meta["seed"]),
                int(meta["sim_workers"]),
                str(meta.get("status")),
                str(meta.get("time_source", "")),
                horizon,
                finish,
                _judged_best(t),
                t["step"].to_numpy(int),
                t.loc[~t["cached"], "cost_s"].to_numpy(float) / 3600,
            )
        )
    return out


def _judged_best(t: pd.DataFrame) -> np.ndarray:
    """Per told row, the judged (true) value of the architecture the search would return there."""
    seen = t["best_valid"].to_numpy(float)
    return judged_values(t)[incumbent_rows(seen)] if len(t) else seen


def hours_to(run: SimRun, target: float) -> float:
    hit = np.flatnonzero(run.best >= target - 1e-9)
    return float(run.finish_h[hit[0]]) if hit.size else math.inf


def common_horizon(runs: list[SimRun]) -> float:
    """The simulated hours every one of ``runs`` covers (failed runs are left out)."""
    return min((r.horizon_h for r in runs if r.status != "failed"), default=0.0)


def time_table(exp: Experiment, runs: list[SimRun]) -> pd.DataFrame:
    """One row per (benchmark, spec, K): restricted mean hours to the target on the common horizon
    of that benchmark and K (``horizon_h``), reached/runs."""
    rows = []
    horizons = {
        (b, k): common_horizon([r for r in runs if (r.benchmark, r.workers) == (b, k)])
        for b, k in {(r.benchmark, r.workers) for r in runs}
    }
    for (bench, spec, k), group in _group(runs).items():
        target = (exp.targets(bench) or {}).get(TARGET)
        if target is None:
            continue
        horizon = horizons[bench, k]
        hours = np.array([hours_to(r, target) for r in group])
        reached = hours <= horizon
        ok = [r for r in group if r.status != "failed"]
        rows.append(
            {
                "benchmark": bench,
                "spec": spec,
                "workers": k,
                "runs": len(group),
                "failed": len(group) - len(ok),
                "horizon_h": horizon,
                "reached": int(reached.sum()),
                "mean_hours": float(np.mean(np.minimum(hours, horizon))),
                "censored": bool((~reached).any()),
                "train_h_per_eval": float(np.mean(np.concatenate([r.train_h for r in group]))) if ok else math.nan,
                "source": group[0].source,
            }
        )
    df = pd.DataFrame(rows)
    if len(df):
        df["gpu_hours"] = df["mean_hours"] * df["workers"]
    return df


def _group(runs: list[SimRun]) -> dict[tuple[str, str, int], list[SimRun]]:
    out: dict[tuple[str, str, int], list[SimRun]] = {}
    for r in sorted(runs, key=lambda r: (r.benchmark, r.spec, r.workers, r.seed)):
        out.setdefault((r.benchmark, r.spec, r.workers), []).append(r)
    return out


def samples_scores(runs: list[SimRun], bench: str, target: float, specs: list[str]) -> dict[str, tuple]:
    """Per spec (restricted mean samples to the target, -reached) in its K = min runs (the runs the
    hours come from), at the sample count every one of those runs reached (a common horizon: an
    algorithm that trains cheaper architectures gets more samples into the time budget)."""
    k = min(r.workers for r in runs if r.benchmark == bench)
    mine = {s: [r for r in runs if (r.benchmark, r.spec, r.workers) == (bench, s, k)] for s in specs}
    horizon = min((int(r.step[-1]) if len(r.step) else 0) for rs in mine.values() for r in rs)
    score = {}
    for spec, rs in mine.items():
        hits = [np.flatnonzero(r.best >= target - 1e-9) for r in rs]
        n = np.array([min(int(r.step[h[0]]), horizon) if h.size else horizon for r, h in zip(rs, hits)])
        score[spec] = (round(float(n.mean()), 9), -int((n < horizon).sum()))
    return score


def _chain(score: dict[str, tuple]) -> tuple[str, dict[str, int]]:
    """``a < b = c`` (best first, equal scores tied) and each spec's place (1 + how many are better)."""
    order = sorted(score, key=score.__getitem__)
    place = {s: 1 + sum(score[o] < score[s] for o in score) for s in order}
    text = f"`{order[0]}`"
    for prev, spec in zip(order, order[1:]):
        text += f" {'=' if score[prev] == score[spec] else '<'} `{spec}`"
    return text, place


def ranking_sentence(exp: Experiment, runs: list[SimRun], bench: str, table: pd.DataFrame) -> str:
    sub = table[(table["benchmark"] == bench) & (table["failed"] == 0)]
    specs = list(dict.fromkeys(sub["spec"]))
    text, by_samples = _chain(samples_scores(runs, bench, (exp.targets(bench) or {})[TARGET], specs))
    parts = [f"by samples (in the K = {min(sub['workers'])} runs) {text}"]
    for k in sorted(sub["workers"].unique()):
        rows = sub[sub["workers"] == k]
        text, by_hours = _chain({r.spec: (round(r.mean_hours, 9), -r.reached) for r in rows.itertuples()})
        moved = [
            f"`{s}` {by_samples[s] - by_hours[s]:+d}"
            for s in by_hours
            if s in by_samples and by_samples[s] != by_hours[s]
        ]
        parts.append(
            f"by hours with K = {k} (all cut off at {rows['horizon_h'].iloc[0]:.1f} h): {text}"
            + (f" (places gained: {', '.join(moved)})" if moved else " (unchanged)")
        )
    return f"**{bench}**, mean to the {TARGET_LABEL} (best first): " + "; ".join(parts) + "."
