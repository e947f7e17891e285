"""The report's multi-objective section: samples to 90/95/99/100% of the exact front's
hypervolume per benchmark and algorithm, IGD+, ranks across tables, and the figures of
:mod:`analysis.plots.multiobjective`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..load import Experiment
from ..plots import crossbench as cd_plots
from ..plots import multiobjective as plots
from ..plots.style import looks
from ..stats.hypervolume import fronts
from ..stats.mo_tables import by_spec, mo_ranks, mo_statistics
from .summary import md_table

PROTOCOL = (
    "Each objective is turned into a cost and normalised by the exact front's ideal (0) and nadir (1) "
    "points; the reference point is 1.1 in every normalised objective, fixed per table (never taken "
    "from what the runs found). HV* is the exact front's hypervolume; a run's HV regret after n "
    "distinct samples is 1 − HV/HV* of those samples; samples to a fraction of HV* are censored at the "
    "budget when not reached and summarised as for one objective (restricted mean with its bootstrap "
    "interval, ≥ when any seed is censored; Kaplan-Meier median with its order-statistic interval; "
    "reached/seeds). IGD+ is of the final non-dominated samples to the exact front, in normalised units. "
    "The single-objective sections above judge the first objective alone."
)


def _cell(r: dict) -> str:
    n = {k: float(r[k]) for k in ("median", "median_lo", "median_hi", "mean", "mean_lo", "mean_hi")}
    median = (
        f"{n['median']:.0f} [{n['median_lo']:.0f}, {n['median_hi']:.0f}]" if np.isfinite(n["median"]) else "not reached"
    )
    mean = f"{'≥' if r['mean_censored'] else ''}{n['mean']:.0f} [{n['mean_lo']:.0f}, {n['mean_hi']:.0f}]"
    return f"{median}; {mean}; {int(r['reached'])}/{int(r['runs'])}"


def section(exp: Experiment, fig_dir: Path, table_dir: Path) -> list[str]:
    """Markdown lines; empty when no benchmark of ``exp`` names several objectives."""
    known = fronts(exp)
    if not known:
        return []
    stats = mo_statistics(exp)
    stats.to_csv(table_dir / "multiobjective.csv", index=False)
    runs = by_spec(exp)
    look = looks(exp.specs())
    lines = ["## Several objectives", "", PROTOCOL, ""]
    for bench, per_spec in runs.items():
        front = known[bench]
        sub = stats[stats["benchmark"] == bench]
        targets = list(dict.fromkeys(sub["target"]))
        header = ["algorithm", *[f"to {t[2:]}% of HV*: median [95%]; mean [95%]; reached" for t in targets]]
        header += ["HV regret at budget (median)", "IGD+ (median)"]
        rows = []
        for spec in per_spec:
            mine = sub[sub["spec"] == spec].set_index("target")
            rows.append(
                [f"`{spec}`", *[_cell(mine.loc[t].to_dict()) for t in targets]]
                + [f"{mine['hv_regret'].iloc[0]:.4f}", f"{mine['igd_plus'].iloc[0]:.4f}"]
            )
        names = " vs ".join(f"{n} ({'max' if m else 'min'})" for n, m in zip(front.names, front.maximise))
        path = plots.figure(bench, front, per_spec, look, exp.budget, fig_dir)
        lines += [
            f"### {bench}",
            "",
            f"{names}: {len(front.front)} Pareto-optimal architectures; HV* = {front.best_hypervolume:.4f}; "
            f"ideal {np.round(front.ideal, 6).tolist()}, nadir {np.round(front.nadir, 6).tolist()}.",
            "",
            md_table(header, rows),
            "",
            f"![multi-objective]({path.relative_to(exp.path).as_posix()})",
            "",
        ]
    lines += _ranks(exp, fig_dir)
    return lines


def _ranks(exp: Experiment, fig_dir: Path) -> list[str]:
    ranks = mo_ranks(exp)
    if ranks is None:
        return []
    avg = ranks["avg"]
    path = cd_plots.cd_diagram(
        avg, ranks["cd"], ranks["groups"], "mean HV regret at the budget: average rank", fig_dir / "multiobjective_cd"
    )
    order = sorted(avg, key=avg.__getitem__)
    n = len({*ranks["table"]["benchmark"]})
    return [
        "### Across tables",
        "",
        f"Average rank of the mean HV regret at the budget over {n} tables (1 = best): "
        + ", ".join(f"`{s}` {avg[s]:.2f}" for s in order)
        + f"; Friedman chi² = {ranks['chi2']:.2f}, p = {ranks['p']:.3g}; Nemenyi CD = {ranks['cd']:.2f}.",
        "",
        f"![critical difference]({path.relative_to(exp.path).as_posix()})",
        "",
    ]
