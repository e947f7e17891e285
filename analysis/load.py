"""Read an experiment folder (``results/<exp>/``) into memory.

Analysis reads only what the experiment module wrote (DESIGN.md, "Results"): ``manifest.json``
and one Parquet file per (benchmark, spec, seed) whose key-value metadata ``lanas`` describes the
run. Paths are never parsed; everything comes from the metadata and the manifest.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .errors import AnalysisError, check_folder

#: columns analysis needs from a run's table
_COLUMNS = ("step", "valid", "test", "best_valid", "algo_s")
_PARTITION = ".partition.parquet"


@dataclass
class Run:
    """One (benchmark, spec, seed) run, reduced to per-sample curves.

    ``best[i]`` / ``incumbent_test[i]`` are the best validation value and the test value of the
    incumbent (chosen by validation) after ``i + 1`` distinct samples; a run that ended early
    keeps its last value up to the budget (``samples`` says where it really ended).
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


@dataclass
class Experiment:
    path: Path
    manifest: dict[str, Any]
    runs: list[Run] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path: why", shown in the report

    @property
    def budget(self) -> int:
        return int(self.manifest.get("budget") or max(r.budget for r in self.runs))

    def benchmarks(self) -> list[str]:
        return sorted({r.benchmark for r in self.runs})

    def specs(self, benchmark: str | None = None) -> list[str]:
        """Specs in manifest order (then any others, sorted), present for ``benchmark``."""
        present = {r.spec for r in self.runs if benchmark is None or r.benchmark == benchmark}
        order = [s for s in self.manifest.get("algorithms", []) if s in present]
        return order + sorted(present - set(order))

    def runs_of(self, benchmark: str, spec: str) -> list[Run]:
        return sorted((r for r in self.runs if r.benchmark == benchmark and r.spec == spec),
                      key=lambda r: r.seed)

    def info(self, benchmark: str) -> dict[str, Any]:
        return (self.manifest.get("benchmarks") or {}).get(benchmark) or {}

    def targets(self, benchmark: str) -> dict[str, float] | None:
        return self.info(benchmark).get("targets") or None


def _curves(table: pd.DataFrame, budget: int) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Per-sample best-so-far validation value and incumbent test value, padded to ``budget``."""
    if table.empty:
        return np.full(budget, np.nan), None, 0
    step = table["step"].to_numpy(dtype=np.int64)
    best = table["best_valid"].to_numpy(dtype=float)
    # the incumbent changes on the first row where best_valid improves (validation selects)
    improved = np.r_[True, best[1:] > best[:-1]]
    inc_row = np.maximum.accumulate(np.where(improved, np.arange(len(best)), 0))
    test = pd.to_numeric(table["test"], errors="coerce").to_numpy(dtype=float) if "test" in table else None
    has_test = test is not None and np.isfinite(test).any()
    samples = int(step.max())
    n = np.arange(1, budget + 1)
    # the last row with step <= n is the state after n distinct samples
    last = np.searchsorted(step, np.minimum(n, samples), side="right") - 1
    out_best = best[last]
    out_test = test[inc_row[last]] if has_test else None
    return out_best, out_test, samples


def _meta(path: Path) -> dict[str, Any]:
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"lanas")
    if raw is None:
        raise AnalysisError(f"{path}: no 'lanas' metadata; not a run written by the experiment module")
    return json.loads(raw)


def load_run(path: Path, budget: int | None = None) -> Run:
    meta = _meta(path)
    budget = int(budget or meta.get("budget") or 0)
    names = set(pq.read_schema(path).names)
    table = pq.read_table(path, columns=[c for c in _COLUMNS if c in names]).to_pandas()
    best, test, samples = _curves(table, max(budget, 1))
    partition = path.with_name(path.name[: -len(".parquet")] + _PARTITION)
    return Run(
        benchmark=str(meta["benchmark"]), spec=str(meta["spec"]), seed=int(meta["seed"]),
        budget=budget, status=str(meta.get("status", "unknown")), error=str(meta.get("error") or ""),
        wall_s=float(meta.get("wall_s") or np.nan),
        algo_s=float(table["algo_s"].iloc[-1]) if len(table) and "algo_s" in table else np.nan,
        samples=samples, best=best, incumbent_test=test,
        partition=partition if partition.exists() else None)


def load(exp_dir: Path | str) -> Experiment:
    """Load ``results/<exp>``; raises :class:`AnalysisError` with one line when it is not usable."""
    path = check_folder(Path(exp_dir))
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"{manifest_path} is unreadable: {exc}") from None
    files = sorted(p for p in (path / "runs").rglob("*.parquet") if not p.name.endswith(_PARTITION))
    if not files:
        raise AnalysisError(f"{path} holds no runs yet (no Parquet files under {path / 'runs'})")
    exp = Experiment(path, manifest)
    budget = manifest.get("budget")
    for f in files:
        try:
            exp.runs.append(load_run(f, budget))
        except Exception as exc:  # one bad file must not hide the rest; the report lists it
            exp.unreadable.append(f"{f.relative_to(path)}: {type(exc).__name__}: {exc}".splitlines()[0])
    if not exp.runs:
        raise AnalysisError(f"no readable run in {path / 'runs'} ({len(files)} unreadable files, e.g. {exp.unreadable[0]})")
    return exp


def load_partition(path: Path) -> pd.DataFrame:
    return pq.read_table(path, columns=["leaf", "valid"]).to_pandas()
