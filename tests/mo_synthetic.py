"""A small synthetic table with two objectives (accuracy up, a latency down), for the
multi-objective tests: the latency grows with the accuracy's decisions, so the two conflict."""

from __future__ import annotations

import numpy as np

from benchmarks.table import TableBenchmark
from tests.synthetic import linear_table


def two_objective_table(choices=(4, 4, 3, 3), seed: int = 0) -> TableBenchmark:
    base = linear_table(choices=choices, optimum=tuple(c - 1 for c in choices), seed=seed)
    rng = np.random.default_rng(seed + 1)
    archs = base.all_archs().astype(float)
    latency = archs.sum(axis=1) + 0.5 * rng.random(len(archs))
    bench = TableBenchmark(
        choices=base.choices, archs=base.all_archs(), valid=base.valid, extra={"latency": latency}, value_range=(0, 1)
    )
    bench.name = "synthetic/two-objectives"
    bench.name_objectives(("valid", "latency"))
    return bench
