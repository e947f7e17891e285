"""An experiment folder as two tidy pandas frames, for notebooks; the report is built from the second.

- :func:`proposals`: a row per told proposal of every run (simulated-time runs included);
- :func:`statistics`: a row per (benchmark, target, spec) with the report's numbers (reached,
  restricted mean and KM median with their intervals, speed-up against random, p-values), the
  frame behind the report's tables and ``tables/samples_to_target.csv``.

Both read any folder the harness wrote, from the command line or from Python, older ones
included (no ``valid_mean`` / ``true_valid`` column: the judged value is the value seen).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from . import runformat
from .errors import check_folder
from .load import JUDGED_COLUMNS, Experiment, incumbent_rows, judged_values, load
from .stats import tables
from .stats.mo_tables import mo_statistics

log = logging.getLogger(__name__)

#: the frame's leading columns; the run file's other columns (the simulated clock's) follow
FIRST = (
    "benchmark",
    "spec",
    "seed",
    "sim_workers",
    "step",
    "proposal",
    "arch",
    "valid",
    "true_valid",
    "best_valid",
    "best_true_valid",
    "test",
    "cost_s",
    "cached",
    "algo_s",
)


def _files(path: Path) -> list[tuple[Path, int]]:
    """Every run file with its simulated worker count (0: an ordinary run)."""
    found = [(f, 0) for f in sorted((path / "runs").rglob("*.parquet"))]
    for folder in sorted((path / "sim").glob("workers-*")):
        k = int(folder.name.split("-")[1]) if folder.name.split("-")[1].isdigit() else -1
        found += [(f, k) for f in sorted((folder / "runs").rglob("*.parquet"))]
    return [(f, k) for f, k in found if not runformat.is_partition(f)]


def _one(path: Path, sim_workers: int) -> pd.DataFrame:
    table = pq.read_table(path)
    meta = runformat.read_meta(table.schema)
    df = table.to_pandas()
    judged = judged_values(df)
    df = df.drop(columns=[c for c in JUDGED_COLUMNS if c in df])
    df["true_valid"] = judged
    # the judged value of the architecture the search would return: its best by the value it saw
    df["best_true_valid"] = judged[incumbent_rows(df["best_valid"].to_numpy(dtype=float))] if len(df) else judged
    df["benchmark"], df["spec"], df["seed"] = str(meta["benchmark"]), str(meta["spec"]), int(meta["seed"])
    df["sim_workers"] = int(meta.get("sim_workers") or sim_workers)
    return df


def proposals(exp_dir: Path | str) -> pd.DataFrame:
    """A row per told proposal of every run in ``exp_dir`` (repeats included, ``cached`` true):
    ``benchmark, spec, seed, sim_workers`` (0 unless a simulated-time run), ``step`` (distinct
    samples so far), ``proposal``, ``arch``, ``valid`` (the value the algorithm saw),
    ``true_valid`` (the judged value: the benchmark's own where the search saw an estimate),
    ``best_valid`` (the best value seen so far) / ``best_true_valid`` (the judged value of the
    architecture with that best seen value: what the search would return there), ``test``, ``cost_s``, ``cached``,
    ``algo_s``, then ``worker, sim_start_s, sim_finish_s`` where the run has a simulated clock.
    Unreadable files are left out with a warning, as the report does."""
    path = check_folder(Path(exp_dir))
    parts = []
    for f, k in _files(path):
        try:
            parts.append(_one(f, k))
        except Exception as exc:  # one bad file must not hide the rest (the report lists it)
            log.warning("left out unreadable file %s: %s", f.relative_to(path), f"{type(exc).__name__}: {exc}")
    if not parts:
        return pd.DataFrame(columns=list(FIRST))
    df = pd.concat(parts, ignore_index=True)
    df = df[[c for c in FIRST if c in df] + [c for c in df if c not in FIRST]]
    for column in ("benchmark", "spec"):
        df[column] = df[column].astype("category")
    return df.sort_values(["sim_workers", "benchmark", "spec", "seed", "proposal"], kind="stable", ignore_index=True)


def statistics(exp: Experiment | Path | str) -> pd.DataFrame:
    """A row per (benchmark, target, spec) of the ordinary runs: ``runs, reached, success``, the
    restricted ``mean`` with ``mean_lo, mean_hi`` (bootstrap 95%; ``mean_censored``: a lower
    bound), the Kaplan-Meier ``median`` with ``median_lo, median_hi`` (order-statistic interval,
    ``median_coverage``), ``speedup`` over random with its interval, and Mann-Whitney
    ``p_vs_lanas`` / ``p_vs_best_peer``: what ``report.md`` prints, from the same function.
    Runs on a noisy (or proxy-evaluated) table are judged on the benchmark's own values. A benchmark with
    several objectives adds rows with targets ``hv90`` .. ``hv100`` (:mod:`analysis.stats.mo_tables`)."""
    if not isinstance(exp, Experiment):
        exp = load(exp)
    several = mo_statistics(exp)  # benchmarks with several objectives: targets hv90 .. hv100
    return (
        tables.target_table(exp) if several.empty else pd.concat([tables.target_table(exp), several], ignore_index=True)
    )
