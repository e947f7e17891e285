"""The scale ablation: how algorithms change when a tuning table is searched through a
strictly increasing transform of its accuracy (in percent), as a user with a loss would search it.

    python studies/scale_ablation.py SPEC BUDGET SEEDS [TABLE ...] > out.md

Transforms (tests/transformed.py's wrapper idea, in the table's own units): ``-log(100 - acc)``
(the error's logarithm, negated to be maximised) and ``exp(acc / 2)``. Each transformed copy's
``value_range`` is the transform of the table's smallest and largest value (the tightest honest
bound; the transform of 100 % would be infinite). ``-log(100 - acc)`` merges 3 pairs of values an
ulp apart on ``nb201/cifar10-valid`` (docs/rank-invariance.md); no other. Targets are the original table's: the
transforms keep the order, so the same architectures are the top-0.1 %. Reported per table and
transform: seeds reaching the top-0.1 %, the Kaplan-Meier median and the restricted mean of
distinct samples to it, the median algorithm seconds per sample, and the runs that stopped
proposing new architectures (``MAX_REPEATS`` repeats in a row: the runner's ``stuck``; what they
had not reached counts as not reached).
"""

from __future__ import annotations

import copy
import sys

import numpy as np

from analysis.stats import censored as stats  # noqa: E402
from benchmarks import registry  # noqa: E402
from harness.runner import run  # noqa: E402

TRANSFORMS = {
    "acc": lambda a: a,
    "-log(100-acc)": lambda a: -np.log(100.0 - a),
    "exp(acc/2)": lambda a: np.exp(a / 2.0),
}


def transformed(bench, name: str):
    f = TRANSFORMS[name]
    out = copy.copy(bench)
    out.valid = f(np.asarray(bench.valid, dtype=float))
    out.value_range = (float(out.valid.min()), float(out.valid.max()))
    out.valid_runs = None
    return out


#: repeats in a row that end a run as ``stuck`` (the runner's default, 1,000, lets a model that
#: keeps re-proposing its incumbent spend hours of GP fits on repeats)
MAX_REPEATS = 50


def main(spec: str, budget: int, seeds: range, tables: list[str]) -> None:
    print(f"\n`{spec}`, budget {budget}, seeds {seeds.start}-{seeds.stop - 1}: distinct samples to the top-0.1 %\n")
    print("| table | searched as | reached | median | restricted mean | algorithm ms / sample | stuck |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for table in tables:
        bench = registry.make(table)
        target = bench.targets().top0_1
        for name in TRANSFORMS:
            b = transformed(bench, name)
            times, cost, stuck = [], [], 0
            for seed in seeds:
                r = run(b, spec, seed=seed, budget=budget, max_repeats=MAX_REPEATS)
                stuck += r.status == "stuck"
                archs = [tuple(map(int, a.split("-"))) for a in r.rows["arch"]]
                best = np.maximum.accumulate(bench.valid[bench.index(archs)])  # judged on the original
                times.append(stats.hitting_time(best[~np.asarray(r.rows["cached"])], target))
                cost.append(1000 * r.rows["algo_s"][-1] / r.samples)
            t = np.array(times)
            print(
                f"| {table} | {name} | {int(np.isfinite(t).sum())}/{len(t)} | {stats.km_median(t, budget):.1f} "
                f"| {stats.restricted_mean(t, budget):.1f} | {np.median(cost):.2f} | {stuck}/{len(t)} |",
                flush=True,
            )


if __name__ == "__main__":
    lo, _, hi = sys.argv[3].partition("-")
    main(
        sys.argv[1],
        int(sys.argv[2]),
        range(int(lo), int(hi or lo) + 1),
        sys.argv[4:] or ["nb201/cifar10-valid", "anb201/baseline"],
    )
