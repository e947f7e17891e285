"""The numbers of the report's "One-shot evaluation" section (the paper's RQ4): how well each proxy
(a supernet's estimate) ranks the cells, what each algorithm finds when it searches through it, and the
two-stage flow (search through the proxy, then train its best ``k`` from scratch) against total cost.

A benchmark searched through a proxy is the same table with ``evaluator=oneshot|fewshot`` in its spec
(``benchmarks/nb201.py``); its runs are judged on the table's value (``true_valid``), like every run.
The proxy's estimate of *every* cell is not in the results, so the rank agreement and the two-stage
flow's training costs are read from the benchmark itself (data only; the analysis never imports the
algorithms).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from scipy import stats as sps

from .. import runformat
from ..load import Experiment

#: distinct samples at which the searches are compared
AT = (100, 300, 1000)
TRUTH = "table"
#: the tables with published supernet estimates (``benchmarks/nb201.py``, option ``evaluator``)
PUBLISHED = "nb201/"
#: the zero-cost proxies' evaluators (``evaluator=zc-<proxy>``, ``benchmarks/zerocost/evaluator.py``)
ZERO_COST = "zc-"


def setup_gpu_h(evaluator: str) -> float:
    """GPU-hours paid once per search through ``evaluator``: a supernet's training; a zero-cost proxy
    trains nothing."""
    from benchmarks import fewshot

    return 0.0 if evaluator.startswith(ZERO_COST) else fewshot.train_gpu_h(evaluator)


def query_s(evaluator: str) -> float:
    """Seconds per query through ``evaluator``: a supernet's forward pass (GPU), a zero-cost proxy's
    measured CPU-seconds per cell."""
    from benchmarks import fewshot
    from benchmarks.zerocost import evaluator as zc

    if evaluator.startswith(ZERO_COST):
        return zc.cost_s(zc.proxy_name(evaluator))
    return fewshot.QUERY_S


def split(bench: str) -> tuple[str, str, dict]:
    """(the benchmark without ``evaluator``/``k``, the evaluator, the spec's other options)."""
    from benchmarks.specs import format_spec, parse_spec

    name, options = parse_spec(bench)
    evaluator = str(options.pop("evaluator", TRUTH))
    k = options.pop("k", None)
    return format_spec(name, options), evaluator, {"k": k}


def searched_through(bench: str) -> str:
    """What the searches of ``bench`` saw, in words (the report says it for every benchmark)."""
    from benchmarks.fewshot import PROXIES

    base, evaluator, _ = split(bench)
    if evaluator in PROXIES and base.startswith(PUBLISHED):
        return f"the published {PROXIES[evaluator]} estimate (Zhao et al., ICML 2021)"
    if evaluator.startswith(ZERO_COST):
        return (
            f"the zero-cost proxy {evaluator.removeprefix(ZERO_COST)} of the untrained network, as a percentile "
            "of the shipped table's scores (Abdelfattah et al., ICLR 2021; docs/zerocost.md)"
        )
    if evaluator == "oneshot":
        return "a one-shot supernet trained here (judged on its estimate: no cell was trained from scratch)"
    if "noisy=True" in base or "noisy=true" in base:
        return "one training seed's value per query"
    return "the benchmark's own value"


def groups(exp: Experiment) -> dict[str, dict[str, str]]:
    """``{base benchmark: {evaluator: benchmark}}`` for the tables searched through a published proxy."""
    out: dict[str, dict[str, str]] = {}
    for bench in exp.benchmarks():
        base, evaluator, _ = split(bench)
        if not base.startswith(PUBLISHED):
            continue
        out.setdefault(base, {})[evaluator] = bench
    return {b: g for b, g in out.items() if set(g) - {TRUTH}}


def _truth(base: str):
    from benchmarks import registry

    return registry.make(base)


def proxy_values(base: str, evaluator: str) -> tuple[np.ndarray, np.ndarray]:
    """(estimate, true value) of every cell of ``base`` for the proxy ``evaluator``."""
    from benchmarks import registry
    from benchmarks.table import TableBenchmark

    table, proxied = _truth(base), registry.make(f"{base}:evaluator={evaluator}")
    assert isinstance(proxied, TableBenchmark) and proxied.proxy is not None, f"{proxied.name} has no proxy column"
    return proxied.proxy, table.valid


def rank_agreement(base: str, evaluators: list[str]) -> pd.DataFrame:
    """Per proxy: Kendall tau and Spearman rho with the truth over every cell the proxy scores (a
    zero-cost table may hold a uniform sample), and the true regret of the proxy's best cell and of the
    best of its 10 best (what training those 10 would find)."""
    rows = []
    for ev in evaluators:
        proxy, true = proxy_values(base, ev)
        scored = ~np.isnan(proxy)
        proxy, true = proxy[scored], true[scored]
        order = np.argsort(-proxy, kind="stable")  # ties in the estimate (2 decimals): in table order
        rows.append(
            {
                "benchmark": base,
                "evaluator": ev,
                "cells": len(true),
                "kendall_tau": sps.kendalltau(proxy, true).statistic,
                "spearman_rho": sps.spearmanr(proxy, true).statistic,
                "regret_best1": true.max() - true[order[0]],
                "regret_best10": true.max() - true[order[:10]].max(),
            }
        )
    return pd.DataFrame(rows)


def _rows(exp: Experiment, benches: set[str]) -> dict[tuple[str, str, int], pd.DataFrame]:
    """The rows (step, arch, valid, true value, cached) of every run of ``benches``."""
    out = {}
    for path in sorted((exp.path / "runs").rglob("*.parquet")):
        if runformat.is_partition(path):
            continue
        try:
            schema = pq.read_schema(path)
            meta = runformat.read_meta(schema)
            if meta["benchmark"] not in benches:
                continue
            true = "true_valid" if "true_valid" in schema.names else "valid"
            t = pq.read_table(path, columns=["step", "arch", "valid", true, "cached"]).to_pandas()
        except Exception:  # noqa: BLE001 - an unreadable file is already listed by load()
            continue
        out[(str(meta["benchmark"]), str(meta["spec"]), int(meta["seed"]))] = t.rename(columns={true: "true"})
    return out


def at_samples(exp: Experiment, group: dict[str, str]) -> pd.DataFrame:
    """Per (spec, evaluator, n in :data:`AT`): the true value of the cell each search would return
    after n distinct samples (mean and standard deviation over seeds)."""
    rows = []
    for ev, bench in group.items():
        for spec in exp.specs(bench):
            runs = [r for r in exp.runs_of(bench, spec) if r.samples]
            for n in (n for n in AT if n <= exp.horizon):
                v = np.array([r.best[n - 1] for r in runs])
                rows.append(
                    {
                        "spec": spec,
                        "evaluator": ev,
                        "samples": n,
                        "seeds": len(v),
                        "true_valid_mean": v.mean(),
                        "true_valid_sd": v.std(ddof=1) if len(v) > 1 else 0.0,
                    }
                )
    return pd.DataFrame(rows)


def two_stage(exp: Experiment, base: str, group: dict[str, str]) -> pd.DataFrame:
    """Per (spec, evaluator, n): the final true value and total GPU-hours of searching n distinct
    samples. Through a proxy: the supernet's training, n proxy queries, then the proxy's best ``k``
    evaluated cells trained from scratch (a table lookup charged at the table's training time) and the
    best of them returned. On the truth: the training time of the n cells, the incumbent returned."""
    from benchmarks import fewshot

    table = _truth(base)
    rows = []
    runs = _rows(exp, set(group.values()))
    for (bench, spec, seed), t in runs.items():
        _, ev, opts = split(bench)
        t = t[~t["cached"].to_numpy(bool)]  # one row per distinct sample, in order
        arch = np.array([[int(a) for a in s.split("-")] for s in t["arch"]])
        train_s = table.cost_s[table.index(arch)]
        for n in (n for n in AT if n <= len(t)):
            if ev == TRUTH:
                seen = t["valid"].to_numpy(float)[:n]
                final = float(t["true"].to_numpy(float)[int(np.argmax(seen))])
                hours, k = float(train_s[:n].sum()) / 3600, 0
            else:
                k = int(opts["k"] or fewshot.DEFAULT_K)
                best = np.argsort(-t["valid"].to_numpy(float)[:n], kind="stable")[:k]
                final = float(t["true"].to_numpy(float)[best].max())
                hours = setup_gpu_h(ev) + (n * query_s(ev) + float(train_s[best].sum())) / 3600
            rows.append(
                {
                    "spec": spec,
                    "evaluator": ev,
                    "k": k,
                    "samples": n,
                    "seed": seed,
                    "final_true_valid": final,
                    "gpu_hours": hours,
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return (
        frame.groupby(["spec", "evaluator", "k", "samples"], sort=False)
        .agg(
            seeds=("seed", "size"),
            final_true_valid=("final_true_valid", "mean"),
            final_sd=("final_true_valid", "std"),
            gpu_hours=("gpu_hours", "mean"),
        )
        .reset_index()
    )
