"""Figures of the cross-benchmark section: the critical-difference diagram (Demšar 2006, Fig. 1),
a heat map of ranks (numbers printed, so it reads in greyscale) and the anytime ECDFs (a marker
per algorithm as well as a colour, the legend below the panels)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.ticker import FuncFormatter

from ..stats.crossbench import ecdf_curve
from . import style
from .files import save
from .style import plt

_STEP = 0.28  # vertical distance between two labels of the CD diagram


def cd_diagram(avg: dict[str, float], cd: float, groups: list[list[str]], title: str, stem: Path) -> Path:
    """Average ranks on an axis (1 = best, left); a bar per group whose ranks differ by < CD."""
    order = sorted(avg, key=avg.__getitem__)
    k = len(order)
    left = order[: math.ceil(k / 2)]
    right = order[math.ceil(k / 2) :][::-1]
    top = 0.15 * (len(groups) + 1)
    rows = max(len(left), len(right))
    fig, ax = plt.subplots(figsize=(7.5, 1.3 + _STEP * (rows + 1) + top))
    lo, hi = 1, max(k, 2)
    ax.hlines(0, lo, hi, color="black", lw=1)
    for r in range(lo, hi + 1):
        ax.vlines(r, -0.08, 0, color="black", lw=1)
        ax.text(r, -0.12, str(r), ha="center", va="bottom", fontsize=9)
    if cd == cd:
        ax.hlines(-0.55, lo, lo + cd, color="black", lw=2)
        ax.vlines([lo, lo + cd], -0.6, -0.5, color="black", lw=1)
        ax.text(lo + cd / 2, -0.62, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=9)
    for side, specs, x_text, align in (("l", left, lo - 0.3, "right"), ("r", right, hi + 0.3, "left")):
        for i, spec in enumerate(specs):
            y = top + _STEP * (i + 1)
            ax.plot([avg[spec], avg[spec], x_text], [0, y, y], color="black", lw=0.8)
            ax.text(
                x_text + (-0.05 if side == "l" else 0.05),
                y,
                f"{spec} ({avg[spec]:.2f})",
                ha=align,
                va="center",
                fontsize=9,
            )
    for g, members in enumerate(groups):
        y = 0.1 + 0.15 * g
        ax.hlines(y, avg[members[0]] - 0.05, avg[members[-1]] + 0.05, color="black", lw=3.5)
    ax.set_xlim(lo - 2.2, hi + 2.2)
    ax.set_ylim(top + _STEP * (rows + 1), -0.8)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    return save(fig, stem)


def rank_heatmap(tests: list[dict], specs: list[str], stem: Path) -> Path:
    """Rank of each algorithm (rows) on each benchmark (columns), one panel per budget fraction."""
    benches = list(tests[0]["wide"].index)
    fig, axes = plt.subplots(
        len(tests),
        1,
        figsize=(max(5.5, 2.2 + 0.62 * len(benches)), (0.7 + 0.3 * len(specs)) * len(tests) + 1.2),
        squeeze=False,
        sharex=True,
    )
    for ax, test in zip(axes[:, 0], tests):
        data = test["wide"][specs].to_numpy().T
        im = ax.imshow(data, cmap="Greys", vmin=1, vmax=len(specs) + 0.5, aspect="auto")
        for (i, j), v in np.ndenumerate(data):
            ax.text(
                j, i, f"{v:g}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 * len(specs) else "black"
            )
        ax.set_yticks(range(len(specs)), specs, fontsize=8)
        ax.set_title(f"{test['samples']:,} samples ({test['fraction']:.0%} of the budget)", fontsize=9)
        ax.grid(False)
    axes[-1, 0].set_xticks(range(len(benches)), benches, rotation=40, ha="right", fontsize=8)
    fig.colorbar(im, ax=list(axes[:, 0]), shrink=0.6, label="rank (1 = best)")
    return save(fig, stem)


def anytime(regret: dict[str, dict[str, np.ndarray]], specs: list[str], budget: int, stem: Path) -> Path:
    """ECDF of (seed, target) pairs reached against samples, per benchmark and over all of them."""
    grid = np.unique(np.geomspace(1, budget, 60).round().astype(int))
    panels = list(regret) + (["all benchmarks"] if len(regret) > 1 else [])
    cols = min(4, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.8 * rows), squeeze=False, sharey=True)
    look = style.looks(specs)
    for ax, panel in zip(axes.flat, panels):
        for spec in specs:
            if panel == "all benchmarks":
                y = np.mean([ecdf_curve(regret[b][spec], grid) for b in regret], axis=0)
            else:
                y = ecdf_curve(regret[panel][spec], grid)
            lk = look[spec]
            ax.plot(
                grid,
                y,
                color=lk.colour,
                ls=lk.linestyle,
                marker=lk.marker,
                markevery=lk.markevery(8),
                ms=4,
                label=spec,
                lw=1.4,
            )
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
        ax.set_title(panel, fontsize=9)
        ax.set_ylim(0, 1)
    for ax in axes[-1]:
        ax.set_xlabel("distinct samples")
    for ax in axes[:, 0]:
        ax.set_ylabel("(seed, target) reached")
    for ax in axes.flat[len(panels) :]:
        ax.axis("off")
    fig.tight_layout()
    style.legend_below(fig, axes.flat[:1])
    return save(fig, stem)
