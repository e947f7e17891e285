"""Speed of LaNAS's overhead: one run of 2,000 samples, median over seeds, on one core.

    python studies/bench_lanas.py [--benchmarks anb201/baseline nbgraph/cora] [--seeds 5]
                                     [--budget 2000] [--spec lanas]

Reports per benchmark the median (and max) over seeds of the run's wall time through
``harness.runner.run`` (table look-ups included), of the time spent inside ask/tell
(``algo_s``), of the run's CPU time (``cpu_s``: comparable on a loaded machine, where wall times
measure the load), of the CPU time inside ask/tell of the same run driven directly
(``algo_cpu_s``: the comparable figure of ``algo_s``), and of the time per tree rebuild (refitting the regressors and routing the
pool). A first run of 100 samples, timed and reported on its own, pays the process's one-time
costs (importing scikit-learn for the SVM split: about 1 s), as a worker of ``run_all.py`` pays
them once for all its runs; ``--cold`` leaves it out, so the first seed pays them.
A benchmark that cannot be loaded here stops the script with one line saying why. Run it after the
README's install (the project is then an installed package). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, before numpy
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from algorithms import registry as algorithms  # noqa: E402
from benchmarks import registry  # noqa: E402
from harness.runner import run  # noqa: E402


def load(name: str):
    try:
        return registry.make(name), name
    except Exception as exc:
        raise SystemExit(f"cannot load {name}: {exc}") from None


def rebuild_times(bench, spec: str, seed: int, budget: int) -> tuple[list[float], float]:
    """The same run driven directly, timing every tree rebuild; and the CPU seconds spent inside
    ask/tell (look-ups excluded: on a loaded machine the comparable figure of ``algo_s``)."""
    algo = algorithms.make(spec, bench, np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0]))
    times: list[float] = []
    rebuild = algo._rebuild

    def timed() -> None:
        t0 = time.perf_counter()
        rebuild()
        times.append(time.perf_counter() - t0)

    algo._rebuild = timed
    return times, cpu_in_ask_tell(algo, bench, budget)


def cpu_in_ask_tell(algo, bench, samples: int) -> float:
    """Drive ``algo`` on ``bench`` for ``samples`` proposals (look-ups excluded from the clock) and
    return the CPU seconds spent inside ask/tell (``studies/bench_scale.py`` uses it too)."""
    cpu = 0.0
    for _ in range(samples):
        c0 = time.process_time()
        arch = algo.ask()
        cpu += time.process_time() - c0
        if arch is None:
            break
        result = bench.query(arch)
        c0 = time.process_time()
        algo.tell(arch, result)
        cpu += time.process_time() - c0
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", nargs="+", default=["anb201/baseline", "nbgraph/cora"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=2000)
    parser.add_argument("--spec", default="lanas")
    parser.add_argument("--cold", action="store_true", help="no warm-up run: the first seed pays the imports")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"# {args.spec}, {args.budget} samples, {args.seeds} seeds, one core (BLAS threads = 1)")
    if not args.cold:
        bench, label = load(args.benchmarks[0])
        t0, c0 = time.perf_counter(), time.process_time()
        run(bench, args.spec, 0, min(args.budget, 100))
        print(
            f"# warm-up: {label}, seed 0, 100 samples: {time.perf_counter() - t0:.3f} s wall, "
            f"{time.process_time() - c0:.3f} s CPU (imports and first uses included)"
        )
    print(
        "benchmark          archs  run_s(median/max)  algo_s(median/max)  cpu_s(median/max)  "
        "algo_cpu_s(median/max)  rebuild_ms(median/max)  rebuilds"
    )
    for name in args.benchmarks:
        bench, label = load(name)
        bench.query(tuple(int(a) for a in bench.all_archs()[0]))  # warm caches
        walls, algos, cpus, algo_cpus, rebuilds, counts = [], [], [], [], [], []
        for seed in range(args.seeds):
            c0 = time.process_time()
            result = run(bench, args.spec, seed, args.budget)
            cpus.append(time.process_time() - c0)
            if result.status != "budget":
                raise SystemExit(f"{label} seed {seed}: {result.status} {result.error}")
            walls.append(result.wall_s)
            algos.append(result.rows["algo_s"][-1])
            times, algo_cpu = rebuild_times(bench, args.spec, seed, args.budget)
            algo_cpus.append(algo_cpu)
            rebuilds.extend(times)
            counts.append(len(times))
        ms = [1e3 * t for t in rebuilds]
        print(
            f"{label:<17} {len(bench):>6}  {statistics.median(walls):8.3f} / {max(walls):.3f}"
            f"  {statistics.median(algos):9.3f} / {max(algos):.3f}"
            f"  {statistics.median(cpus):8.3f} / {max(cpus):.3f}"
            f"  {statistics.median(algo_cpus):9.3f} / {max(algo_cpus):.3f}"
            f"  {statistics.median(ms):11.2f} / {max(ms):.2f}  {statistics.median(counts):9.0f}"
        )


if __name__ == "__main__":
    main()
