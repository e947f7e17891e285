"""The recommendation against every peer at 100, 300 and 1,000 samples, judged with tests.

    python studies/peers_verdicts.py [--candidate lanas-gp] [--csv PAIRS.csv] FOLDER [FOLDER ...] > verdicts.md

Each FOLDER is a ``run_all.py`` experiment (any budget; several folders may hold other specs or
other budgets of the same tables). A run of budget B serves every checkpoint up to B (100, 300,
1,000), its later hits censored there: no algorithm depends on its budget, so a 1,000-sample run
begins as the 100-sample run of the same seed. Per checkpoint and target (top-0.1%, and the
optimum where half the seeds of some spec reach it), every table where the candidate ran, and every
peer that ran there with that budget or more (other LaNAS configurations are shown in the CSV but
not judged): :mod:`analysis.stats.against` (two-sided Gehan-Wilcoxon, Holm across the tables per
peer, the ratio of restricted means with its bootstrap interval). The markdown gives, per
checkpoint and target, the summary line (ahead / tied / behind significantly, tables named), the
count of tables where the candidate needs no more samples than the best peer (median and
restricted mean, misses counting as the checkpoint), and a row per table; ``--csv`` writes every
(table, peer) pair.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.load import load
from analysis.stats import against, censored
from analysis.stats.ranking import at_checkpoint

CHECKPOINTS = (100, 300, 1000)
TARGETS = {"top0_1": "top-0.1%", "optimum": "optimum"}
#: (table, spec) -> [(seed, run budget, {target: samples})]
Seeds = dict[tuple[str, str], list[tuple[int, int, dict[str, float]]]]


def collect(folders: list[str]) -> Seeds:
    """Every run's samples to each target, with its seed and budget (a seed held twice: the run of
    the larger budget)."""
    out: dict[tuple[str, str], dict[int, tuple[int, dict[str, float]]]] = defaultdict(dict)
    for folder in folders:
        exp = load(folder)
        for bench in exp.benchmarks():
            targets = exp.targets(bench) or {}
            for spec in exp.specs(bench):
                for r in exp.runs_of(bench, spec):
                    hits = {t: censored.hitting_time(r.best, targets[t]) for t in TARGETS if t in targets}
                    if r.seed not in out[(bench, spec)] or out[(bench, spec)][r.seed][0] < exp.budget:
                        out[(bench, spec)][r.seed] = (exp.budget, hits)
    return {k: [(s, b, h) for s, (b, h) in sorted(v.items())] for k, v in out.items()}


def judged(spec: str, candidate: str) -> bool:
    """The candidate and the peers; other LaNAS configurations are not judged."""
    return spec == candidate or not spec.startswith("lanas")


def times_at(seeds: Seeds, checkpoint: int, target: str, candidate: str) -> dict[str, dict[str, np.ndarray]]:
    """``times[table][spec]`` at ``checkpoint``, from the runs of that budget or more."""
    out: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    for (bench, spec), runs in seeds.items():
        t = [h[target] for _, b, h in runs if b >= checkpoint and target in h]
        if t and judged(spec, candidate):
            out[bench][spec] = at_checkpoint(np.array(t), checkpoint)
    return {b: specs for b, specs in out.items() if candidate in specs and len(specs) > 1}


def reachable(times: dict[str, dict[str, np.ndarray]], target: str) -> dict[str, dict[str, np.ndarray]]:
    """The optimum is judged where half the seeds of some spec reach it; the other targets always."""
    if target != "optimum":
        return times
    return {b: s for b, s in times.items() if any(np.isfinite(t).mean() >= 0.5 for t in s.values())}


def fmt(x: float, censored_: bool = False) -> str:
    if not np.isfinite(x):
        return "—"
    return ("≥" if censored_ else "") + (f"{x:.0f}" if x >= 100 else f"{x:.1f}")


def cell(t: np.ndarray, checkpoint: int) -> str:
    """``reached/runs, median, restricted mean``."""
    mean = fmt(censored.restricted_mean(t, checkpoint), bool(np.isinf(t).any()))
    return f"{np.isfinite(t).sum()}/{len(t)} | {fmt(censored.km_median(t, checkpoint))} | {mean}"


def no_more(times: dict[str, np.ndarray], candidate: str, checkpoint: int) -> bool:
    """The candidate's median and restricted mean are no more than the best peer's."""
    peers = [s for s in times if s != candidate]
    med = {s: censored.km_median(times[s], checkpoint) for s in times}
    mean = {s: censored.restricted_mean(times[s], checkpoint) for s in times}
    return med[candidate] <= min(med[p] for p in peers) and mean[candidate] <= min(mean[p] for p in peers)


def section(seeds: Seeds, candidate: str, checkpoint: int, target: str) -> tuple[list[str], pd.DataFrame]:
    times = reachable(times_at(seeds, checkpoint, target, candidate), target)
    if not times:
        return [], pd.DataFrame()
    pairs = against.pairs(times, candidate, checkpoint)
    verdicts = against.verdicts(pairs).set_index("table")
    wins = [b for b in times if no_more(times[b], candidate, checkpoint)]
    peers = sorted({p for s in times.values() for p in s if p != candidate})
    lines = [
        f"\n### {checkpoint:,} samples, to the {TARGETS[target]}\n",
        f"**{candidate}: {against.summary_line(verdicts.reset_index())}** (Holm over the {len(times)} tables "
        f"per peer; peers: {', '.join(peers)}). No more samples than the best peer (median and restricted "
        f"mean) on {len(wins)} of {len(times)} tables.\n",
        f"| table | {candidate}: reached | median | mean | best peer | reached | median | mean "
        "| ratio [95%] | p (Holm) | verdict | decided ahead of it / behind it |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for bench, specs in sorted(times.items()):
        rows = pairs[pairs["table"] == bench]
        best = min((s for s in specs if s != candidate), key=lambda s: censored.restricted_mean(specs[s], checkpoint))
        b = rows[rows["peer"] == best].iloc[0]
        v = verdicts.loc[bench]
        lines.append(
            f"| {bench} | {cell(specs[candidate], checkpoint)} | {best} | {cell(specs[best], checkpoint)} | "
            f"{b.ratio:.2f} [{b.ratio_lo:.2f}, {b.ratio_hi:.2f}] | {b.p:.2g} | {v.verdict} | "
            f"{', '.join(v.ahead_of_it) or '—'} / {', '.join(v.behind_it) or '—'} |"
        )
    pairs.insert(0, "target", target)
    pairs.insert(0, "checkpoint", checkpoint)
    return lines, pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--candidate", default="lanas-gp")
    ap.add_argument("--csv", type=Path, help="write every (checkpoint, target, table, peer) pair here")
    args = ap.parse_args()
    seeds = collect(args.folders)
    print(
        "Ratio: the best peer's restricted mean over the candidate's (> 1: the candidate needs fewer "
        "samples); a miss counts as the checkpoint. Verdict from the candidate's side."
    )
    frames = []
    for checkpoint in CHECKPOINTS:
        for target in TARGETS:
            lines, pairs = section(seeds, args.candidate, checkpoint, target)
            print("\n".join(lines))
            frames.append(pairs)
    if args.csv:
        pd.concat(frames).to_csv(args.csv, index=False, float_format="%.6g")


if __name__ == "__main__":
    main()
