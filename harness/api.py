"""Run a grid from Python: :func:`run` is what ``run_all.py`` does, without the command line.

    import harness
    exp = harness.run(benchmarks=["nb201/cifar10-valid"], algorithms=["lanas", "random"],
                      seeds=range(10), budget=1000, out="results/mine")
    exp.proposals()     # a row per told proposal (pandas)
    exp.statistics()    # a row per (benchmark, spec, target): the report's numbers

Same semantics as the command line (which calls :func:`run`): specs are checked and made
canonical before any run starts; a folder resumes (runs on disk are skipped); every problem
with the settings, the folder or a plugin is an :class:`ExperimentError` whose message is the
one line ``run_all.py`` prints; Ctrl-C raises :class:`Interrupted` (a ``KeyboardInterrupt``)
after the runs finished so far are safely on disk. Progress goes to ``stream`` (stderr).
"""

from __future__ import annotations

import json
import numbers
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.specs import SpecError, unknown_name

from .args import UsageError, parse_seeds
from .folder import ExperimentFolder
from .grids import as_recorded, canonical, check_available, preset_algorithms, sim_tasks
from .manifest import write_manifest
from .plugins import algorithm_spec, benchmark_spec, load_plugins
from .presets import PRESETS
from .processes import run_local
from .progress import Progress
from .results import check_writable, clean_temporaries
from .tasks import ExperimentError, Task, grid, pending, task_path

