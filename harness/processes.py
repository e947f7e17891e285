"""The grid on local processes: a process pool whose workers each use one BLAS/OpenMP thread,
rebuilt when a worker dies, its workers stopped on Ctrl-C (a Dask cluster: :mod:`harness.executors`)."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .tasks import ExperimentError, Task, execute_task

log = logging.getLogger(__name__)


#: environment variables that cap the thread pools of numerical libraries loaded later (torch)
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _worker_init() -> None:
    """A pool worker: Ctrl-C is the parent's to handle, and one BLAS/OpenMP thread, as the pool
    already has one process per core. Left at their default (a thread per core in every worker),
    2 workers on 2 cores spent 2.5x the CPU time per sample of `lanas-plus` (docs/findings.md)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(ONE_THREAD)
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    threadpool_limits(1)  # the libraries already loaded (numpy's BLAS, inherited from the parent)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def run_local(
    tasks: list[Task], exp_dir: Path, workers: int, on_done: Callable[[dict[str, Any]], None], max_restarts: int = 3
) -> None:
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
                raise ExperimentError(
                    f"worker processes kept dying ({max_restarts} restarts); "
                    f"{len(left)} runs not done; re-run the same command to resume"
                ) from None
        except BaseException:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()  # a worker mid-run loses only that run; its file is never half-written
            # wait for the pool's manager thread to see the terminated workers and close its pipe:
            # left running, it races the interpreter's exit hook, which then writes to a closed
            # pipe and prints a traceback after the "interrupted" line (seen once in 5 loaded runs)
            pool.shutdown(wait=True, cancel_futures=True)
            raise
