"""Synthetic tables for tests only (never registered in production code).

``linear_table``: value = planted linear score of the one-hot encoding plus a small
interaction term, unique optimum at ``OPTIMUM``; ``noisy`` per-seed copies for noise tests.
"""

from __future__ import annotations

import itertools

import numpy as np

from benchmarks.table import TableBenchmark

CHOICES = (4, 4, 4, 4, 3)
OPTIMUM = (3, 2, 1, 0, 2)


def linear_table(choices=CHOICES, optimum=OPTIMUM, seed: int = 0, interaction: float = 0.02) -> TableBenchmark:
    rng = np.random.default_rng(seed)
    archs = np.array(list(itertools.product(*[range(c) for c in choices])), dtype=np.int64)
    weights = [rng.uniform(0.0, 0.5, c) for c in choices]
    for w, best in zip(weights, optimum):
        w[best] = 1.0  # the planted optimum's value wins every decision
    score = sum(w[archs[:, i]] for i, w in enumerate(weights))
    score = score + interaction * rng.standard_normal(len(archs)) * (archs.sum(1) % 2)
    score[(archs == np.asarray(optimum)).all(1)] = len(choices) + 1.0
    valid = score / (len(choices) + 1.0)
    runs = valid[:, None] + 0.01 * rng.standard_normal((len(archs), 3))
    bench = TableBenchmark(
        choices=choices,
        archs=archs,
        valid=valid,
        test=valid - 0.01,
        cost_s=np.ones(len(archs)),
        valid_runs=runs,
        value_range=(0.0, 1.0),
    )
    bench.name = "synthetic/linear"
    return bench
