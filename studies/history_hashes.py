"""Fingerprints of LaNAS histories, to show that a speed-up changed no decision.

    python studies/history_hashes.py [--specs lanas-plus lanas-release] [--seeds 3] [--budget 1000]
                                        [--benchmarks nb201/cifar10-valid anb201/baseline nbgraph/cora]

Prints, per (spec, benchmark, seed), the first 16 hex digits of the SHA-256 of the ``arch``
column of ``harness.runner.run(...).rows`` (every proposal in order) and the run's CPU seconds.
Run it on two checkouts and compare the hashes (docs/speed.md has those of 2026-12-02). One core
(BLAS threads = 1). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, before numpy
    os.environ[_var] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import registry  # noqa: E402
from harness.runner import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="+", default=["lanas-plus", "lanas-release"])
    parser.add_argument("--benchmarks", nargs="+", default=["nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=1000)
    args = parser.parse_args()
    for spec in args.specs:
        for name in args.benchmarks:
            bench = registry.make(name)
            for seed in range(args.seeds):
                c0 = time.process_time()
                result = run(bench, spec, seed, args.budget)
                digest = hashlib.sha256(repr(list(result.rows["arch"])).encode()).hexdigest()[:16]
                print(
                    f"{spec:14s} {name:20s} seed {seed}  {digest}  {result.status} {len(result.rows['arch'])} "
                    f"proposals  {time.process_time() - c0:.2f} s CPU",
                    flush=True,
                )


if __name__ == "__main__":
    main()
