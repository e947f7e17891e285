"""One evaluation of an architecture, here or as a Dask task (the ``evaluate`` of a parallel run).

Each evaluation gets its own seed (drawn in order from the run's benchmark stream by
:func:`harness.runner.run`), so the answers do not depend on where or in which order they ran.
"""

from __future__ import annotations

import os

import numpy as np

from benchmarks import registry
from benchmarks.base import Arch, Benchmark, Result


def query_one(benchmark: Benchmark, arch: Arch, seed: int) -> Result:
    """The benchmark's answer for ``arch`` with the evaluation's own seed."""
    return benchmark.query(arch, np.random.default_rng(seed))


def query_here(benchmark: Benchmark, archs: list[Arch], seeds: list[int]) -> list[Result]:
    """Evaluate a batch in this process, one after another (the default ``evaluate``)."""
    return [query_one(benchmark, a, s) for a, s in zip(archs, seeds)]


def gpu_resources(benchmark: str) -> dict[str, int] | None:
    """One ``GPU`` worker resource per evaluation on a benchmark registered with ``gpu=True``
    (the trained space), when ``LANAS_DASK_GPU=1`` says that the Dask workers were started with
    ``--resources GPU=1``."""
    entry = registry.entries().get(benchmark.split(":")[0])
    return {"GPU": 1} if entry is not None and entry.gpu and os.environ.get("LANAS_DASK_GPU") else None


def _query_remote(spec: str, arch: Arch, seed: int) -> Result:
    return query_one(registry.make(spec), arch, seed)


def dask_evaluate(benchmark: Benchmark, archs: list[Arch], seeds: list[int]) -> list[Result]:
    """Evaluate a batch of proposals as separate Dask tasks (called from inside a run's task)."""
    from dask.distributed import worker_client

    with worker_client() as client:
        futures = client.map(
            _query_remote,
            [benchmark.name] * len(archs),
            archs,
            seeds,
            resources=gpu_resources(benchmark.name),
            pure=False,
        )
        return client.gather(futures)
