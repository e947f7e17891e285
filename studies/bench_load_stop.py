"""Load time of the embedded tables and stop time of ``run_all.py`` on SIGINT (figures, not tests).

    python studies/bench_load_stop.py [--repeats 5] [--stops 2] [--workers 2] [--runs 180 8400]

Load: ``load_arrays`` of each embedded table from its package file, uncached, median and max
over repeats. Stop: ``run_all.py`` on ``nb201/cifar10-valid`` (random search, budget 1,000,
grids as large as the default and the paper presets) is sent SIGINT once its first run file is
on disk, as from a terminal (the process group) and as ``kill -INT PID`` to a process started
with SIGINT ignored (a background job of a script); reported: seconds from the signal to the
exit, the exit status (130 expected) and the runs kept. The suite asserts the behaviour
(tests/harness/test_cli.py, tests/harness/test_executors.py), never these times. Not collected by pytest (no
``test_`` prefix).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TABLES = {"nb201": ("cifar10-valid", "cifar100", "ImageNet16-120"), "nbgraph": ("cora", "arxiv", "proteins")}


def load_times(repeats: int) -> None:
    import importlib

    print("table                    load_s(median / max)")
    for module, datasets in TABLES.items():
        load = importlib.import_module(f"benchmarks.{module}").load_arrays.__wrapped__
        for dataset in datasets:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                load(dataset)
                times.append(time.perf_counter() - t0)
            name = f"{module}/{dataset}"
            print(f"{name:<24s} {statistics.median(times):6.3f} / {max(times):.3f}")


def stop_once(out: Path, workers: int, ignored: bool, runs: int) -> tuple[float, int, int]:
    cmd = [
        sys.executable,
        str(ROOT / "run_all.py"),
        "--benchmarks",
        "nb201/cifar10-valid",
        "--algorithms",
        "random",
        "--seeds",
        f"0-{runs - 1}",
        "--budget",
        "1000",
        "--workers",
        str(workers),
        "--out",
        str(out),
        "--no-analysis",
    ]
    pre = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignored else None
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=pre
    )
    try:
        while not list((out / "runs").rglob("seed-*.parquet")) and proc.poll() is None:
            time.sleep(0.01)
        t0 = time.perf_counter()
        if ignored:
            proc.send_signal(signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        rc = proc.wait()
        return time.perf_counter() - t0, rc, len(list((out / "runs").rglob("seed-*.parquet")))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def stop_times(stops: int, workers: int, sizes: list[int]) -> None:
    print(f"\nSIGINT to run_all.py, {workers} workers         grid   stop_s  status  runs kept")
    with tempfile.TemporaryDirectory() as tmp:
        for runs in sizes:
            for ignored in (False, True):
                how = "kill -INT PID, SIGINT ignored at start" if ignored else "Ctrl-C (process group)"
                for k in range(stops):
                    took, rc, kept = stop_once(Path(tmp) / f"{runs}-{ignored}-{k}", workers, ignored, runs)
                    print(f"{how:<40s} {runs:5d}  {took:7.2f}  {rc:6d}  {kept:9d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stops", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, nargs="+", default=[180, 8400], help="grid sizes (seeds)")
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    load_times(args.repeats)
    stop_times(args.stops, args.workers, args.runs)


if __name__ == "__main__":
    main()
