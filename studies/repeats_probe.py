"""How many proposals a search makes per distinct sample as a run grows, and the algorithm time it
takes: one run through ``harness.runner.run`` (which answers repeats from its cache and records every
proposal, repeats included, with the cumulative time inside ask/tell, ``algo_s``).

    python studies/repeats_probe.py nbgraph/cora:objectives=valid+latency optuna-motpe 500 [--seed 0]

Prints, at 50, 100, 200, 300, 400, 500, 700 and 1,000 distinct samples (those within the budget),
the proposals so far and ``algo_s`` then, and the run's status and CPU seconds. Not collected by
pytest.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks import registry
from harness.runner import run

MARKS = (50, 100, 200, 300, 400, 500, 700, 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark")
    parser.add_argument("spec")
    parser.add_argument("budget", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bench = registry.make(args.benchmark)
    c0 = time.process_time()
    result = run(bench, args.spec, args.seed, args.budget)
    cpu = time.process_time() - c0
    distinct = np.cumsum(~np.asarray(result.rows["cached"], dtype=bool))  # after each proposal
    for mark in MARKS:
        i = int(np.searchsorted(distinct, mark))  # the proposal that made the mark-th distinct sample
        if i < len(distinct):
            print(f"distinct {mark}: proposals {i + 1}, algo_s {result.rows['algo_s'][i]:.1f} s")
    print(f"{result.status.value}: {int(distinct[-1]) if len(distinct) else 0} distinct samples, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
