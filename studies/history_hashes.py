"""Fingerprints of LaNAS histories, to show that a speed-up changed no decision.

    python studies/history_hashes.py [--specs lanas-plus lanas-release] [--seeds 3] [--budget 1000]
                                        [--benchmarks nb201/cifar10-valid anb201/baseline nbgraph/cora]
                                        [--sim-workers K]

Prints, per (spec, benchmark, seed), the first 16 hex digits of the SHA-256 of the ``arch``
column of ``harness.runner.run(...).rows`` (every proposal in order), the status, the number of
proposals, the run's CPU seconds, and (``rows``) the digest of every column but ``algo_s`` (the
only one that measures time). With ``--sim-workers K`` the run is
``harness.simulate.simulate(..., K)`` (simulated time with K workers; tables with a training time).
Run it on two checkouts and compare the hashes (docs/speed.md has a table of them). One core
(BLAS threads = 1). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, before numpy
    os.environ[_var] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import time  # noqa: E402

from benchmarks import registry  # noqa: E402
from harness.runner import run  # noqa: E402
from harness.simulate import simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="+", default=["lanas-plus", "lanas-release"])
    parser.add_argument("--benchmarks", nargs="+", default=["nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--sim-workers", type=int, default=0, help="simulated workers (0: the plain run)")
    args = parser.parse_args()
    for spec in args.specs:
        for name in args.benchmarks:
            bench = registry.make(name)
            for seed in range(args.seeds):
                c0 = time.process_time()
                if args.sim_workers:
                    result = simulate(bench, spec, seed, args.budget, args.sim_workers)
                else:
                    result = run(bench, spec, seed, args.budget)
                digest = hashlib.sha256(repr(list(result.rows["arch"])).encode()).hexdigest()[:16]
                rows = {k: list(v) for k, v in sorted(result.rows.items()) if k != "algo_s"}
                full = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
                print(
                    f"{spec:14s} {name:20s} seed {seed}  {digest}  {result.status} {len(result.rows['arch'])} "
                    f"proposals  {time.process_time() - c0:.2f} s CPU  rows {full}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
