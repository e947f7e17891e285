"""The task model: one (benchmark, algorithm spec, seed) run at a budget, the grid of them, where
each is stored, which are still to run, and running one (in whichever process the pool gives it).
The grid runs on local processes (:mod:`harness.processes`) or a Dask cluster (:mod:`harness.executors`),
with a manifest beside the runs (:mod:`harness.manifest`) and a progress line (:mod:`harness.progress`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import registry as benchmarks

from .failures import failure_line, traceback_text
from .identity import changed, identity
from .results import clean_temporaries, read_meta, run_path, write_run
from .runner import RunResult, Status, run

log = logging.getLogger(__name__)


class ExperimentError(Exception):
    """A user-facing problem with an experiment folder or grid; one line."""


@dataclass(frozen=True)
class Task:
    """One run of the grid: ``spec`` on ``benchmark`` with ``seed`` for ``budget`` samples; its result
    depends on these fields alone, wherever and whenever it runs."""

    benchmark: str
    spec: str
    seed: int
    budget: int
    save_partition: bool = False
    parallel: int = 1  # proposals evaluated at once (see runner.run)
    remote_eval: bool = False  # evaluate them as Dask tasks (one GPU each on the trained space)
    sim_workers: int = 0  # > 0: simulated time with this many workers (harness/simulate.py)
    time_budget_s: float | None = None  # the simulated time budget


def grid(
    bench_specs: Iterable[str],
    algo_specs: Iterable[str],
    seeds: Iterable[int],
    budget: int,
    parallel: int = 1,
    remote_eval: bool = False,
) -> list[Task]:
    """Every (benchmark, algorithm, seed), seed by seed: each stretch of the queue holds the same mix
    of algorithms, so the progress bar's ETA is steady (slow algorithms do not come together).
    The order only decides when a run starts; a run's result depends on its task alone."""
    seeds = list(seeds)
    return [
        Task(b, a, s, budget, save_partition=(s == seeds[0]), parallel=parallel, remote_eval=remote_eval)
        for s in seeds
        for b in bench_specs
        for a in algo_specs
    ]


def execute_task(task: Task, exp_dir: str) -> dict[str, Any]:
    """Run one task and write its file (in the worker, so a finished run is on disk at once)."""
    try:
        bench = benchmarks.make(task.benchmark)
    except Exception as exc:  # a benchmark that cannot load fails its runs, recorded, not raised
        result = RunResult(
            task.benchmark,
            task.spec,
            task.seed,
            task.budget,
            status=Status.FAILED,
            error=failure_line(exc),
            traceback=traceback_text(exc),
        )
    else:
        result = run(bench, task.spec, task.seed, task.budget, **_how(task))
    result.meta["code"] = identity(task.benchmark, task.spec)  # see harness/identity.py
    partition = values = None
    if task.save_partition and hasattr(result.algorithm, "partition"):  # a failed run has no algorithm
        table_values = getattr(bench, "valid", None)
        if table_values is not None and bench.all_archs() is not None:
            try:
                partition, values = result.algorithm.partition(), table_values
            except Exception as exc:  # the figure is optional; the run is not
                log.warning("no partition for %s: %s", task, exc)
    write_run(task_path(Path(exp_dir), task), result, partition, values)
    return {
        "status": result.status,
        "error": result.error,
        "traceback": result.traceback,
        "wall_s": result.wall_s,
        "task": task,
    }


def _how(task: Task) -> dict[str, Any]:
    """The run's clock and evaluator: K simulated workers, or the plain run (Dask evaluations)."""
    if task.sim_workers:
        from .simulate import SimulatedClock

        return {"clock": SimulatedClock(task.sim_workers, task.time_budget_s or float("inf"))}
    if task.remote_eval:
        from .evaluation import dask_evaluate

        return {"parallel": task.parallel, "evaluate": dask_evaluate}
    return {"parallel": task.parallel}


def task_path(exp_dir: Path, task: Task) -> Path:
    """Where a task's run is stored; simulated-time runs under ``sim/workers-K/`` (see simulate.py)."""
    if task.sim_workers:
        exp_dir = exp_dir / "sim" / f"workers-{task.sim_workers}"
    return run_path(exp_dir, task.benchmark, task.spec, task.seed)


def _recorded_parallel(exp_dir: Path) -> int:
    """K of the runs written before run files recorded it: the manifest's, else 1."""
    try:
        return int(json.loads((exp_dir / "manifest.json").read_text()).get("parallel", 1))
    except (OSError, ValueError, TypeError):
        return 1


def pending(exp_dir: Path, tasks: list[Task], redo_changed: bool = False, notes: list[str] | None = None) -> list[Task]:
    """Tasks without a complete result of this code on disk (failed runs are retried; a file that
    does not read back is run again, with a line in ``notes``). A run on disk made with another
    ``--parallel K`` is another history under the same file name: :class:`ExperimentError`, as is
    a run made by other code (:mod:`harness.identity`) unless ``redo_changed``, which runs it again."""
    clean_temporaries(exp_dir)
    legacy = None
    todo, corrupt = [], []
    stale: dict[str, int] = {}
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for t in tasks:
        path = task_path(exp_dir, t)
        meta = read_meta(path, t.budget)
        if meta is None and path.exists() and read_meta(path) is None:
            corrupt.append(path.relative_to(exp_dir).as_posix())
        if meta is not None and meta["status"] != Status.FAILED:
            if "parallel" not in meta and legacy is None:
                legacy = _recorded_parallel(exp_dir)
            k = int(meta["parallel"]) if "parallel" in meta else legacy
            if k != t.parallel:
                raise ExperimentError(
                    f"{exp_dir} holds runs made with --parallel {k} (e.g. "
                    f"{path.relative_to(exp_dir)}), not {t.parallel}: use another --out or the "
                    "same --parallel"
                )
            code = current.setdefault((t.benchmark, t.spec), identity(t.benchmark, t.spec))
            if changed(meta.get("code"), code):
                stale[t.spec] = stale.get(t.spec, 0) + 1
                meta = None
        if meta is None or meta["status"] == Status.FAILED or meta.get("time_budget_s") != t.time_budget_s:
            todo.append(t)
    if stale and not redo_changed:
        raise ExperimentError(_stale_line(exp_dir, stale))
    if corrupt and notes is not None:
        notes.append(f"{len(corrupt)} run file(s) do not read back (e.g. {corrupt[0]}): running them again")
    return todo


def _stale_line(exp_dir: Path, stale: dict[str, int]) -> str:
    """The one line that refuses to mix runs of other code into ``exp_dir``."""
    counts = ", ".join(f"{n} run{'s' * (n > 1)} of {spec}" for spec, n in stale.items())
    return (
        f"{exp_dir} holds {counts} made by other code (the algorithm's source or the data package "
        "changed since): run them again with --redo-changed, or use another --out"
    )
