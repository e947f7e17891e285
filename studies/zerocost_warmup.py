"""Does a zero-cost warm-up make searches find the best cells sooner? The study of docs/zerocost.md ("Warm-up").

python studies/zerocost_warmup.py OUT_DIR [--runs DIR] [--seeds 0-9] [--workers 1] [--warmup synflow]

Runs (``run_all.py``, resumable) every algorithm of :data:`ALGORITHMS` with and without
``warmup=PROXY`` (the default N = 3,000 cells scored, the best K = 64 evaluated first,
algorithms/_warmup.py) on every table of :data:`TABLES`, 10 seeds, budget 300, into ``--runs``
(default ``OUT_DIR/runs``); a run's first 100 samples are its budget-100 run (no algorithm here
depends on its budget). Then, per table, algorithm and target (top-0.1%, optimum), judged on the
table's truth: the Kaplan-Meier median and the restricted mean of the samples to the target
(censored runs count as the budget: a lower bound, marked >=) at budgets 100 and 300, with and
without the warm-up; the warm-up's speed-up (ratio of restricted means, 95% bootstrap interval)
and a two-sided Mann-Whitney test (censored runs tie above every observed time), Holm-adjusted
over the whole table of tests. Writes ``OUT_DIR/warmup.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

from analysis.load import load
from analysis.stats import censored
from analysis.stats.ranking import at_checkpoint
from analysis.stats.tables import hitting_times
from harness.results import read_meta

TABLES = ("nb201/cifar10-valid", "nb201/cifar100", "nb201/ImageNet16-120", "anb201/baseline")
ALGORITHMS = ("random", "evolution", "local-search", "optuna-tpe", "lanas-plus")
BUDGETS = (100, 300)
TARGETS = ("top0_1", "optimum")
ROOT = Path(__file__).resolve().parents[1]


def run_grid(runs: Path, seeds: str, workers: int, proxy: str) -> None:
    specs = [*ALGORITHMS, *(f"{a}:warmup={proxy}" for a in ALGORITHMS)]
    cmd = [sys.executable, str(ROOT / "run_all.py"), "--benchmarks", *TABLES, "--algorithms", *specs]
    cmd += ["--seeds", seeds, "--budget", str(max(BUDGETS)), "--out", str(runs), "--workers", str(workers)]
    subprocess.run([*cmd, "--no-analysis"], check=True, cwd=ROOT)


def proxy_cost(runs: Path) -> dict[str, float]:
    """The warm-up's recorded proxy CPU-seconds per run, by warm-up spec."""
    out: dict[str, float] = {}
    for path in runs.rglob("*.parquet"):
        meta = read_meta(path)
        if meta and "warmup_cpu_s" in meta:
            out[meta["warmup"]] = float(meta["warmup_cpu_s"])
    return out


def cell(times: np.ndarray, budget: int) -> str:
    median = censored.km_median(times, budget)
    mean = censored.restricted_mean(times, budget)
    sign = ">=" if np.isinf(times).any() else ""
    return f"{'n.r.' if np.isinf(median) else f'{median:.0f}'} / {sign}{mean:.0f}"


def rows(exp, proxy: str) -> list[list[str]]:
    out, pvalues = [], []
    for table in exp.benchmarks():
        times = hitting_times(exp, table)
        for algo in ALGORITHMS:
            warm_spec = f"{algo}:warmup={proxy}"
            if algo not in times or warm_spec not in times:
                continue
            for target in TARGETS:
                for budget in BUDGETS:
                    plain = at_checkpoint(times[algo][target], budget)
                    warm = at_checkpoint(times[warm_spec][target], budget)
                    ratio, lo, hi = censored.speedup(warm, plain, budget)
                    pvalues.append(censored.mann_whitney(warm, plain, budget))
                    label = censored.TARGET_LABELS[target]
                    out.append(
                        [table, algo, label, str(budget), cell(plain, budget), cell(warm, budget)]
                        + [f"{ratio:.2f} [{lo:.2f}, {hi:.2f}]"]
                    )
    for row, p in zip(out, censored.holm(pvalues)):
        row.append("n/a" if np.isnan(p) else f"{p:.3f}" + (" *" if p < 0.05 else ""))
    return out


def report(exp, proxy: str, cost: dict[str, float]) -> str:
    seeds = len({r.seed for r in exp.runs})
    head = [
        "table",
        "algorithm",
        "target",
        "budget",
        "plain: median / mean",
        f"warmup={proxy}: median / mean",
        "speed-up [95%]",
        "Holm p",
    ]
    lines = [
        f"Samples to the target, {seeds} seeds per cell, judged on the table's validation accuracy; median:",
        "Kaplan-Meier (n.r.: not reached by half the runs); mean: restricted to the budget (>=: some runs",
        "censored); speed-up: plain mean / warm-up mean (> 1: the warm-up needs fewer samples); Holm p:",
        "two-sided Mann-Whitney, Holm-adjusted over every row (*: below 0.05).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(" --- " if i < 4 else " ---: " for i in range(len(head))) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows(exp, proxy)]
    lines.append("")
    for spec, seconds in sorted(cost.items()):
        lines.append(
            f"Proxy cost of warmup={spec}: {seconds:.0f} CPU-seconds per run (recorded in each run's metadata)."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--runs", type=Path, help="experiment folder (default OUT/runs)")
    ap.add_argument("--seeds", default="0-9")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--warmup", default="synflow", help="the warm-up spec, PROXY[/N[/K]]")
    args = ap.parse_args()
    runs = args.runs or args.out / "runs"
    run_grid(runs, args.seeds, args.workers, args.warmup)
    args.out.mkdir(parents=True, exist_ok=True)
    text = report(load(runs), args.warmup, proxy_cost(runs))
    (args.out / "warmup.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
