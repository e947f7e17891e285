"""Figures 4 and 5: ablation series (paper, research question 3) and the learned partition
(the paper's "good leaves hold better architectures with smaller spread")."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt

from . import stats
from .ablation import Series
from .load import Experiment, Run, load_partition
from .style import Look, TARGET_COLOURS, plain_log_ticks, safe, save


def ablation(exp: Experiment, bench: str, series: Series, times: dict[str, dict[str, np.ndarray]],
             look: dict[str, Look], out: Path) -> Path | None:
    """Samples to each target against the value of the one option the series varies."""
    targets = exp.targets(bench) or {}
    keys = [t for t in stats.TARGETS if t in targets]
    if not keys:
        return None
    budget = exp.budget
    x = np.arange(len(series.points))
    colour = look[series.points[0][1]].colour if series.reference is None else look[series.reference].colour
    fig, axes = plt.subplots(1, len(keys), figsize=(4.4 * len(keys), 3.9), sharey=True, squeeze=False)
    for ax, target in zip(axes[0], keys):
        means, los, his, meds = [], [], [], []
        for value, spec in series.points:
            t = times[spec][target]
            means.append(stats.restricted_mean(t, budget))
            lo, hi = stats.mean_ci(t, budget)
            los.append(lo)
            his.append(hi)
            meds.append(stats.km_median(t, budget))
            ax.annotate(f"{np.isfinite(t).sum()}/{len(t)}", (x[len(means) - 1], hi), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7, color="0.3")
        means, los, his = map(np.asarray, (means, los, his))
        ax.errorbar(x, means, yerr=[means - los, his - means], fmt="o-", color=colour, capsize=4, lw=1.6,
                    label="restricted mean, 95% bootstrap CI")
        finite = np.isfinite(meds)
        ax.plot(x[finite], np.asarray(meds)[finite], "s", mfc="none", color=colour, ms=7,
                label="Kaplan-Meier median")
        for spec, ls, name in ((series.reference, "--", f" (its {series.option} at the default)"), ("random", ":", "")):
            if spec and spec in times and target in times[spec]:
                ref = stats.restricted_mean(times[spec][target], budget)
                ax.axhline(ref, color=look[spec].colour, ls=ls, lw=1.3, label=f"{spec}{name}: restricted mean")
        ax.axhline(budget, color="k", lw=0.8, alpha=0.6)
        ax.set_xticks(x, [str(v) for v, _ in series.points])
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
        ax.set_xlabel(series.option)
        ax.set_title(f"{stats.TARGET_LABELS[target]} (valid ≥ {targets[target]:.6g})")
    axes[0][0].set_ylabel("distinct samples to reach the target\n(log scale; black line = budget)")
    fig.suptitle(f"{bench}: ablation of {series.label}\nn/N = seeds that reached the target; "
                 "seeds that never reach it count as the budget", y=1.06)
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes[0][1:]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False)
    fixed = "_".join(f"{k}-{v}" for k, v in series.fixed)
    name = f"ablation_{safe(bench)}_{safe(series.family)}_{safe(series.option)}{'_' + safe(fixed) if fixed else ''}.png"
    return save(fig, out / name)


def pick_partition_run(exp: Experiment, bench: str) -> Run | None:
    """The run whose learned partition is drawn: plain ``lanas`` if it wrote one, lowest seed."""
    with_part = [r for s in exp.specs(bench) for r in exp.runs_of(bench, s) if r.partition is not None]
    if not with_part:
        return None
    return min(with_part, key=lambda r: (r.spec != "lanas", exp.specs(bench).index(r.spec), r.seed))


def partition(exp: Experiment, bench: str, look: dict[str, Look], out: Path) -> Path | None:
    """Distribution of ``valid`` over every architecture of each leaf, leaves ordered by mean,
    and the share of the table's top-1% architectures that each leaf holds."""
    run = pick_partition_run(exp, bench)
    if run is None:
        return None
    df = load_partition(run.partition)
    if df.empty:
        return None
    order = df.groupby("leaf")["valid"].mean().sort_values(ascending=False).index.to_list()
    groups = [df.loc[df["leaf"] == leaf, "valid"].to_numpy() for leaf in order]
    targets = exp.targets(bench) or {}
    top1 = targets.get("top1", float(np.quantile(df["valid"], 0.99)))
    share = np.array([(g >= top1).sum() for g in groups]) / max((df["valid"] >= top1).sum(), 1)
    many = len(order) > 32
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(max(7.0, min(0.35 * len(order) + 3, 18)), 6.5), sharex=True,
                                 gridspec_kw={"height_ratios": [3, 1.2]})
    pos = np.arange(len(order))
    box = ax.boxplot(groups, positions=pos, widths=0.6, showfliers=not many, patch_artist=True,
                     flierprops={"markersize": 2, "alpha": 0.4}, medianprops={"color": "k"})
    for patch in box["boxes"]:
        patch.set_facecolor(look[run.spec].colour)
        patch.set_alpha(0.35)
    ax.plot(pos, [g.mean() for g in groups], "D", color="k", ms=3, label="leaf mean")
    for key, ls in (("optimum", "-"), ("top1", "--")):
        if key in targets:
            ax.axhline(targets[key], color=TARGET_COLOURS[key], ls=ls, lw=1,
                       label=f"{stats.TARGET_LABELS[key]} threshold")
    ax.set_ylabel(f"valid ({exp.info(bench).get('objective', 'objective')})")
    ax.legend(loc="lower left")
    # tables hold a tail of broken networks (e.g. 10% on CIFAR-10) that would flatten the good
    # leaves into a line: zoom on the upper 90% of the table and say how many are below
    lo, top = float(np.quantile(df["valid"], 0.10)), float(df["valid"].max())
    ax.set_ylim(lo - 0.05 * (top - lo), top + 0.05 * (top - lo))
    hidden = int((df["valid"] < lo - 0.05 * (top - lo)).sum())
    bx.bar(pos, 100 * share, color=look[run.spec].colour, alpha=0.7)
    bx.set_ylabel("% of the table's\ntop-1% archs")
    step = max(1, len(order) // 40)
    bx.set_xticks(pos[::step], [f"{order[i]}\nn={len(groups[i])}" if not many else str(order[i])
                                for i in range(0, len(order), step)], fontsize=7 if many else 8)
    bx.set_xlabel("leaf (0 = the all-good path), ordered by mean valid; n = architectures in the leaf")
    fig.suptitle(f"{bench}: learned partition of {run.spec}, seed {run.seed}, at the end of the run "
                 f"({len(df):,} architectures in {len(order)} leaves)\ny axis zoomed on the best 90% of the table: "
                 f"{hidden:,} architectures below {lo - 0.05 * (top - lo):.4g} are not drawn", fontsize=10)
    fig.tight_layout()
    return save(fig, out / f"partition_{safe(bench)}.png")
