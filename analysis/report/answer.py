"""The report's opening: which algorithm needs the fewest samples.

First the single most useful number, the anytime area (:mod:`analysis.stats.crossbench`), then a
table per (target, checkpoint) ranking every algorithm of the run on every benchmark, with the
differences the seeds decide (:mod:`analysis.stats.ranking`); the same targets on every benchmark.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..load import Experiment
from ..plots.style import fmt
from ..stats import censored, crossbench, ranking, tables
from .summary import fmt_p, md_table

HOW = (
    "Each cell: rank · restricted mean samples to the target (≥: some seeds had not reached it by the "
    "checkpoint and count as the checkpoint, so the mean is a lower bound) · its ratio to the first's "
    "(~ when either is a lower bound) · p against the first. **Bold: not told apart from the first** "
    "by these seeds; plain: decidedly more samples than the first. The test: two-sided Gehan-Wilcoxon "
    "on samples-to-target censored at the checkpoint (a seed that has not reached the target is slower "
    "than every seed that has), Holm-adjusted over the comparisons with the first of the benchmark, 5% "
    "level (the first is chosen on the same data). Rows in order of the mean rank over benchmarks. "
    "Every pair of algorithms, with its p Holm-adjusted over all pairs, the ratios of restricted means and "
    "of Kaplan-Meier medians, and letters for the groups no pair test separates: `tables/ranking_pairs.csv` "
    "and `tables/ranking.csv`."
)


def _cell(row: pd.Series, first_censored: bool) -> str:
    ge = "≥" if row["mean_censored"] else ""
    text = f"{row['rank']} · {ge}{fmt(row['mean'])}"
    if row["p_first"] == row["p_first"]:  # not the first
        mark = "~" if row["mean_censored"] or first_censored else ""
        text += f" · {mark}{row['ratio']:.2f}x · p {fmt_p(row['p_first'])}"
    return f"**{text}**" if row["tied"] else text


def rankings(exp: Experiment) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every (benchmark, target, checkpoint) ranking and its pairs, as two tidy frames."""
    ranks, pairs = [], []
    for bench in exp.benchmarks():
        out = set(tables.all_failed(exp, bench))
        times = {s: v for s, v in tables.hitting_times(exp, bench).items() if s not in out}
        for target in (t for t in censored.TARGETS if t in (exp.targets(bench) or {})):
            for c in ranking.checkpoints(exp.budget):
                seen = {s: ranking.at_checkpoint(v[target], c) for s, v in times.items()}
                rank, pair = ranking.ranking(seen, c)
                key = {"benchmark": bench, "target": target, "checkpoint": c}
                ranks.append(rank.assign(**key))
                pairs.append(pair.assign(**key))
    if not ranks:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(ranks, ignore_index=True), pd.concat(pairs, ignore_index=True)


def _table(sub: pd.DataFrame, benches: list[str]) -> str:
    order = sub.groupby("spec")["rank"].mean().sort_values(kind="stable")
    cells: dict[tuple[str, str], str] = {}
    for bench, g in sub.groupby("benchmark"):
        first = g.iloc[0]
        for _, row in g.iterrows():
            cells[bench, row["spec"]] = _cell(row, bool(first["mean_censored"]))
    header = ["algorithm", *benches, "mean rank"] if len(benches) > 1 else ["algorithm", benches[0]]
    rows = [
        [f"`{spec}`", *(cells.get((b, spec), "–") for b in benches), *([f"{avg:.1f}"] if len(benches) > 1 else [])]
        for spec, avg in order.items()
    ]
    return md_table(header, rows)


def _anytime(exp: Experiment) -> list[str]:
    s = crossbench.summary(exp)
    if len(s["specs"]) < 2:
        return []
    area = s["area"].pivot(index="spec", columns="benchmark", values="ecdf_area")
    area["mean"] = area.mean(axis=1)
    area = area.sort_values("mean", ascending=False)
    header = ["algorithm", "mean over benchmarks", *area.columns[:-1]]
    rows = [[f"`{spec}`", f"{r['mean']:.3f}", *(f"{v:.3f}" for v in r.iloc[:-1])] for spec, r in area.iterrows()]
    return [
        "**Anytime performance, the single number**: area under the ECDF of (seed, target) pairs over "
        "log-budget, in [0, 1], higher is better (1: every target at the first sample). Targets: normalised "
        "regret 10^0 .. 10^-3 (31 log-spaced) and the optimum; a pair reached after n samples adds "
        "1 − log n / log budget, so early and late progress both count (COCO / IOHanalyzer's aggregated "
        "ECDF; the curves are in the section across benchmarks).",
        "",
        md_table(header, rows),
        "",
    ]


def section(exp: Experiment, table_dir: Path) -> list[str]:
    """The opening section (markdown lines); writes ``tables/ranking.csv`` and ``ranking_pairs.csv``."""
    lines = ["## Which algorithm needs the fewest samples", ""] + _anytime(exp)
    ranks, pairs = rankings(exp)
    if ranks.empty:
        return lines + [
            "No samples-to-target ranking: no benchmark of this run has a known optimum (several objectives "
            "are judged by hypervolume in their own section).",
            "",
        ]
    ranks.to_csv(table_dir / "ranking.csv", index=False)
    pairs.to_csv(table_dir / "ranking_pairs.csv", index=False)
    benches = list(dict.fromkeys(ranks["benchmark"]))
    left = [b for b in exp.benchmarks() if b not in benches]
    lines += [
        f"**Samples to each target** ({', '.join(censored.TARGET_LABELS[t] for t in censored.TARGETS)}, the "
        f"same on every benchmark) **within {', '.join(f'{c:,}' for c in ranking.checkpoints(exp.budget))} "
        "samples**. " + HOW,
        "",
    ]
    if left:
        lines += [f"Not ranked (no known optimum): {', '.join(left)}.", ""]
    broken = {s: [b for b in benches if s in tables.all_failed(exp, b)] for s in exp.specs()}
    for spec, where in ((s, w) for s, w in broken.items() if w):
        lines += [f"Not ranked: every run of `{spec}` failed on {', '.join(where)} (see run health).", ""]
    for target in censored.TARGETS:
        for c in ranking.checkpoints(exp.budget):
            sub = ranks[(ranks["target"] == target) & (ranks["checkpoint"] == c)]
            if len(sub):
                lines += [f"**{censored.TARGET_LABELS[target]} within {c:,} samples**", "", _table(sub, benches), ""]
    return lines
