"""``python -m benchmarks.trained supernet``: how well the one-shot supernet ranks cells trained from
scratch with the same schedule. Samples N cells as ``build`` does (the same N for the same seed, so the
cells ``build`` trained are reused from the store), trains the supernet once (or loads it), and prints
its training time, the cost of one query, Kendall tau and Spearman rho between estimate and trained
validation accuracy, and the overlap of the top k of each."""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import stats


def agreement(spec: str, n: int, seed: int, top: int = 5) -> dict[str, float]:
    from ..registry import make

    trained = make(spec)
    proxy = make(f"{spec},evaluator=oneshot")
    pool = trained.all_archs()
    assert pool is not None  # the trained space is enumerable
    archs = [
        tuple(int(a) for a in pool[i]) for i in np.random.default_rng(seed).choice(len(pool), size=n, replace=False)
    ]
    start = time.perf_counter()
    truth = []
    for k, arch in enumerate(archs):
        truth.append(trained.query(arch).valid)
        print(f"trained {k + 1}/{n}", file=sys.stderr, end="\r")
    train_s = time.perf_counter() - start
    estimates = [proxy.query(a) for a in archs]
    est = np.array([r.valid for r in estimates])
    true = np.array(truth)
    overlap = len(set(np.argsort(-est, kind="stable")[:top]) & set(np.argsort(-true, kind="stable")[:top]))
    return {
        "cells": n,
        "kendall_tau": stats.kendalltau(est, true).statistic,
        "spearman_rho": stats.spearmanr(est, true).statistic,
        f"top{top}_overlap": overlap,
        "supernet_train_s": estimates[0].extra["supernet_train_s"],
        "supernet_from_cache": estimates[0].extra["supernet_from_cache"],
        "query_s": float(np.mean([r.cost_s for r in estimates])),
        "cell_train_s": float(np.mean([trained.query(a).cost_s for a in archs])),
        "wall_s_this_run": train_s,
    }
