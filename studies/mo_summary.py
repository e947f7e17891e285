"""The comparison table of docs/multiobjective.md from multi-objective experiment folders.

    python studies/mo_summary.py FOLDER [FOLDER ...] [--against lamoo-plus] [--targets hv95 hv99] [--horizon N]

Prints, per table, each algorithm's Kaplan-Meier median samples to 95% and to 99% of HV* with
how many seeds reached it, then a second table of the restricted means with their 95% bootstrap
intervals (censored at the budget: a mean marked ≥ counts seeds that did not reach it as the
budget) and the median HV regret at the budget, then whether ``--against`` needed no more samples
than the best other algorithm on the median and on the restricted mean (the issue's goal), with
by how much it lost where it did, and the ranks across tables (one folder). Several folders (e.g.
a peer run at a smaller budget) are read together, each (table, algorithm) from the first folder
that holds it; ``--horizon N`` judges every run as if it had stopped after N distinct samples (N at
most the smallest budget). The numbers are those of the report's multi-objective section
(:func:`analysis.stats.mo_tables.mo_statistics`). Not collected by pytest.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

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


def _verdicts(t: pd.DataFrame, against: str, bench: str, target: str) -> list[str]:
    """Whether ``against`` needs no more samples than the best other family, on the median and on
    the restricted mean, and the best peer's number where it loses."""
    if against not in t.index:
        return []
    peers = t.loc[[s for s in t.index if s.split(":")[0] != against.split(":")[0]]]  # the other families
    if peers.empty:
        return []
    out = []
    for stat in ("median", "mean"):
        best, mine, theirs = peers[stat].idxmin(), t.loc[against, stat], peers[stat].min()
        name = f"{bench.split(':')[0]} {target} {stat}"
        if not np.isfinite(theirs) and not np.isfinite(mine):
            out.append(f"{name}: reached by no median")
        elif mine <= theirs:
            out.append(f"{name}: {against} {mine:.0f} <= best peer {best} {_shown(theirs)}")
        else:
            ratio = f" ({mine / theirs:.2f}x)" if np.isfinite(mine) else ""
            out.append(f"{name}: {best} wins, {theirs:.0f} against {_shown(mine)}{ratio}")
    return out


def _shown(x: float) -> str:
    return f"{x:.0f}" if np.isfinite(x) else "not reached"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--against", default="lamoo")
    parser.add_argument("--targets", nargs="+", default=["hv95", "hv99"])
    parser.add_argument("--horizon", type=int, default=None)
    args = parser.parse_args()
    exps = [load(f) for f in args.folders]
    horizon = args.horizon or min(e.budget for e in exps)
    try:
        parts = [mo_statistics(e, horizon) for e in exps]
    except ValueError as exc:
        raise SystemExit(f"mo_summary: {exc}") from None
    stats = pd.concat(parts).drop_duplicates(["benchmark", "target", "spec"], keep="first")
    if len({e.budget for e in exps}) > 1 or horizon != exps[0].budget:
        print(f"(every run judged at {horizon} distinct samples)\n")
    specs = list(dict.fromkeys(stats["spec"]))
    shown = " / ".join(f"{t.removeprefix('hv')}%" for t in args.targets)
    print("| table | " + " | ".join(f"`{s}` {shown}" for s in specs) + " |")
    print("| --- |" + " --- |" * len(specs))
    verdicts = []
    for bench in dict.fromkeys(stats["benchmark"]):
        sub = stats[stats["benchmark"] == bench]
        cells = []
        for spec in specs:
            rows = {t: sub[(sub["spec"] == spec) & (sub["target"] == t)] for t in args.targets}
            cells.append(" / ".join(_cell(r.iloc[0]) if len(r) else "no runs" for r in rows.values()))
        print(f"| `{bench.split(':')[0]}` | " + " | ".join(cells) + " |")
        for target in args.targets:
            verdicts += _verdicts(sub[sub["target"] == target].set_index("spec"), args.against, bench, target)
    print()
    _means(stats, specs, args.targets)
    print()
    print("\n".join(verdicts))
    ranks = mo_ranks(exps[0]) if len(exps) == 1 and horizon == exps[0].budget else None
    if ranks:
        order = sorted(ranks["avg"], key=ranks["avg"].__getitem__)
        print(
            "\naverage rank of mean HV regret at the budget: " + ", ".join(f"{s} {ranks['avg'][s]:.2f}" for s in order)
        )
        print(f"Friedman p = {ranks['p']:.3g}, CD = {ranks['cd']:.2f}")


if __name__ == "__main__":
    main()
