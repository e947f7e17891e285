"""The report's cross-benchmark section: the numbers of :mod:`analysis.stats.crossbench` in words,
with the figures of :mod:`analysis.plots.crossbench`."""

from __future__ import annotations

from pathlib import Path

from ..load import Experiment
from ..plots import crossbench as figs
from ..stats.crossbench import EXACT_BELOW, summary


def _sentence(test: dict, n: int) -> str:
    avg = test["avg"]
    ranks = ", ".join(f"`{s}` {avg[s]:.2f}" for s in sorted(avg, key=avg.get))
    chi = (
        "Friedman: not defined (fewer than 3 algorithms or all ranks equal)"
        if test["p"] != test["p"]
        else f"Friedman χ²({len(avg) - 1}) = {test['chi2']:.2f}, p = {test['p']:.3g} "
        + (f"(permutation, N < {EXACT_BELOW})" if n < EXACT_BELOW else "(chi-square approximation)")
    )
    groups_text = "; ".join("{" + ", ".join(f"`{s}`" for s in g) + "}" for g in test["groups"])
    verdict = (
        f"not distinguishable at the 5% level (Nemenyi): {groups_text}"
        if groups_text
        else "every pair differs by at least the critical difference (Nemenyi, 5% level)"
    )
    if test["p"] == test["p"] and test["p"] >= 0.05:
        verdict += "; the Friedman test does not reject equal ranks at 5%, so no difference here is significant"
    return (
        f"**{test['samples']:,} samples ({test['fraction']:.0%} of the budget)**: average rank {ranks}; "
        f"{chi}; CD = {test['cd']:.2f} (k = {len(avg)}, N = {n}); {verdict}."
    )


def separates_nothing(test: dict) -> str | None:
    """Why no critical-difference diagram is drawn (it would be one bar over every algorithm), or
    None: the CD is at least the widest possible gap of average ranks (k - 1), or no pair is
    separated by these ranks."""
    k, cd = len(test["avg"]), test["cd"]
    if cd >= k - 1:
        why = f"average ranks of {k} algorithms differ by at most {k - 1}, less than the CD of {cd:.2f}"
    elif len(test["groups"]) == 1 and len(test["groups"][0]) == k:
        why = f"no two average ranks differ by the CD of {cd:.2f}"
    else:
        return None
    return (
        f"No critical-difference diagram at {test['samples']:,} samples: with these benchmarks it separates "
        f"no pair ({why}), so it could only draw one bar over every algorithm. The per-benchmark tests over "
        "seeds (the ranking at the top of the report) are the answer."
    )


def section(exp: Experiment, fig_dir: Path, table_dir: Path) -> list[str]:
    """The report's cross-benchmark section (markdown lines); writes its figures and CSVs."""
    s = summary(exp)
    specs, n = s["specs"], len(exp.benchmarks())
    rel = lambda p: p.relative_to(exp.path).as_posix()  # noqa: E731
    lines = ["## Across benchmarks", ""]
    if len(specs) < 2:
        return lines + ["Fewer than two algorithms ran on every benchmark: nothing to rank.", ""]
    s["ranks"].to_csv(table_dir / "crossbench_ranks.csv", index=False)
    s["area"].to_csv(table_dir / "ecdf_area.csv", index=False)
    if n >= 2:
        lines += [
            f"Rank (1 = best) of each algorithm's mean normalised regret, (optimum − best) / (optimum − "
            f"table median), on each of the {n} benchmarks, at three budgets; average ranks, the Friedman "
            "test and Nemenyi's critical difference (CD) as in Demšar (2006). Two algorithms whose average "
            "ranks differ by less than the CD are not distinguishable; a bar joins them in the diagram. "
            "With few benchmarks the CD is wide: that is the test's honest answer, not a tie.",
            "",
        ]
        for test in s["tests"]:
            lines += [_sentence(test, n), ""]
            blind = separates_nothing(test)
            if blind:
                lines += [blind, ""]
                continue
            path = figs.cd_diagram(
                test["avg"],
                test["cd"],
                test["groups"],
                f"{test['samples']:,} samples: average rank over {n} benchmarks",
                fig_dir / f"critical_difference_{round(100 * test['fraction'])}",
            )
            lines += [f"![critical difference]({rel(path)})", ""]
        heat = figs.rank_heatmap(s["tests"], specs, fig_dir / "rank_heatmap")
        lines += [
            f"![rank heat map]({rel(heat)})",
            "",
            "*Rank of every algorithm on every benchmark (1 = best; "
            "ties share the mean rank) at 10%, 30% and 100% of the budget.*",
            "",
        ]
    else:
        lines += ["One benchmark only: ranks across benchmarks need two or more.", ""]
    path = figs.anytime(s["regret"], specs, exp.budget, fig_dir / "anytime_ecdf")
    lines += [
        f"![anytime ECDF]({rel(path)})",
        "",
        "*Fraction of (seed, target) pairs reached within n samples, "
        "per benchmark and averaged over benchmarks (the area under each curve, on log n, is the anytime "
        "table at the top of the report).*",
        "",
    ]
    return lines
