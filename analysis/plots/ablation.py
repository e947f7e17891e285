"""Figures 4 and 5: ablation series (paper, research question 3) and the learned partition
(the paper's "good leaves hold better architectures with smaller spread")."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.transforms import ScaledTranslation

from ..families import Series
from ..load import Experiment, Run, load_partition
from ..stats import censored, tables
from .files import file_safe, save
from .style import TARGET_COLOURS, Look, plain_log_ticks


def option_axis(series: Series) -> tuple[np.ndarray, str]:
    """x position of each point and the axis scale: numeric options by value (log, or symlog with
    a zero, where the positive values span 1.5 decades or more), other options as categories."""
    if not series.numeric:
        return np.arange(len(series.points), dtype=float), "category"
    x = np.array([float(v) for v, _ in series.points])
    pos = x[x > 0]
    if len(pos) >= 2 and pos.max() / pos.min() >= 10**1.5 and (x >= 0).all():
        return x, "log" if len(pos) == len(x) else "symlog"
    return x, "linear"


def _seed_offsets(n: int) -> np.ndarray:
    """Points (1/72 in) right of the interval where each seed is drawn, spread over 10 points."""
    return 8 + 10 * np.arange(n) / max(n - 1, 1)


def _panel(ax, series: Series, target: str, times: dict, budget: int, colour: str, x: np.ndarray) -> None:
    means, los, his = [], [], []
    for i, (value, spec) in enumerate(series.points):
        t = times[spec][target]
        means.append(censored.restricted_mean(t, budget))
        lo, hi = censored.mean_ci(t, budget)
        los.append(lo)
        his.append(hi)
        ok = np.isfinite(t)
        for j, (tj, okj) in enumerate(zip(t, ok)):
            shift = ScaledTranslation(_seed_offsets(len(t))[j] / 72, 0, ax.figure.dpi_scale_trans)
            ax.plot(
                x[i],
                tj if okj else budget * (1.12 + 0.06 * (j % 3)),
                ">" if not okj else "o",
                ms=3.5 if okj else 4.5,
                color=colour,
                mfc=colour if okj else "none",
                alpha=0.55,
                transform=ax.transData + shift,
                label="one seed (▷ not reached, drawn above the budget)" if not okj else "one seed",
            )
        ax.annotate(
            f"{ok.sum()}/{len(t)}",
            (x[i], hi),
            xytext=(-3, 4),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color="0.3",
        )  # left: the seeds are on the right
        if series.is_default(value, spec):
            ax.plot(x[i], means[-1], "*", ms=15, color=colour, mec="k", zorder=6, label=f"default ({spec})")
    mean_a, lo_a, hi_a = (np.asarray(v) for v in (means, los, his))
    ax.errorbar(
        x,
        mean_a,
        yerr=[mean_a - lo_a, hi_a - mean_a],
        fmt="D-",
        color="k",
        ms=5,
        capsize=4,
        lw=1.2,
        label="restricted mean, 95% bootstrap CI",
        zorder=5,
    )


def _reference_lines(
    ax, exp: Experiment, bench: str, series: Series, target: str, times: dict, look: dict[str, Look]
) -> None:
    budget = exp.budget
    ref = series.reference
    if ref and series.default is None and ref in times:  # default value unknown: a line, not a point
        ax.axhline(
            censored.restricted_mean(times[ref][target], budget),
            color=look[ref].colour,
            ls="--",
            lw=1.3,
            label=f"{ref} (option at its default): restricted mean",
        )
    if ref is None and series.default is not None and series.numeric and isinstance(series.default, (int, float)):
        ax.axvline(
            float(series.default),
            color="k",
            ls="--",
            lw=1,
            label=f"default {series.option} = {series.default} (not run)",
        )
    if "random" in times and target in times["random"]:
        ax.axhline(
            censored.restricted_mean(times["random"][target], budget),
            color="0.35",
            ls=":",
            lw=1.5,
            label="random: restricted mean",
        )
    elif (expect := tables.random_expectation(exp, bench, target)) and expect[0] <= budget:
        ax.axhline(expect[0], color="0.35", ls=":", lw=1.5, label="random search's expectation (N+1)/(k+1)")
    ax.axhline(budget, color="k", lw=0.8, alpha=0.6)


def ablation(
    exp: Experiment,
    bench: str,
    series: Series,
    times: dict[str, dict[str, np.ndarray]],
    look: dict[str, Look],
    out: Path,
) -> Path | None:
    """Samples to each target against the value of the one option the series varies: each seed
    a point beside the restricted mean's interval, the default a star, random a dotted line."""
    targets = exp.targets(bench) or {}
    keys = [t for t in censored.TARGETS if t in targets]
    if not keys:
        return None
    budget = exp.budget
    x, scale = option_axis(series)
    colour = look[series.reference or series.points[0][1]].colour
    fig, axes = plt.subplots(1, len(keys), figsize=(4.6 * len(keys), 4.1), sharey=True, squeeze=False)
    every = np.concatenate(
        [times[s][t] for t in keys for s in [p[1] for p in series.points] + ["random"] if s in times and t in times[s]]
    )
    low = max(0.7, float(np.min(every[np.isfinite(every)], initial=budget)) / 1.6)
    for ax, target in zip(axes[0], keys):
        _panel(ax, series, target, times, budget, colour, x)
        _reference_lines(ax, exp, bench, series, target, times, look)
        if scale == "category":
            ax.set_xticks(x, [str(v) for v, _ in series.points])
        else:
            if scale != "linear":
                positive = x[x > 0]
                ax.set_xscale(scale, **({"linthresh": positive.min(), "linscale": 0.5} if scale == "symlog" else {}))
            ax.set_xticks(x, [f"{v:g}" for v, _ in series.points])
            ax.minorticks_off()
        shown = x if series.reference or series.default is None or scale == "category" else np.r_[x, series.default]
        pad = 0.08 * (np.ptp(shown) or 1.0)
        if scale in ("linear", "category"):
            ax.set_xlim(shown.min() - 1.6 * pad, shown.max() + 2 * pad)  # room for n/N left, seeds right
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis, low, budget)
        ax.set_ylim(low, budget * 1.4)  # seeds are drawn off the data transform: not autoscaled
        ax.set_xlabel(
            f"{series.option}" + {"log": " (log scale)", "symlog": " (log scale, 0 at the left)"}.get(scale, "")
        )
        rho, lo, hi = censored.trend(*tables.pooled(series, times, target), budget) if series.numeric else (np.nan,) * 3
        trend = f"\nSpearman ρ = {rho:+.2f} [{lo:+.2f}, {hi:+.2f}]" if rho == rho else ""
        ax.set_title(f"{censored.TARGET_LABELS[target]} (valid ≥ {targets[target]:.6g}){trend}", fontsize=9)
    axes[0][0].set_ylabel("distinct samples to reach the target\n(log scale; black line = budget)")
    fig.suptitle(
        f"{bench}: ablation of {series.label}\nn/N = seeds that reached the target; "
        "seeds that never reach it count as the budget in the mean",
        y=1.08,
    )
    _legend_below(fig, axes[0])
    fixed = "_".join(f"{k}-{v}" for k, v in series.fixed)
    parts = [bench, series.family, series.option] + ([fixed] if fixed else [])
    return save(fig, out / "_".join(["ablation", *map(file_safe, parts)]))


