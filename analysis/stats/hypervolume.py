"""Multi-objective runs judged on the exact Pareto front (benchmarks named with ``objectives=``).

The manifest records each such benchmark's objectives, directions, ideal and nadir points, exact
front and reference point; the analysis rebuilds them as the benchmark's
:class:`benchmarks.objectives.Objectives`, which does the maths (normalised costs, 0 at the front's
ideal and 1 at its nadir; the hypervolume against the reference point; HV*). Per run:

- ``hv[i]``: hypervolume (moocore) of the first ``i + 1`` distinct samples; HV regret
  ``1 - hv / HV*``;
- samples to reach a fraction of HV* (:data:`FRACTIONS`), censored at the budget when never
  reached, summarised as for one objective (:func:`analysis.stats.censored.summarise`);
- IGD+ (moocore) of the final non-dominated samples to the exact front, in normalised units.

The hypervolume is kept incrementally: a sample weakly dominated by the current non-dominated
set leaves it unchanged; any other replaces what it dominates and the set's hypervolume is
recomputed (tests/analysis/test_hypervolume.py measures the cost per sample).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import moocore
import numpy as np
import pyarrow.parquet as pq

from benchmarks.objectives import Objectives

from .. import runformat
from ..load import Experiment

FRACTIONS = (0.9, 0.95, 0.99, 1.0)
_TOL = 1e-9


def hv_curve(points: np.ndarray, objectives: Objectives) -> tuple[np.ndarray, np.ndarray]:
    """Hypervolume after each of ``points`` (normalised costs, in sample order), and the final
    non-dominated set."""
    out = np.zeros(len(points))
    nd = np.zeros((0, points.shape[1]))
    hv = 0.0
    for i, p in enumerate(points):
        if not (len(nd) and np.any(np.all(nd <= p, axis=1))):
            nd = np.vstack([nd[~np.all(p <= nd, axis=1)], p])
            hv = objectives.hypervolume(nd)
        out[i] = hv
    return out, nd


def hits(ratio: np.ndarray, fraction: float) -> float:
    """Distinct samples after which ``hv / HV*`` first reaches ``fraction`` (inf if never)."""
    hit = np.flatnonzero(np.asarray(ratio) >= fraction - _TOL)
    return float(hit[0] + 1) if len(hit) else np.inf


@dataclass
class MORun:
    benchmark: str
    spec: str
    seed: int
    budget: int
    ratio: np.ndarray  # hv / HV* after each distinct sample, padded to the horizon with the last value
    found: np.ndarray  # the final non-dominated samples, normalised
    igd_plus: float
    times: dict[float, float]


def fronts(exp: Experiment) -> dict[str, Objectives]:
    """The multi-objective benchmarks of ``exp`` with their objectives (exact front included)."""
    return {
        b: Objectives.from_info(exp.info(b)["objectives"]) for b in exp.benchmarks() if exp.info(b).get("objectives")
    }


def _read(path: Path, front: Objectives, budget: int, horizon: int) -> MORun | None:
    meta = runformat.read_meta(pq.read_schema(path))
    columns = [runformat.OBJECTIVE_PREFIX + n for n in front.names]
    table = pq.read_table(path, columns=["cached", *columns]).to_pandas()
    fresh = table[~table["cached"].to_numpy(dtype=bool)]
    points = front.normalise(fresh[columns].to_numpy(dtype=float))
    if not len(points):
        return None
    curve, nd = hv_curve(points, front)
    ratio = curve / front.best_hypervolume
    padded = np.concatenate([ratio, np.full(max(0, horizon - len(ratio)), ratio[-1])])[:horizon]
    return MORun(
        str(meta["benchmark"]),
        str(meta["spec"]),
        int(meta["seed"]),
        budget,
        padded,
        nd,
        float(moocore.igd_plus(nd, ref=front.normalise(front.front))),
        {f: hits(ratio, f) for f in FRACTIONS},
    )


def mo_runs(exp: Experiment) -> list[MORun]:
    """Every readable run on a multi-objective benchmark of ``exp`` (computed once per analysis)."""
    if "mo_runs" in exp.memo:
        return exp.memo["mo_runs"]
    known = fronts(exp)
    out = []
    for path in sorted((exp.path / "runs").rglob("*.parquet")):
        if runformat.is_partition(path):
            continue
        try:
            meta = runformat.read_meta(pq.read_schema(path))
            front = known.get(str(meta["benchmark"]))
            run = None if front is None else _read(path, front, exp.budget, exp.horizon)
        except (OSError, KeyError, ValueError):  # load() lists unreadable files already
            continue
        if run is not None:
            out.append(run)
    exp.memo["mo_runs"] = out
    return out