__all__ = ["ExperimentError", "ExperimentFolder", "Interrupted", "default_out", "run"]
ROOT = Path(__file__).resolve().parents[1]
#: what the user's call may get wrong: each becomes one ExperimentError line
_USER_ERRORS = (SpecError, BenchmarkError, UsageError, OSError)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run`: the runs finished so far are on disk; the same call resumes."""

    def __init__(self, message: str, folder: ExperimentFolder) -> None:
        super().__init__(message)
        self.folder = folder


@dataclass
class Plan:
    """A checked grid: what to run, where, and what is left of it."""

    out: Path
    bench_specs: list[str]
    algo_specs: list[str]
    seeds: list[int]
    budget: int
    tasks: list[Task]
    todo: list[Task]
    notes: list[str]


def default_out(preset: str | None, custom: bool, root: Path = ROOT) -> Path:
    """``results/<preset>``, ``results/custom`` for a grid given by hand, else ``results/default``."""
    return root / "results" / (preset or ("custom" if custom else "default"))


def _seeds(seeds: Any) -> list[int]:
    if isinstance(seeds, str):
        return parse_seeds([seeds])
    seeds = list(seeds)
    if seeds and all(isinstance(s, str) for s in seeds):
        return parse_seeds(seeds)
    if not seeds:
        raise UsageError("no seeds given")
    if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and int(s) >= 0 for s in seeds):
        raise UsageError(f"bad seeds {seeds[:5]!r}: seeds are integers >= 0 (or the command line's '0-9')")
    return list(dict.fromkeys(int(s) for s in seeds))


def plan(
    *,
    preset: str | None = None,
    benchmark_specs: list[str] | None = None,
    algorithm_specs: list[str] | None = None,
    seeds: Any = None,
    budget: int | None = None,
    out: Path | None = None,
    workers: int = 1,
    executor: str = "local",
    parallel: int = 1,
    sim_workers: list[int] | None = None,
    time_budget: str | None = None,
    command: list[str] | None = None,
    stream: IO[str] | None = None,
) -> Plan:
    """Check a grid and write its manifest; raises one-line errors (see ``_USER_ERRORS``) before
    any run starts."""
    if preset is not None and preset not in PRESETS:
        raise ExperimentError(unknown_name("preset", preset, list(PRESETS)))
    chosen = PRESETS[preset or "default"]
    custom = bool(benchmark_specs or algorithm_specs or seeds is not None or budget is not None)
    bench_specs = list(dict.fromkeys(benchmarks.check(b) for b in (benchmark_specs or chosen.benchmarks)))
    algo_specs, notes = canonical(list(algorithm_specs or preset_algorithms(chosen)))
    check_available(algo_specs, bench_specs)
    seed_list = _seeds(seeds) if seeds is not None else list(chosen.seeds)
    budget = budget if budget is not None else chosen.budget
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ExperimentError(f"bad budget {budget}: it must be at least 1")
    if workers < 1:
        raise ExperimentError(f"bad --workers {workers}: it must be at least 1")
    if executor not in ("local", "dask"):
        raise ExperimentError(f"unknown executor {executor!r}: use 'local' or 'dask'")
    out = Path(out).expanduser() if out is not None else default_out(preset, custom)
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"--out {out} is a file: name a folder (new or an experiment folder to resume)")
    algo_specs, kept = as_recorded(algo_specs, _recorded_algorithms(out))  # renamed options
    notes += kept
    if parallel < 1:
        raise ExperimentError(f"bad --parallel {parallel}: it must be at least 1")
    tasks = grid(bench_specs, algo_specs, seed_list, budget, parallel, remote_eval=executor == "dask" and parallel > 1)
    if not (benchmark_specs or algorithm_specs):  # the preset's own grid, less the pairs it skips
        tasks = [t for t in tasks if chosen.runs(t.benchmark, t.spec)]
    simulated = sim_tasks(tasks, sim_workers, time_budget, stream)  # checked before anything is written
    todo = pending(out, tasks + simulated)  # before the manifest: a folder of another --parallel stops here
    write_manifest(out, tasks, command or ["harness.run"], None if custom else chosen.leaves_out)
    tasks += simulated
    check_writable(task_path(out, t) for t in todo)
    return Plan(out, bench_specs, algo_specs, seed_list, budget, tasks, todo, notes)


def _recorded_algorithms(out: Path) -> list[str]:
    """The algorithm specs a folder's manifest lists (none for a new or unreadable folder)."""
    try:
        return [str(s) for s in json.loads((out / "manifest.json").read_text()).get("algorithms", [])]
    except (OSError, ValueError, AttributeError):
        return []


def _call(**given: Any) -> list[str]:
    """The manifest's ``command`` for a call from Python (shown at the top of the report)."""
    shown = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
    return [f"harness.run({shown})"]


def run(
    benchmarks: Iterable[Any] | None = None,
    algorithms: Iterable[Any] | None = None,
    seeds: Any = None,
    budget: int | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
    executor: str = "local",
    *,
    preset: str | None = None,
    scheduler: str | None = None,
    parallel: int = 1,
    sim_workers: list[int] | None = None,
    time_budget: str | None = None,
    plugins: Iterable[str] = (),
    analyse: bool = True,
    stream: IO[str] | None = None,
    command: list[str] | None = None,
) -> ExperimentFolder:
    """Run (or resume) the grid ``benchmarks x algorithms x seeds`` at ``budget`` distinct samples
    per run into the folder ``out``, then analyse it (``analyse=False``: no figures, no report).

    ``benchmarks`` and ``algorithms`` are spec strings (``"lanas:height=8"``); an algorithm may also
    be a class (registered under its name in kebab case, or the name it is registered under) or a
    ``(name, class)`` pair, a benchmark a ``(name, factory)`` pair; ``plugins`` are modules or
    ``.py`` files to import first (``run_all.py --plugin``). ``seeds`` is an iterable of ints or the
    command line's text (``"0-9"``); ``workers`` defaults to every core; ``None`` elsewhere means the
    preset's value (``preset``, default ``"default"``). Returns the folder's
    :class:`~harness.folder.ExperimentFolder`; runs that failed are in its ``failed``.
    Raises :class:`ExperimentError` (one line) or :class:`Interrupted`.
    """
    stream = stream if stream is not None else sys.stderr
    workers = workers if workers is not None else os.cpu_count() or 1
    p = _checked_plan(
        benchmarks,
        algorithms,
        plugins,
        command,
        preset=preset,
        seeds=seeds,
        budget=budget,
        out=None if out is None else Path(out),
        workers=workers,
        executor=executor,
        parallel=parallel,
        sim_workers=[sim_workers] if isinstance(sim_workers, int) else sim_workers,
        time_budget=time_budget,
        stream=stream,
    )
    _announce(p, stream)
    folder = ExperimentFolder(p.out)
    start = time.perf_counter()
    progress = _execute(p, folder, executor, workers, scheduler, stream)
    clean_temporaries(p.out)  # a worker killed while writing leaves its temporary behind
    print(f"ran {progress.done} runs in {time.perf_counter() - start:.1f} s", file=stream)
    folder.failed, folder.ran = progress.failed, progress.done
    _print_failures(progress.failed, stream)
    if analyse:
        folder.analyse(stream)
    return folder


def _announce(p: Plan, stream: IO[str]) -> None:
    """The plan's notes and its size, before anything runs."""
    for note in p.notes:
        print(f"note: {note}", file=stream)
    print(
        f"{p.out}: {len(p.tasks)} runs ({len(p.bench_specs)} benchmarks x {len(p.algo_specs)} algorithms x "
        f"{len(p.seeds)} seeds, budget {p.budget}); {len(p.tasks) - len(p.todo)} already on disk",
        file=stream,
    )


def _checked_plan(
    benchmarks: Iterable[Any] | None,
    algorithms: Iterable[Any] | None,
    plugins: Iterable[str],
    command: list[str] | None,
    **settings: Any,
) -> Plan:
    """Load the plugins, name the benchmarks and algorithms as specs and :func:`plan` the grid; every
    problem is one :class:`ExperimentError` line."""
    try:
        load_plugins(list(plugins))
        bench_list = None if benchmarks is None else [benchmark_spec(b) for b in _listed(benchmarks)]
        algo_list = None if algorithms is None else [algorithm_spec(a) for a in _listed(algorithms)]
        out = settings["out"]
        command = command or _call(
            benchmarks=bench_list,
            algorithms=algo_list,
            seeds=settings["seeds"],
            budget=settings["budget"],
            out=None if out is None else str(out),
            preset=settings["preset"],
        )
        return plan(benchmark_specs=bench_list, algorithm_specs=algo_list, command=command, **settings)
    except ExperimentError:  # already one line (a PluginError stays one)
        raise
    except _USER_ERRORS as exc:
        raise ExperimentError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def _execute(p: Plan, folder: ExperimentFolder, executor: str, workers: int, scheduler: str | None, stream) -> Progress:
    """Run the plan's pending tasks on local processes or Dask, with a progress line; Ctrl-C raises
    :class:`Interrupted` (finished runs kept), a failure to write results one ExperimentError line."""
    progress = Progress(len(p.tasks), initial=len(p.tasks) - len(p.todo), stream=stream)
    try:
        if executor == "dask":
            from .executors import run_dask

            run_dask(p.todo, p.out, workers, scheduler, progress)
        else:
            run_local(p.todo, p.out, workers, progress)
    except KeyboardInterrupt:
        progress.close()
        left = len(pending(p.out, p.tasks))
        raise Interrupted(
            f"interrupted: {progress.done} runs finished in this session, {len(p.tasks) - left} of "
            f"{len(p.tasks)} on disk; run the same command again to finish the other {left}",
            folder,
        ) from None
    except (ExperimentError, OSError) as exc:  # OSError: results could not be written (one line, see results.py)
        progress.close()
        raise ExperimentError(str(exc).splitlines()[0]) from None
    progress.close()
    return progress


def _listed(items: Any) -> list[Any]:
    """A single spec, class or pair given where a list is expected is a list of one."""
    if isinstance(items, (str, type)) or (
        isinstance(items, tuple) and len(items) == 2 and isinstance(items[0], str) and callable(items[1])
    ):
        return [items]
    return list(items)


def _print_failures(failed: list[dict], stream: IO[str]) -> None:
    for summary in failed[:10]:
        t = summary["task"]
        print(f"FAILED {t.benchmark} {t.spec} seed {t.seed}: {summary['error']}", file=stream)
    if len(failed) > 10:
        print(f"... and {len(failed) - 10} more failed runs", file=stream)
