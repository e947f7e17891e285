"""The 14-table study behind docs/findings.md ("`lanas-plus` on all 14 embedded tables"): ``lanas-plus`` against every peer
at budgets 100 and 1,000, one markdown table per target.

    python studies/study_plus.py B100_FOLDER B1000_FOLDER > study.md

Each folder is a ``run_all.py --no-analysis`` experiment (docs/findings.md gives the commands).
Per table and spec: success rate, median (Kaplan-Meier; its order-statistic 95% interval),
restricted mean (runs that miss count as the budget) with its bootstrap 95% interval, and the
rank of the restricted mean among ``lanas-plus`` and the peers on that table (1 = fewest
samples; the first ``lanas-plus`` and the ablation are shown unranked). A verdict line
per table says whether ``lanas-plus`` needs no more samples than the best peer on both the
median and the restricted mean; the optimum is judged only where at least half the seeds of
some spec reach it within the budget.
"""

from __future__ import annotations

import sys

import numpy as np
from scipy.stats import rankdata

from analysis.load import load
from analysis.stats import censored as stats
from analysis.stats.tables import hitting_times

PLUS = "lanas-plus"
PEERS = ("evolution", "optuna-tpe", "optuna-gp")
#: reported beside them, never used to choose: the first lanas-plus and the explore-when-stuck ablation
OTHERS = {
    "lanas:inleaf=local,split=svm": "first lanas-plus",
    "lanas-plus:widen=50": "lanas-plus:widen=50",
    "lanas-plus:handover=neighbours": "lanas-plus:handover=neighbours",
    "lanas-plus:inleaf_fallback=near": "lanas-plus:handover=neighbours",
}  # its spelling in older folders
TUNING = ("nb201/cifar10-valid", "anb201/baseline")
#: the study's configuration is the value-scaled lanas-plus without restarts (lanas-plus until
#: 2026-12-03): folders made since name it by its options
RENAMED = {
    "lanas:inleaf=localbo,n_parents=3,split=svm": PLUS,
    "lanas:inleaf=localbo,n_parents=3,split=svm,widen=50": "lanas-plus:widen=50",
    "lanas:handover=neighbours,inleaf=localbo,n_parents=3,split=svm": "lanas-plus:handover=neighbours",
}


def fmt(x: float, censored: bool = False) -> str:
    if not np.isfinite(x):
        return "—"
    return ("≥" if censored else "") + (f"{x:.0f}" if x >= 100 else f"{x:.1f}")


def table(folder: str, target: str) -> tuple[list[str], dict[str, dict]]:
    exp = load(folder)
    budget = exp.budget
    lines, verdicts = [], {}
    benches = sorted(exp.benchmarks(), key=lambda b: (b not in TUNING, b))
    for bench in benches:
        times = {RENAMED.get(k, k): v for k, v in hitting_times(exp, bench).items()}
        specs = [s for s in (PLUS, *PEERS, *OTHERS) if s in times]
        rows = {s: stats.summarise(times[s][target], budget) for s in specs}
        main = [s for s in specs if s not in OTHERS]  # ranked: lanas-plus and the peers
        ranks = dict(zip(main, rankdata([rows[s]["mean"] for s in main])))
        for s in specs:
            r = rows[s]
            med = fmt(r["median"]) + (
                f" [{fmt(r['median_lo'])}, {fmt(r['median_hi'])}]" if np.isfinite(r["median_lo"]) else ""
            )
            mean = f"{fmt(r['mean'], r['mean_censored'])} [{fmt(r['mean_lo'])}, {fmt(r['mean_hi'])}]"
            name = OTHERS.get(s, s)
            lines.append(
                f"| {bench} | {name} | {r['reached']}/{r['runs']} | {med} | {mean} | {format(ranks[s], 'g') if s in ranks else '—'} |"
            )
        peers = [s for s in PEERS if s in rows]
        if PLUS not in rows:
            continue
        judged = target != "optimum" or max(rows[s]["success"] for s in (PLUS, *peers) if s in rows) >= 0.5
        if PLUS in rows and peers and judged:
            best_med = min(rows[s]["median"] for s in peers)
            best_mean = min(rows[s]["mean"] for s in peers)
            p = rows[PLUS]
            if np.isfinite(best_med):
                ratio = p["median"] / best_med
            else:  # no peer's median reached: a tie when lanas-plus's is not reached either
                ratio = 1.0 if not np.isfinite(p["median"]) else 0.0
            verdicts[bench] = dict(
                median=ratio,
                mean=p["mean"] / best_mean,
                best_mean=min(peers, key=lambda s: rows[s]["mean"]),
                best_median=min(peers, key=lambda s: rows[s]["median"]),
            )
    return lines, verdicts


def stuck_lines(folder: str) -> list[str]:
    """Per table: does every seed of ``lanas-plus`` reach the top-1% within 5x the median?"""
    exp = load(folder)
    out = []
    for bench in sorted(exp.benchmarks(), key=lambda b: (b not in TUNING, b)):
        times = hitting_times(exp, bench)
        if PLUS not in times:
            continue
        t = times[PLUS]["top1"]
        med = stats.km_median(t, exp.budget)
        worst = np.max(t)
        if np.isfinite(worst) and worst <= 5 * med:
            verdict = "yes"
        elif not np.isfinite(worst) and 5 * med > exp.budget:
            verdict = f"unknown: a seed misses it within the budget of {exp.budget:,}, under 5x the median"
        else:
            verdict = "**no**"
        ratio = f"{worst / med:.2f}" if np.isfinite(worst) else "—"
        out.append(
            f"| {bench} | {fmt(med)} | {fmt(worst) if np.isfinite(worst) else '> budget'} | {ratio} | {verdict} |"
        )
    return out


def main(argv: list[str]) -> None:
    for folder in argv:
        budget = load(folder).budget
        print(f"\n### Budget {budget:,}: stuck seeds (`lanas-plus`, distinct samples to the top-1%)\n")
        print("| table | median | slowest seed | slowest / median | every seed within 5x the median |")
        print("| --- | --- | --- | --- | --- |")
        print("\n".join(stuck_lines(folder)))
        for target in ("top0_1", "optimum"):
            lines, verdicts = table(folder, target)
            print(f"\n### Budget {budget:,}: distinct samples to the {stats.TARGET_LABELS[target]}\n")
            print("| table | spec | reached | median [95%] | restricted mean [95%] | rank |")
            print("| --- | --- | --- | --- | --- | --- |")
            print("\n".join(lines))
            wins = [b for b, v in verdicts.items() if v["median"] <= 1 and v["mean"] <= 1]
            print(
                f"\n`lanas-plus` needs no more samples than the best peer on both the median and the "
                f"restricted mean on {len(wins)} of the {len(verdicts)} tables judged."
            )
            for b, v in verdicts.items():
                if b not in wins:
                    med = (
                        f"{v['median']:.2f}x"
                        if np.isfinite(v["median"])
                        else "not reached by half the seeds, against a finite one"
                    )
                    print(
                        f"- {b}: median {med} of the best peer's ({v['best_median']}), "
                        f"restricted mean {v['mean']:.2f}x ({v['best_mean']})"
                    )


if __name__ == "__main__":
    main(sys.argv[1:])
