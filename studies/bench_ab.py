"""Two checkouts' algorithm CPU time on the same runs, measured alternately (a loaded machine).

    python studies/bench_ab.py --base /path/to/main --new /path/to/branch [--spec lanas-plus]
                               [--seeds 3] [--budget 1000] [--benchmarks nb201/cifar10-valid ...]

Starts one worker process per checkout (``PYTHONPATH`` set to it, niced, pinned to one core, BLAS
threads = 1), warms both up (100 samples: the imports), then for every benchmark and seed runs the
same run (``algorithms.make(spec, benchmark, rng)`` driven by ask/tell, as ``studies/bench_lanas.py``
drives it) on the two, never at once, in the order base, new, new, base (new, base, base, new for
odd seeds), and keeps per checkout and seed the smaller of its two CPU times inside ask/tell:
the load of a shared machine then weighs on both alike. Prints per benchmark the median and the
slowest seed of each, and their ratio (new / base). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

WORKER = """
import os, sys, time
import numpy as np
from algorithms import registry as algorithms
from benchmarks import registry
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
benches = {}
for line in sys.stdin:
    spec, name, seed, budget = line.split()
    if name not in benches:
        benches[name] = registry.make(name)
    bench = benches[name]
    algo = algorithms.make(spec, bench, np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(2)[0]))
    cpu = 0.0
    for _ in range(int(budget)):
        c0 = time.process_time()
        arch = algo.ask()
        cpu += time.process_time() - c0
        if arch is None:
            break
        result = bench.query(arch)
        c0 = time.process_time()
        algo.tell(arch, result)
        cpu += time.process_time() - c0
    print(cpu, flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the checkout measured first (e.g. main)")
    parser.add_argument("--new", required=True, help="the checkout compared with it")
    parser.add_argument("--spec", default="lanas-plus")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--benchmarks", nargs="+", default=["nb201/cifar10-valid", "nbgraph/cora"])
    args = parser.parse_args()
    env = {v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    workers = {}
    for label, path in (("base", args.base), ("new", args.new)):
        workers[label] = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-c", WORKER],
            cwd=path,
            env={**os.environ, **env, "PYTHONPATH": os.path.abspath(path)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def cpu(label: str, name: str, seed: int, budget: int) -> float:
        worker = workers[label]
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(f"{args.spec} {name} {seed} {budget}\n")
        worker.stdin.flush()
        line = worker.stdout.readline()
        if not line:
            raise SystemExit(f"the {label} worker stopped on {name} seed {seed}")
        return float(line)

    for label in workers:
        cpu(label, args.benchmarks[0], 0, min(args.budget, 100))
    print(
        f"# {args.spec}, {args.budget} samples, algorithm CPU s per run (min of 2 per seed), load {os.getloadavg()[0]:.1f}"
    )
    print("benchmark              base median / max    new median / max    new/base (medians)   load")
    for name in args.benchmarks:
        best: dict[str, list[float]] = {"base": [], "new": []}
        for seed in range(args.seeds):
            order = ("base", "new", "new", "base") if seed % 2 == 0 else ("new", "base", "base", "new")
            times: dict[str, list[float]] = {"base": [], "new": []}
            for label in order:
                times[label].append(cpu(label, name, seed, args.budget))
            for label in best:
                best[label].append(min(times[label]))
        b, n = best["base"], best["new"]
        print(
            f"{name:<22} {statistics.median(b):7.3f} / {max(b):.3f}    {statistics.median(n):7.3f} / {max(n):.3f}"
            f"    {statistics.median(n) / statistics.median(b):6.3f}            {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()


if __name__ == "__main__":
    main()
