"""The experiment machinery: ``run_all.py`` -> ``harness`` -> ``algorithms`` and ``analysis``
(side by side, neither importing the other) -> ``benchmarks``.

- :mod:`harness.args`: the command line's flags and seed parser; :mod:`harness.cli`: what it does.
- :mod:`harness.runner`: the one run loop (ask, answer, tell, record; its events typed) and the
  run's :class:`~analysis.runformat.Status`; :mod:`harness.clock`: the swappable clock (the plain
  run's), :mod:`harness.simulate`: the clock of K simulated workers; :mod:`harness.evaluation`: one
  evaluation, here or as a Dask task; :mod:`harness.failures`: a failed run's line and traceback.
- :mod:`harness.tasks`: the grid of tasks, resumable; :mod:`harness.identity`: the code that made a
  run, so a folder never mixes runs of other code; :mod:`harness.manifest`: the manifest beside
  the runs; :mod:`harness.processes`: the grid on local processes, :mod:`harness.executors` on a Dask
  cluster; :mod:`harness.progress`: the progress line; :mod:`harness.presets`: the named grids.
- :mod:`harness.results`: writing and checking run files (their format: :mod:`analysis.runformat`).
- :mod:`harness.api`: :func:`run`, the grid from Python (the CLI calls it), planned and checked
  before any run by :mod:`harness.plan`; :mod:`harness.folder`: the
  :class:`ExperimentFolder` it returns (tidy pandas frames); :mod:`harness.plugins`: the user's own
  algorithms and benchmarks; :mod:`harness.grids`: the checks behind a grid and the names specs
  are stored under.

One task's run passes through :func:`harness.tasks.execute_task` (its clock: the plain run's, or
:class:`harness.simulate.SimulatedClock`), :func:`harness.runner.run` (the loop) and
:func:`harness.results.write_run`.
"""

from importlib import import_module
from typing import Any

#: the Python API, imported on first use (``run_all.py --help`` stays instant)
_API = {
    "run": "api",
    "Interrupted": "api",
    "ExperimentError": "tasks",
    "ExperimentFolder": "folder",
    "PluginError": "plugins",
    "load_plugin": "plugins",
}
__all__ = list(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazily imported API too (``dir(harness)`` lists ``run``), beside the submodules."""
    return sorted({*globals(), *_API})
