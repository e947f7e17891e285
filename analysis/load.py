"""Read an experiment folder (``results/<exp>/``) into memory.

Analysis reads only what the harness wrote (format: :mod:`analysis.runformat`): ``manifest.json``
and one Parquet file per (benchmark, spec, seed) whose key-value metadata describes the run. Paths are never parsed; everything comes from the metadata and the manifest. A file that
does not read back (truncated, corrupt, unreadable) is left out with a warning and listed in
the report. Curves are as long as the longest run (at most the budget), so memory and time
grow with the samples taken, not with the budget.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from . import runformat
from .errors import AnalysisError, check_folder

log = logging.getLogger(__name__)

#: the judged value's column, newest name first (folders of noisy runs before ``true_valid``: ``valid_mean``)
JUDGED_COLUMNS = ("true_valid", runformat.OLD_TRUE_VALID)
#: the attribute of the warning record of a file left out (see :func:`_left_out`)
LEFT_OUT = "left_out"
#: columns analysis needs from a run's table
_COLUMNS = ("step", "valid", "test", "best_valid", "algo_s", "true_test", *JUDGED_COLUMNS)


@dataclass
class Run:
    """One (benchmark, spec, seed) run, reduced to per-sample curves.

    After ``i + 1`` distinct samples the incumbent is the architecture the search would return (the
    best by the value it saw); ``best[i]`` / ``incumbent_test[i]`` are its *true* validation and test
    values (``true_valid``/``true_test``; the same as what the search saw on a plain table) and
    ``seen[i]`` the best value the search saw. A run that ended early keeps its last value up to the
    experiment's :attr:`Experiment.horizon` (``samples`` says where it really ended); ``estimated``:
    the search saw values other than the truth (a noisy or proxy evaluator).
    """

    benchmark: str
    spec: str
    seed: int
    budget: int
    status: str
    error: str
    wall_s: float
    algo_s: float
    samples: int
    best: np.ndarray
    incumbent_test: np.ndarray | None
    partition: Path | None = None
    seen: np.ndarray | None = None
    estimated: bool = False


@dataclass
class Experiment:
    path: Path
    manifest: dict[str, Any]
    runs: list[Run] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path: why", shown in the report
    #: results computed once per analysis (e.g. hitting times, see ``tables.hitting_times``)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def budget(self) -> int:
        return int(self.manifest.get("budget") or max(r.budget for r in self.runs))

    @property
    def horizon(self) -> int:
        """Length of every run's curves: the most samples any run took (at most the budget)."""
        return len(self.runs[0].best) if self.runs else 0

    def benchmarks(self) -> list[str]:
        return sorted({r.benchmark for r in self.runs})

    def specs(self, benchmark: str | None = None) -> list[str]:
        """Specs in manifest order (then any others, sorted), present for ``benchmark`` with at
        least one told proposal (a spec whose every run failed before its first sample has no
        curve, rank or statistic: :meth:`never_ran` lists it, the run table keeps its runs)."""
        present = {r.spec for r in self.runs if (benchmark is None or r.benchmark == benchmark) and r.samples}
        order = [s for s in self.manifest.get("algorithms", []) if s in present]
        return order + sorted(present - set(order))

    def never_ran(self) -> list[tuple[str, str]]:
        """(benchmark, spec) pairs whose runs are all on disk without a single told proposal."""
        pairs = {(r.benchmark, r.spec) for r in self.runs}
        return sorted((b, s) for b, s in pairs if not any(r.samples for r in self.runs_of(b, s)))

    def failed_runs(self) -> int:
        """Runs that ended with an error (their one-line causes are in the report's health table)."""
        return sum(r.status == "failed" for r in self.runs)

    def runs_of(self, benchmark: str, spec: str) -> list[Run]:
        return sorted((r for r in self.runs if r.benchmark == benchmark and r.spec == spec), key=lambda r: r.seed)

    def info(self, benchmark: str) -> dict[str, Any]:
        return (self.manifest.get("benchmarks") or {}).get(benchmark) or {}

    def targets(self, benchmark: str) -> dict[str, float] | None:
        return self.info(benchmark).get("targets") or None


def _left_out(entry: str) -> None:
    """Warn of a file left out (``entry``: "path: why"); the record carries it as ``left_out`` for
    ``python -m analysis``, which exits non-zero when files were left out."""
    log.warning("left out unreadable file %s", entry, extra={LEFT_OUT: entry})


def _column(table: pd.DataFrame, name: str) -> np.ndarray | None:
    values = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float) if name in table else None
    return values if values is not None and np.isfinite(values).any() else None


def judged_values(table: pd.DataFrame) -> np.ndarray:
    """Per row of a run, the value the analysis judges: the benchmark's own value where the run
    recorded one (the search saw an estimate), else the value the search saw."""
    seen = pd.to_numeric(table["valid"], errors="coerce").to_numpy(dtype=float)
    for name in JUDGED_COLUMNS:
        truth = _column(table, name)
        if truth is not None:
            return np.where(np.isfinite(truth), truth, seen)
    return seen


