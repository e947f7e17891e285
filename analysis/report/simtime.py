"""The report's simulated-time section: the numbers of :mod:`analysis.stats.simtime` as a table and
a ranking per benchmark, with the figures of :mod:`analysis.plots.simtime`."""

from __future__ import annotations

from pathlib import Path

from ..load import Experiment
from ..plots.simtime import figures
from ..stats.simtime import TARGET_LABEL, load_sim, ranking_sentence, time_table
from .summary import md_table


def _cell(r) -> str:
    return f"{'≥' if r.censored else ''}{r.mean_hours:.1f} h ({r.reached}/{r.runs}); {r.gpu_hours:.0f} GPU-h"


def section(exp: Experiment, fig_dir: Path, table_dir: Path) -> list[str]:
    """The report's simulated-time section (markdown lines); empty when no run was simulated."""
    runs = load_sim(exp)
    if not runs:
        return []
    table = time_table(exp, runs)
    table.to_csv(table_dir / "simulated_time.csv", index=False)
    rel = lambda p: p.relative_to(exp.path).as_posix()  # noqa: E731
    ks = sorted({r.workers for r in runs})
    lines = [
        "## Simulated time",
        "",
        f"Each search also ran with K = {', '.join(map(str, ks))} simulated workers "
        "(`--sim-workers`): a worker that frees up asks for a proposal, whose result arrives when its "
        "training would finish; nothing sleeps. Time to the " + TARGET_LABEL + ": restricted mean over seeds "
        "in simulated hours on the common horizon of each K (the time every run of that benchmark and K "
        "covers, given in the column head: a run stopped by its sample budget covers less time when its cells "
        "train faster; a target reached later counts as not reached, ≥: some seeds did not reach it and count "
        "at the horizon), reached/seeds, and GPU-hours = K × hours.",
        "",
    ]
    timed = sorted({r.benchmark for r in runs})
    untimed = [b for b in exp.benchmarks() if b not in timed]
    for bench in timed:
        sub = table[table["benchmark"] == bench]
        if not len(sub):
            continue
        failed = sub[sub["failed"] > 0]
        lines += [f"### {bench}", "", f"Training time: {sub['source'].iloc[0]}.", ""]
        cut = {r.workers: r.horizon_h for r in sub.itertuples()}
        header = ["algorithm", "train h / evaluation"] + [
            f"K = {k}" + (f" (to {cut[k]:.1f} h)" if k in cut else "") for k in ks
        ]
        rows = []
        for spec in dict.fromkeys(sub["spec"]):
            per = {r.workers: r for r in sub[sub["spec"] == spec].itertuples()}
            rows.append(
                [f"`{spec}`", f"{per[min(per)].train_h_per_eval:.3f}"]
                + [
                    ("–" if k not in per else _cell(per[k]) if per[k].failed == 0 else f"**{per[k].failed} failed**")
                    for k in ks
                ]
            )
        lines += [md_table(header, rows), "", ranking_sentence(exp, runs, bench, table), ""]
        lines += [
            f"- `{r.spec}` with K = {r.workers}: {r.failed} of {r.runs} runs failed (the algorithm does not "
            "take several outstanding proposals yet); left out of the ranking"
            for r in failed.itertuples()
        ]
        for path in figures(exp, bench, runs, table, fig_dir):
            lines += [f"![simulated time]({rel(path)})", ""]
    if untimed:
        lines += [
            f"No simulated-time runs for {', '.join(untimed)} (a table that records no training time, "
            "such as nbgraph/*, gets none rather than a made-up one).",
            "",
        ]
    return lines
