"""Scale-out: the same runs on a Dask cluster.

``run_all.py --executor dask`` connects to ``--scheduler tcp://HOST:PORT`` or starts a
``dask.distributed.LocalCluster`` with ``--workers`` single-threaded worker processes. Each
task writes its own result file atomically, so a worker killed mid-run only costs that run:
Dask reschedules it elsewhere and the file is written once, with the same values (a run is a
pure function of its task). Runs on a benchmark registered with ``gpu=True`` (the trained space)
ask for one ``GPU`` worker resource each (start GPU workers with ``--resources GPU=1``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.base import cannot

from .evaluation import gpu_resources
from .tasks import ExperimentError, Task, execute_task

log = logging.getLogger(__name__)


def run_dask(
    tasks: list[Task], exp_dir: Path, workers: int, scheduler: str | None, on_done: Callable[[dict[str, Any]], None]
) -> None:
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
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise ExperimentError(cannot(f"reach the Dask scheduler {scheduler or '(local)'}", exc)) from None
    try:
        # the experiment folder must be visible to the workers (shared file system on a cluster)
        futures = [
            client.submit(
                execute_task,
                t,
                str(Path(exp_dir).resolve()),
                key=f"run-{i}-{t.seed}",
                resources=None if t.remote_eval else gpu_resources(t.benchmark),
                pure=False,
                retries=2,
            )
            for i, t in enumerate(tasks)
        ]
        for fut in as_completed(futures):
            on_done(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
