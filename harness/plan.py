"""Planning a grid before any run starts: the settings checked and made canonical, the folder
checked (its budget, ``--parallel``, the code of its runs, what can be written), the manifest
written, and what is left to run (:func:`plan`; :func:`harness.api.run` executes it)."""

from __future__ import annotations

import json
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from benchmarks import registry as benchmarks
from benchmarks.specs import unknown_name

from .args import UsageError, parse_seeds
from .grids import as_recorded, canonical, check_available, preset_algorithms, sim_tasks
from .manifest import write_manifest
from .presets import PRESETS
from .results import check_writable
from .tasks import ExperimentError, Task, grid, pending, task_path

ROOT = Path(__file__).resolve().parents[1]


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
    """``seeds`` as a list: a count (``3`` = seeds 0-2, as ``--seeds 3``), the command line's text
    (``"0-9"``) or an iterable of ints."""
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return parse_seeds([str(seeds)])
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
    redo_changed: bool = False,
    analyse: bool = True,
) -> Plan:
    """Check a grid and write its manifest; raises one-line errors (see ``harness.api._USER_ERRORS``)
    before any run starts. ``redo_changed``: runs on disk made by other code are run again (else
    refused); ``analyse``: the analysis's folders must be writable too."""
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
    # before the manifest: a folder of another --parallel or other code, or one that cannot be written, stops here
    todo = pending(out, tasks + simulated, redo_changed, notes)
    check_outputs(out, todo, analyse)
    write_manifest(out, tasks, command or ["harness.run"], None if custom else chosen.leaves_out)
    tasks += simulated
    return Plan(out, bench_specs, algo_specs, seed_list, budget, tasks, todo, notes)


def check_outputs(out: Path, todo: list[Task], analyse: bool) -> None:
    """Raise one line naming the folder unless all the command will write can be written: the
    manifest, the runs to do and (``analyse``) the report, ``figures/`` and ``tables/``."""
    check_writable([out / "manifest.json", *(task_path(out, t) for t in todo)])
    manifest = out / "manifest.json"
    if manifest.exists() and not os.access(manifest, os.W_OK):
        raise ExperimentError(f"cannot update {manifest}: it is read-only; make it writable or choose another --out")
    if analyse and out.is_dir():
        from analysis import AnalysisError
        from analysis import check_writable as analysis_writable

        try:
            analysis_writable(out)
        except AnalysisError as exc:
            raise ExperimentError(f"{exc}, or run with --no-analysis") from None


def _recorded_algorithms(out: Path) -> list[str]:
    """The algorithm specs a folder's manifest lists (none for a new or unreadable folder)."""
    try:
        return [str(s) for s in json.loads((out / "manifest.json").read_text()).get("algorithms", [])]
    except (OSError, ValueError, AttributeError):
        return []
