"""The peers study's table: the NAS-specialist peers (``local-search``, ``bananas`` and their releases'
variants ``local-search-release``, ``bananas-release`` where the folders hold them) and ``lanas-plus``
(the candidate: rank-based, ``restart=50``) run here, beside the earlier peers' numbers from
results/reference/lanas-plus-study.md (same tables, seeds and budgets; their code is unchanged
since, so their runs would be identical).

    python studies/peers_study.py B100_FOLDER[+MORE] B1000_FOLDER[+MORE] [B300_FOLDER[+MORE]] > table.md
    python studies/peers_study.py --previous results/reference/peers-study.md FOLDER ... > releases.md
    python studies/peers_study.py --candidate SPEC FOLDER ... > table.md

(``--candidate SPEC``: the spec judged against the peers, ``lanas-plus`` by default; another
candidate's folders are joined with the peers' by ``+``, and ``lanas-plus`` is then shown unranked.)

(``--previous``: the rows of :data:`FROM_PREVIOUS` of an earlier peers study
are shown, as "(peers study) (ref)", beside the folders' specs, e.g. the releases' variants, where
the folders do not hold that spec for that table.)

(``+`` joins folders of one budget, e.g. the peers' and the candidate's.)

Per table, target and spec: seeds reaching it, the Kaplan-Meier median with its 95% interval and
the restricted mean (misses count as the budget; ≥ when some miss) with its bootstrap interval, and
the rank of the restricted mean among the candidate and every peer (1 = fewest samples), and
whether the candidate needs no more samples than the best peer on both (the optimum judged only
where half the seeds of some spec reach it). Reference rows are marked "(ref)"; ``lanas-plus`` of
the reference is the value-scaled configuration (``scale=value``), shown unranked. After each
table: the count of tables where the candidate needs no more, and the ranks across the 14 tables
(average rank of the restricted mean, Friedman's test, Nemenyi's critical difference at 0.05,
``analysis.stats.crossbench``), and the candidate's stuck seeds (top-1% not within 5x its median).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

from algorithms import registry as algorithms
from analysis.load import Experiment, load
from analysis.stats import censored as stats
from analysis.stats.crossbench import critical_difference, friedman, groups
from analysis.stats.tables import hitting_times

ROOT = Path(__file__).resolve().parents[1]

REFERENCE = ROOT / "results" / "reference" / "lanas-plus-study.md"
#: ``--previous FILE``: an earlier peers study whose rows of :data:`FROM_PREVIOUS` and LaNAS configurations are shown
PREVIOUS: Path | None = None
FROM_PREVIOUS = (
    "lanas-plus",
    "local-search",
    "local-search-release",
    "bananas",
    "bananas-release",
    "evolution",
    "optuna-tpe",
)
CANDIDATE = "lanas-plus"
PEERS = ("local-search", "local-search-release", "bananas", "bananas-release")


def new_specs() -> tuple[str, ...]:
    """The specs whose rows come from the folders: the candidate, ``lanas-plus`` and the peers."""
    return tuple(dict.fromkeys((CANDIDATE, "lanas-plus", *PEERS)))


def base(spec: str) -> str:
    """The spec of a row, less the marks of copied rows (" (peers study)", " (ref)")."""
    return spec.removesuffix(" (ref)").removesuffix(" (peers study)")


def unranked(spec: str) -> bool:
    """Rows shown for reference only: the value-scaled ``lanas-plus`` of the reference study, and
    every LaNAS configuration but the candidate (``lanas-plus``, an earlier study's candidate)."""
    return "scale=value" in spec or (base(spec).startswith("lanas") and base(spec) != CANDIDATE)


def from_previous(spec: str) -> bool:
    """The rows an earlier peers study lends: :data:`FROM_PREVIOUS` and its LaNAS configurations
    (an earlier candidate, as the folders stored it)."""
    return spec in FROM_PREVIOUS or spec.startswith("lanas:")


REF_PEERS = ("evolution", "optuna-tpe", "optuna-gp")
TUNING = ("nb201/cifar10-valid", "anb201/baseline")
HEAD = {"top0_1": "top-0.1%", "optimum": "global optimum"}


def fmt(x: float, censored: bool = False) -> str:
    if not np.isfinite(x):
        return "—"
    return ("≥" if censored else "") + (f"{x:.0f}" if x >= 100 else f"{x:.1f}")


def _number(text: str) -> float:
    m = re.match(r"≥?([0-9.]+)", text.strip())
    return float(m.group(1)) if m else np.inf


def reference(budget: int, target: str) -> dict[tuple[str, str], dict]:
    """{(table, spec): {"cells": the row's cells, "median": .., "mean": ..}} of the reference study,
    and with ``--previous FILE`` the rows of :data:`FROM_PREVIOUS` of an earlier peers study."""
    out = {
        (b, "lanas-plus (scale=value)" if s == "lanas-plus" else s): row
        for (b, s), row in _rows(REFERENCE, budget, target).items()
    }
    if PREVIOUS is not None:
        for (b, s), row in _rows(PREVIOUS, budget, target).items():
            if from_previous(s) and s != CANDIDATE:
                out[(b, f"{s} (peers study)")] = row
    return out


def _rows(path: Path, budget: int, target: str) -> dict[tuple[str, str], dict]:
    title = f"### Budget {budget:,}: distinct samples to the {HEAD[target]}"
    out, inside = {}, False
    for line in path.read_text().splitlines():
        if line.startswith("### "):
            inside = line.strip() == title
        elif inside and line.startswith("| ") and not line.startswith("| table") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not cells[1].startswith("*"):
                out[(cells[0], base(cells[1]))] = dict(
                    cells=cells[2:5], median=_number(cells[3]), mean=_number(cells[4])
                )
    return out


def joined(folders: str) -> Experiment:
    """The experiments of ``a+b+...`` (one budget) as one."""
    exps = [load(f) for f in folders.split("+")]
    exp = exps[0]
    for other in exps[1:]:
        assert other.budget == exp.budget, f"{other.path}: budget {other.budget}, not {exp.budget}"
        exp.runs += other.runs
        exp.manifest["algorithms"] = exp.manifest.get("algorithms", []) + other.manifest.get("algorithms", [])
    return exp


def stuck(exp: Experiment) -> list[str]:
    """``table seed N (top-1% at n, median m)`` for each candidate seed that does not reach the
    top-1% within 5x its median on that table (tables where 5x the median exceeds the budget are
    left to a larger budget: the histories do not depend on it)."""
    out = []
    for bench in exp.benchmarks():
        times = hitting_times(exp, bench).get(CANDIDATE, {}).get("top1")
        if times is None:
            continue
        med = stats.km_median(times, exp.budget)  # as studies/study_plus.py's stuck check
        if 5 * med > exp.budget:  # the budget ends before 5x the median: undecided here
            continue
        runs = exp.runs_of(bench, CANDIDATE)
        out += [f"{bench} seed {r.seed} ({t:g}, median {med:g})" for r, t in zip(runs, times) if not t <= 5 * med]
    return out


def table(exp: Experiment, target: str) -> tuple[list[str], dict[str, dict[str, float]], list[bool]]:
    """The rows; per table, the restricted mean of each ranked spec; per judged table, whether the
    candidate needs no more samples than the best peer."""
    budget, ref, lines = exp.budget, reference(exp.budget, target), []
    means: dict[str, dict[str, float]] = {}
    verdicts: list[bool] = []
    for bench in sorted(exp.benchmarks(), key=lambda b: (b not in TUNING, b)):
        times = hitting_times(exp, bench)
        rows = {}
        for s in (*new_specs(), *REF_PEERS):  # peers run here too (budget 300: no reference rows)
            if s in times and (bench, s) not in ref:
                r = stats.summarise(times[s][target], budget)
                med = fmt(r["median"]) + (
                    f" [{fmt(r['median_lo'])}, {fmt(r['median_hi'])}]" if np.isfinite(r["median_lo"]) else ""
                )
                mean = f"{fmt(r['mean'], r['mean_censored'])} [{fmt(r['mean_lo'])}, {fmt(r['mean_hi'])}]"
                rows[s] = dict(cells=[f"{r['reached']}/{r['runs']}", med, mean], median=r["median"], mean=r["mean"])
        copied = [
            s for b, s in ref if b == bench and (s in REF_PEERS or s.endswith(("(scale=value)", "(peers study)")))
        ]
        for s in copied:
            if base(s) not in rows and f"{base(s)} (ref)" not in rows:  # the folders' runs first
                rows[s + " (ref)"] = ref[(bench, s)]
        ranked = [s for s in rows if not unranked(s)]
        ranks = dict(zip(ranked, rankdata([rows[s]["mean"] for s in ranked])))
        means[bench] = {s: rows[s]["mean"] for s in ranked}
        for s, r in rows.items():
            lines.append(
                f"| {bench} | {s} | {' | '.join(r['cells'])} | {format(ranks[s], 'g') if s in ranks else '—'} |"
            )
        judged = target != "optimum" or any(np.isfinite(rows[s]["median"]) for s in ranked)  # half the seeds
        if CANDIDATE in rows and judged and len(ranked) > 1:  # a peer to judge against
            peers = [s for s in ranked if s != CANDIDATE]
            best_med = min(rows[s]["median"] for s in peers)
            best_mean = min(rows[s]["mean"] for s in peers)
            p = rows[CANDIDATE]
            ok = p["median"] <= best_med and p["mean"] <= best_mean
            verdicts.append(ok)
            ratio = (
                f"{p['median'] / best_med:.2f}x"
                if np.isfinite(p["median"]) and np.isfinite(best_med)
                else ("—, a peer's is" if np.isfinite(best_med) else "—")
            )
            lines.append(
                f"| {bench} | *candidate vs the best peer* | | {ratio} | "
                f"{p['mean'] / best_mean:.2f}x | {'no more' if ok else 'more'} |"
            )
    return lines, means, verdicts


def across(means: dict[str, dict[str, float]]) -> list[str]:
    """Average ranks over the tables that ran every spec, Friedman's p and Nemenyi's CD."""
    specs = sorted(set.intersection(*(set(m) for m in means.values())))
    rows = [m for m in means.values() if all(s in m for s in specs)]
    ranks = np.array([rankdata([m[s] for s in specs]) for m in rows])
    avg = dict(zip(specs, ranks.mean(axis=0)))
    chi2, p = friedman(ranks)
    cd = critical_difference(len(specs), len(rows))
    order = sorted(avg, key=avg.get)
    out = [
        f"Average rank of the restricted mean over {len(rows)} tables (1 = fewest samples): "
        + ", ".join(f"{s} {avg[s]:.2f}" for s in order)
        + "."
    ]
    out.append(
        f"Friedman chi-square {chi2:.1f}, p = {p:.2g}; Nemenyi critical difference (0.05) {cd:.2f}; "
        "not separated: " + "; ".join("{" + ", ".join(g) + "}" for g in groups(avg, cd)) + "."
    )
    return out


def main(folders: list[str]) -> None:
    for folder in folders:
        exp = joined(folder)
        budget = exp.budget
        for target in ("top0_1", "optimum"):
            print(f"\n### Budget {budget:,}: distinct samples to the {HEAD[target]}\n")
            print("| table | spec | reached | median [95%] | restricted mean [95%] | rank |")
            print("| --- | --- | --- | --- | --- | --- |")
            lines, means, verdicts = table(exp, target)
            print("\n".join(lines))
            if verdicts:
                print(
                    f"\n{CANDIDATE} needs no more samples than the best peer (median and restricted mean) on "
                    f"{sum(verdicts)} of the {len(verdicts)} tables judged.\n"
                )
            else:
                print()
            print("\n".join(across(means)))
        if CANDIDATE not in exp.specs():
            continue
        slow = stuck(exp)
        print(f"\n{CANDIDATE}'s seeds not at the top-1% within 5x its median: " + ("; ".join(slow) or "none") + ".")


if __name__ == "__main__":
    args = sys.argv[1:]
    while args[:1] in (["--previous"], ["--candidate"]):
        if args[0] == "--previous":
            PREVIOUS = Path(args[1])
        else:
            CANDIDATE = algorithms.check(args[1])  # as the folders store it
        args = args[2:]
    main(args)
