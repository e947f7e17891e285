"""The published peers' numbers (docs/peers.md): per table and spec of experiment folders, the
distinct samples to the table's optimum (or ``--target top0_1``, ``top1``; seeds reaching it; mean
and median over the seeds, misses counted as the budget, with the percentile-bootstrap 95% interval
of the mean) and the best value found within the budget (mean with its bootstrap 95% interval);
with ``--versus A B``, the paired difference of A's and B's samples to each target (same seeds)
with its bootstrap interval, and over several tables every (table, seed) pair pooled.

    python studies/published_peers.py FOLDER [FOLDER ...] [--target optimum] [--versus SPEC_A SPEC_B]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from analysis.load import Experiment, load
from analysis.stats import censored
from analysis.stats.tables import hitting_times


def fmt(x: float) -> str:
    return f"{x:.1f}" if abs(x) < 1000 else f"{x:,.0f}"


def reach_rows(exp: Experiment, target: str = "optimum") -> list[str]:
    """One row per (table, spec): samples to ``target`` and the best value within the budget."""
    rows = []
    for bench in exp.benchmarks():
        times = hitting_times(exp, bench)
        for spec in exp.specs(bench):
            t = np.minimum(times[spec][target], exp.budget)
            lo, hi = censored.mean_ci(t, exp.budget)
            best = np.array([r.best[min(r.samples, len(r.best)) - 1] for r in exp.runs_of(bench, spec)])
            blo, bhi = censored.bootstrap_ci(best, lambda s: s.mean(axis=1))
            reached = int(np.isfinite(times[spec][target]).sum())
            rows.append(
                f"| `{bench}` | `{spec}` | {exp.budget:,} | {reached}/{len(t)} | {fmt(t.mean())} [{fmt(lo)}, {fmt(hi)}] "
                f"| {fmt(float(np.median(t)))} | {best.mean():.3f} [{blo:.3f}, {bhi:.3f}] |"
            )
    return rows


def versus_rows(exp: Experiment, a: str, b: str) -> list[str]:
    """Per table and target: mean of A's minus B's samples to it over the seeds both ran (misses
    counted as the budget), with its bootstrap 95% interval; negative: A needs fewer."""
    rows: list[str] = []
    pooled: dict[str, list[np.ndarray]] = {}
    for bench in exp.benchmarks():
        times = hitting_times(exp, bench)
        if a not in times or b not in times:
            continue
        seeds_a = [r.seed for r in exp.runs_of(bench, a)]
        seeds_b = [r.seed for r in exp.runs_of(bench, b)]
        common = sorted(set(seeds_a) & set(seeds_b))
        for target in censored.TARGETS:
            if target not in times[a]:
                continue
            ta = np.minimum(times[a][target][[seeds_a.index(s) for s in common]], exp.budget)
            tb = np.minimum(times[b][target][[seeds_b.index(s) for s in common]], exp.budget)
            pooled.setdefault(target, []).append(np.stack([ta, tb]))
            rows.append(_versus_row(f"`{bench}`", target, ta, tb))
    if len({r.split(" | ")[0] for r in rows}) > 1:  # several tables: every (table, seed) pair pooled
        for target, pairs in pooled.items():
            ta, tb = np.concatenate(pairs, axis=1)
            rows.append(_versus_row(f"all {len(pairs)} tables", target, ta, tb))
    return rows


def _versus_row(where: str, target: str, ta: np.ndarray, tb: np.ndarray) -> str:
    d = ta - tb
    lo, hi = censored.bootstrap_ci(d, lambda s: s.mean(axis=1))
    return f"| {where} | {target} | {len(d)} | {fmt(ta.mean())} | {fmt(tb.mean())} | {fmt(d.mean())} [{fmt(lo)}, {fmt(hi)}] |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--versus", nargs=2, metavar=("SPEC_A", "SPEC_B"))
    parser.add_argument("--target", choices=("optimum", "top0_1", "top1"), default="optimum")
    args = parser.parse_args(argv)
    for folder in args.folders:
        exp = load(folder)
        if args.versus:
            a, b = args.versus
            print(f"| table | target | seeds | `{a}` mean | `{b}` mean | difference [95%] |")
            print("| --- | --- | --- | --- | --- | --- |")
            print("\n".join(versus_rows(exp, a, b)))
        else:
            head = f"| table | spec | budget | reached {args.target} | samples to it: mean [95%] | median | best: mean [95%] |"
            print(head)
            print("| --- | --- | --- | --- | --- | --- | --- |")
            print("\n".join(reach_rows(exp, args.target)))


if __name__ == "__main__":
    main()
