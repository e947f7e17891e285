"""The comparison table of docs/multiobjective.md from a multi-objective experiment folder.

    python studies/mo_summary.py FOLDER [--against lamoo] [--targets hv95 hv99]

Prints, per table, each algorithm's Kaplan-Meier median samples to 95% and to 99% of HV* with
how many seeds reached it, then a second table of the restricted means with their 95% bootstrap
intervals (censored at the budget: a mean marked ≥ counts seeds that did not reach it as the
budget) and the median HV regret at the budget, then whether ``--against`` needed no more samples than the best other
algorithm (the issue's goal), with by how much it lost where it did. The numbers are those of the
report's multi-objective section (:func:`analysis.stats.mo_tables.mo_statistics`). Not collected
by pytest.
"""

from __future__ import annotations

import argparse

import numpy as np

from analysis.load import load
from analysis.stats.mo_tables import mo_ranks, mo_statistics


def _cell(row) -> str:
    median = "–" if not np.isfinite(row["median"]) else f"{row['median']:.0f}"
    return f"{median} ({int(row['reached'])}/{int(row['runs'])})"


def _mean(row) -> str:
    sign = "≥ " if row["mean_censored"] else ""
    return f"{sign}{row['mean']:.0f} [{row['mean_lo']:.0f}, {row['mean_hi']:.0f}]"


def _means(stats, specs: list[str], targets: list[str]) -> None:
    """Restricted mean [95% interval] per target, and the median HV regret at the budget."""
    print("restricted mean samples [95% interval] to " + " / ".join(targets) + "; median HV regret at the budget")
    print()
    print("| table | " + " | ".join(f"`{s}`" for s in specs) + " |")
    print("| --- |" + " --- |" * len(specs))
    for bench in dict.fromkeys(stats["benchmark"]):
        sub = stats[stats["benchmark"] == bench]
        cells = []
        for spec in specs:
            rows = [sub[(sub["spec"] == spec) & (sub["target"] == t)] for t in targets]
            if any(r.empty for r in rows):
                cells.append("no runs")
                continue
            regret = rows[0].iloc[0]["hv_regret"]
            cells.append(" / ".join(_mean(r.iloc[0]) for r in rows) + f"; {regret:.4f}")
        print(f"| `{bench.split(':')[0]}` | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--against", default="lamoo")
    parser.add_argument("--targets", nargs="+", default=["hv95", "hv99"])
    args = parser.parse_args()
    exp = load(args.folder)
    stats = mo_statistics(exp)
    specs = list(dict.fromkeys(stats["spec"]))
    print("| table | " + " | ".join(f"`{s}` 95% / 99%" for s in specs) + " |")
    print("| --- |" + " --- |" * len(specs))
    verdicts = []
    for bench in dict.fromkeys(stats["benchmark"]):
        sub = stats[stats["benchmark"] == bench]
        cells = []
        for spec in specs:
            rows = {t: sub[(sub["spec"] == spec) & (sub["target"] == t)] for t in ("hv95", "hv99")}
            cells.append(" / ".join(_cell(r.iloc[0]) if len(r) else "no runs" for r in rows.values()))
        print(f"| `{bench.split(':')[0]}` | " + " | ".join(cells) + " |")
        for target in ("hv95", "hv99"):
            t = sub[sub["target"] == target].set_index("spec")["median"]
            if args.against not in t:
                continue
            peers = t[[s for s in t.index if s.split(":")[0] != args.against.split(":")[0]]]  # the other families
            if peers.empty:
                continue
            best = peers.idxmin()
            mine, theirs = t[args.against], peers.min()
            if not np.isfinite(theirs) and not np.isfinite(mine):
                verdicts.append(f"{bench.split(':')[0]} {target}: reached by no median")
            elif mine <= theirs:
                shown = f"{theirs:.0f}" if np.isfinite(theirs) else "not reached"
                verdicts.append(
                    f"{bench.split(':')[0]} {target}: {args.against} {mine:.0f} <= best peer {best} {shown}"
                )
            else:
                shown = f"{mine:.0f}" if np.isfinite(mine) else "not reached"
                verdicts.append(f"{bench.split(':')[0]} {target}: {best} wins, {theirs:.0f} against {shown}")
    print()
    _means(stats, specs, args.targets)
    print()
    print("\n".join(verdicts))
    ranks = mo_ranks(exp)
    if ranks:
        order = sorted(ranks["avg"], key=ranks["avg"].__getitem__)
        print(
            "\naverage rank of mean HV regret at the budget: " + ", ".join(f"{s} {ranks['avg'][s]:.2f}" for s in order)
        )
        print(f"Friedman p = {ranks['p']:.3g}, CD = {ranks['cd']:.2f}")


if __name__ == "__main__":
    main()
