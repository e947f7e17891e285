"""Checks behind a grid (:func:`harness.api.plan`): the algorithms a preset runs, what can run
here, the simulated-time copies of a grid's tasks, and the names specs are run and stored under."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import IO

from algorithms import registry as algorithms
from benchmarks import registry as benchmarks

from .objectives import objectives_refusal
from .presets import SLOW, Preset
from .simulate import SimulationError, parse_duration, time_source
from .tasks import ExperimentError, Task


def preset_algorithms(preset: Preset) -> list[str]:
    """The algorithms a preset runs: its list, else every registered algorithm that can run here
    (the SLOW ones only with ``slow=True``)."""
    if preset.algorithms is not None:
        return list(preset.algorithms)
    return [
        n
        for n in algorithms.names()
        if (preset.slow or n not in SLOW)
        and not algorithms.unavailable(algorithms.resolve(n)[0])
        and getattr(algorithms.algorithm_class(n), "single_objective", True)  # not the multi-objective-only
    ]


def check_available(algo_specs: list[str], bench_specs: list[str]) -> None:
    for spec in algo_specs:
        reason = algorithms.unavailable(algorithms.resolve(spec)[0])
        if reason:
            raise ExperimentError(f"algorithm {spec!r} is not available here: {reason}")
    for spec in bench_specs:
        reason = benchmarks.entries()[spec.split(":")[0]].unavailable()
        if reason:
            raise ExperimentError(f"benchmark {spec!r} is not available: {reason}")
    reason = objectives_refusal(algo_specs, bench_specs)
    if reason:
        raise ExperimentError(reason)


def sim_tasks(
    tasks: list[Task], workers: list[int] | None, time_budget: str | None, stream: IO[str] | None = None
) -> list[Task]:
    """The simulated-time copies of a grid's tasks, one per K in ``workers`` (``run_all.py
    --sim-workers K [K ...] --time-budget 24h``); benchmarks with no training time are left out
    with a note. Raises :class:`harness.tasks.ExperimentError` on bad settings."""
    if not workers:
        if time_budget:
            raise ExperimentError("--time-budget needs --sim-workers K (it is a simulated time budget)")
        return []
    if min(workers) < 1:
        raise ExperimentError(f"bad --sim-workers {min(workers)}: it must be at least 1")
    if tasks and tasks[0].parallel > 1:
        raise ExperimentError(
            "--sim-workers and --parallel do not combine: simulated workers already keep several proposals outstanding"
        )
    try:
        seconds = parse_duration(time_budget) if time_budget else None
    except ValueError as exc:
        raise ExperimentError(f"--time-budget: {exc}") from None
    timed = []
    for bench in dict.fromkeys(t.benchmark for t in tasks):
        try:
            time_source(benchmarks.make(bench))
            timed.append(bench)
        except SimulationError as exc:
            print(f"note: {exc}; its runs are not simulated", file=stream or sys.stderr)
    return [
        replace(t, sim_workers=k, time_budget_s=seconds, save_partition=False)
        for k in dict.fromkeys(workers)
        for t in tasks
        if t.benchmark in timed
    ]


def canonical(specs: list[str]) -> tuple[list[str], list[str]]:
    """Canonical names of ``specs`` without repeats, and a note for each spec renamed or merged."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        out.setdefault(algorithms.check(spec), []).append(spec.strip())
    notes = []
    for name, given in out.items():
        given = list(dict.fromkeys(given))
        if len(given) > 1:
            notes.append(f"{', '.join(given)} are one configuration: run and stored once as {name}")
        elif given != [name]:
            notes.append(
                f"{given[0]} is stored as {name} (options at their defaults or without effect are dropped, keys sorted)"
            )
    return list(out), notes


def as_recorded(specs: list[str], recorded: list[str]) -> tuple[list[str], list[str]]:
    """Canonical ``specs`` in a folder's ``recorded`` spelling where one names the same
    configuration (written before an option was renamed: ``lanas:fallback=bfs`` for
    ``lanas:empty_leaf=first_leaf``), so the folder's runs are found and stay under one name;
    and a note for each."""
    same: dict[str, str] = {}
    for old in recorded:
        try:
            same.setdefault(algorithms.check(old), old)
        except algorithms.SpecError:  # no longer a valid spec: nothing to match
            continue
    out = [same.get(spec, spec) for spec in specs]
    notes = [f"{new} keeps this folder's spelling {old}" for new, old in zip(specs, out) if new != old]
    return out, notes
