"""How many proposals a search makes per distinct sample as a run grows, and the CPU it takes: the
search driven directly (ask, tell), repeats answered from a cache as the runner answers them.

    python studies/repeats_probe.py nbgraph/cora:objectives=valid+latency optuna-motpe 1000 [--seed 0]

Prints, at 50, 100, 200, 300, 400, 500, 700 and 1,000 distinct samples, the proposals so far and
the CPU seconds; gives up after 20 proposals per distinct sample of the budget. Not collected by
pytest.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from algorithms import registry as algorithms
from benchmarks import registry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark")
    parser.add_argument("spec")
    parser.add_argument("budget", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bench = registry.make(args.benchmark)
    algo = algorithms.make(args.spec, bench, np.random.default_rng(args.seed))
    seen: dict = {}
    proposals, t0 = 0, time.process_time()
    marks = {50, 100, 200, 300, 400, 500, 700, 1000}
    while len(seen) < args.budget and proposals <= 20 * args.budget:
        arch = algo.ask()
        proposals += 1
        result = seen.get(arch) or bench.query(arch)
        seen[arch] = result
        algo.tell(arch, result)
        if len(seen) in marks:
            marks.discard(len(seen))
            print(f"distinct {len(seen)}: proposals {proposals}, CPU {time.process_time() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