def _legend_below(fig: plt.Figure, axes) -> None:
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False)


def pick_partition_run(exp: Experiment, bench: str) -> Run | None:
    """The run whose learned partition is drawn: plain ``lanas`` if it wrote one, lowest seed."""
    with_part = [r for s in exp.specs(bench) for r in exp.runs_of(bench, s) if r.partition is not None]
    if not with_part:
        return None
    return min(with_part, key=lambda r: (r.spec != "lanas", exp.specs(bench).index(r.spec), r.seed))


def _leaf_boxes(ax, groups: list[np.ndarray], pos: np.ndarray, many: bool, colour: str, targets: dict) -> None:
    """A box per leaf of its architectures' values, each leaf's mean, and the targets' thresholds."""
    box = ax.boxplot(
        groups,
        positions=pos,
        widths=0.6,
        showfliers=not many,
        patch_artist=True,
        flierprops={"markersize": 2, "alpha": 0.4},
        medianprops={"color": "k"},
    )
    for patch in box["boxes"]:
        patch.set_facecolor(colour)
        patch.set_alpha(0.35)
    ax.plot(pos, [g.mean() for g in groups], "D", color="k", ms=3, label="leaf mean")
    for key, ls in (("optimum", "-"), ("top1", "--")):
        if key in targets:
            ax.axhline(
                targets[key], color=TARGET_COLOURS[key], ls=ls, lw=1, label=f"{censored.TARGET_LABELS[key]} threshold"
            )


def partition(exp: Experiment, bench: str, look: dict[str, Look], out: Path) -> Path | None:
    """Distribution of ``valid`` over every architecture of each leaf, leaves ordered by mean,
    and the share of the table's top-1% architectures that each leaf holds."""
    run = pick_partition_run(exp, bench)
    if run is None or run.partition is None:
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
    fig, (ax, bx) = plt.subplots(
        2,
        1,
        figsize=(max(7.0, min(0.35 * len(order) + 3, 18)), 6.5),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 1.2]},
    )
    pos = np.arange(len(order))
    _leaf_boxes(ax, groups, pos, many, look[run.spec].colour, targets)
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
    bx.set_xticks(
        pos[::step],
        [f"{order[i]}\nn={len(groups[i])}" if not many else str(order[i]) for i in range(0, len(order), step)],
        fontsize=7 if many else 8,
    )
    bx.set_xlabel("leaf (0 = the all-good path), ordered by mean valid; n = architectures in the leaf")
    fig.suptitle(
        f"{bench}: learned partition of {run.spec}, seed {run.seed}, at the end of the run "
        f"({len(df):,} architectures in {len(order)} leaves)\ny axis zoomed on the best 90% of the table: "
        f"{hidden:,} architectures below {lo - 0.05 * (top - lo):.4g} are not drawn",
        fontsize=10,
    )
    fig.tight_layout()
    return save(fig, out / f"partition_{file_safe(bench)}")
