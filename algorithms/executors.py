"""Scale-out: the same runs on a Dask cluster.

``run_all.py --executor dask`` connects to ``--scheduler tcp://HOST:PORT`` or starts a
``dask.distributed.LocalCluster`` with ``--workers`` single-threaded worker processes. Each
task writes its own result file atomically, so a worker killed mid-run only costs that run:
Dask reschedules it elsewhere and the file is written once, with the same values (a run is a
pure function of its task). Runs on the GPU-trained space ask for one ``GPU`` worker resource
each (start GPU workers with ``--resources GPU=1``).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

from .experiment import ExperimentError, Task, execute_task

log = logging.getLogger(__name__)


def _gpu(benchmark: str) -> dict[str, int] | None:
    """One ``GPU`` worker resource per evaluation on the trained space, when ``LANAS_DASK_GPU=1``
    says that the workers were started with ``--resources GPU=1``."""
    return {"GPU": 1} if benchmark.startswith("trained/") and os.environ.get("LANAS_DASK_GPU") else None


def _query(spec: str, arch: tuple[int, ...], seed: int):
    import numpy as np

    from benchmarks import registry
    return registry.make(spec).query(arch, np.random.default_rng(seed))


def dask_evaluate(benchmark, archs, seeds):
    """Evaluate a batch of proposals as separate Dask tasks (called from inside a run's task)."""
    from dask.distributed import worker_client
    with worker_client() as client:
        futures = client.map(_query, [benchmark.name] * len(archs), archs, seeds, resources=_gpu(benchmark.name),
                             pure=False)
        return client.gather(futures)


def run_dask(tasks: list[Task], exp_dir: Path, workers: int, scheduler: str | None,
             on_done: Callable[[dict[str, Any]], None]) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ExperimentError("--executor dask needs dask[distributed]: pip install 'dask[distributed]'") from None
    for name in ("distributed", "dask"):  # keep the progress bar readable
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=10)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise ExperimentError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None
    try:
        # the experiment folder must be visible to the workers (shared file system on a cluster)
        futures = [client.submit(execute_task, t, str(Path(exp_dir).resolve()), key=f"run-{i}-{t.seed}",
                                 resources=None if t.remote_eval else _gpu(t.benchmark), pure=False, retries=2)
                   for i, t in enumerate(tasks)]
        for fut in as_completed(futures):
            on_done(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
