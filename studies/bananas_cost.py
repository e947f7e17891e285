"""Algorithm seconds per sample of one run (the runner's cumulative ``algo_s``) at given sample counts.

python studies/bananas_cost.py SPEC TABLE BUDGET SEED N1 [N2 ...]
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks import registry  # noqa: E402
from harness.runner import run  # noqa: E402

spec, table, budget, seed, *marks = sys.argv[1:]
r = run(registry.make(table), spec, seed=int(seed), budget=int(budget))
new = np.flatnonzero(~np.asarray(r.rows["cached"]))
for n in map(int, marks):
    row = new[min(n, len(new)) - 1]
    print(
        f"{spec} on {table}, seed {seed}: {r.rows['algo_s'][row]:.1f} s of algorithm time in the first {n} samples "
        f"= {1000 * r.rows['algo_s'][row] / n:.1f} ms per sample"
    )