def incumbent_rows(best_valid: np.ndarray) -> np.ndarray:
    """For each row of a run, the row of the architecture the search would return there: the first
    row where the best value it saw (``best_valid``) reached its current level."""
    improved = np.r_[True, best_valid[1:] > best_valid[:-1]]
    return np.maximum.accumulate(np.where(improved, np.arange(len(best_valid)), 0))


def _curves(table: pd.DataFrame, horizon: int) -> tuple[np.ndarray, np.ndarray | None, int, np.ndarray, bool]:
    """Per-sample true value and true test value of the incumbent, padded to ``horizon``, the samples
    taken, the best value seen, and whether the seen values differ from the truth."""
    if table.empty:
        return np.full(horizon, np.nan), None, 0, np.full(horizon, np.nan), False
    step = table["step"].to_numpy(dtype=np.int64)
    best = table["best_valid"].to_numpy(dtype=float)
    inc_row = incumbent_rows(best)  # what the search saw selects
    valid = pd.to_numeric(table["valid"], errors="coerce").to_numpy(dtype=float)
    true = judged_values(table)
    test = _column(table, "true_test")
    test = test if test is not None else _column(table, "test")
    samples = int(step.max())
    n = np.arange(1, horizon + 1)
    # the last row with step <= n is the state after n distinct samples
    last = np.searchsorted(step, np.minimum(n, samples), side="right") - 1
    judged = true[inc_row[last]]
    estimated = bool(np.any(np.abs(true - valid) > 1e-12))
    return judged, None if test is None else test[inc_row[last]], samples, best[last], estimated


def _meta(path: Path) -> dict[str, Any]:
    try:
        return runformat.read_meta(pq.read_schema(path))
    except KeyError:
        raise AnalysisError(
            f"{path}: no {runformat.META_KEY.decode()!r} metadata; not a run written by the harness"
        ) from None


def _read(path: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    meta = _meta(path)
    names = set(pq.read_schema(path).names)
    return meta, pq.read_table(path, columns=[c for c in _COLUMNS if c in names]).to_pandas()


def _run(path: Path, meta: dict[str, Any], table: pd.DataFrame, budget: int, horizon: int) -> Run:
    best, test, samples, seen, estimated = _curves(table, horizon)
    partition = runformat.partition_path(path)
    return Run(
        benchmark=str(meta["benchmark"]),
        spec=str(meta["spec"]),
        seed=int(meta["seed"]),
        budget=budget,
        status=str(meta.get("status", "unknown")),
        error=str(meta.get("error") or ""),
        wall_s=float(meta.get("wall_s") or np.nan),
        algo_s=float(table["algo_s"].iloc[-1]) if len(table) and "algo_s" in table else np.nan,
        samples=samples,
        best=best,
        incumbent_test=test,
        partition=partition if partition.exists() else None,
        seen=seen,
        estimated=estimated,
    )


def _readable_partition(run: Run, exp: Experiment) -> None:
    """Drop (with a warning) a partition side file that does not read back."""
    if run.partition is None:
        return
    try:
        load_partition(run.partition)
    except Exception as exc:  # truncated or corrupt: the figure is left out, the run is kept
        exp.unreadable.append(f"{run.partition.relative_to(exp.path)}: {type(exc).__name__}: {exc}".splitlines()[0])
        _left_out(exp.unreadable[-1])
        run.partition = None


def load(exp_dir: Path | str) -> Experiment:
    """Load ``results/<exp>``; raises :class:`AnalysisError` with one line when it is not usable.
    Unreadable run and partition files are left out with a warning (``Experiment.unreadable``)."""
    path = check_folder(Path(exp_dir))
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"{manifest_path} is unreadable: {exc}") from None
    if not isinstance(manifest, dict):
        raise AnalysisError(f"{manifest_path} is not a manifest (a JSON object expected)")
    files = sorted(p for p in (path / "runs").rglob("*.parquet") if not runformat.is_partition(p))
    if not files:
        raise AnalysisError(f"{path} holds no runs yet (no Parquet files under {path / 'runs'})")
    exp = Experiment(path, manifest)
    read = []
    for f in files:
        try:
            meta, table = _read(f)
            read.append((f, meta, table, int(manifest.get("budget") or meta.get("budget") or 0)))
        except Exception as exc:  # one bad file must not hide the rest; the report lists it
            exp.unreadable.append(f"{f.relative_to(path)}: {type(exc).__name__}: {exc}".splitlines()[0])
            _left_out(exp.unreadable[-1])
    steps = max((int(t["step"].max()) for _, _, t, _ in read if len(t)), default=0)
    horizon = max(1, min(max((b for *_, b in read), default=0) or steps, steps))
    for f, meta, table, budget in read:
        try:
            exp.runs.append(_run(f, meta, table, budget, horizon))
        except Exception as exc:  # metadata without the fields a run needs
            exp.unreadable.append(f"{f.relative_to(path)}: {type(exc).__name__}: {exc}".splitlines()[0])
            _left_out(exp.unreadable[-1])
    if not exp.runs:
        raise AnalysisError(
            f"no readable run in {path / 'runs'} ({len(files)} unreadable files, e.g. {exp.unreadable[0]})"
        )
    for run in exp.runs:
        _readable_partition(run, exp)
    return exp


def load_partition(path: Path) -> pd.DataFrame:
    return pq.read_table(path, columns=["leaf", "valid"]).to_pandas()
