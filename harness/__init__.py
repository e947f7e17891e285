"""The experiment machinery: ``run_all.py`` -> ``harness`` -> ``algorithms`` and ``analysis``
(side by side, neither importing the other) -> ``benchmarks``.

- :mod:`harness.args`: the command line's flags and seed parser; :mod:`harness.cli`: what it does.
- :mod:`harness.runner`: one run (ask, answer, tell, record); :mod:`harness.simulate`: the same with
  K simulated workers; :mod:`harness.evaluation`: one evaluation, here or as a Dask task.
- :mod:`harness.experiment`: the grid, resumable, with its manifest, on local processes;
  :mod:`harness.executors`: on a Dask cluster; :mod:`harness.presets`: the named grids.
- :mod:`harness.results`: writing and checking run files (their format: :mod:`analysis.runfiles`).
"""
