"""Figures of the one-shot section: each proxy's estimate against the truth over every cell, and
final true accuracy against GPU-hours (numbers: :mod:`analysis.stats.oneshot`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..stats import oneshot
from .files import save
from .style import plt


def scatter(base: str, evaluators: list[str], agreement: pd.DataFrame, stem: Path) -> Path:
    """Each proxy's estimate against the truth over every cell of ``base``."""
    fig, axes = plt.subplots(1, len(evaluators), figsize=(4.2 * len(evaluators), 3.6), squeeze=False)
    for ax, ev in zip(axes[0], evaluators):
        proxy, true = oneshot.proxy_values(base, ev)
        ax.scatter(proxy, true, s=2, alpha=0.25, color="#33638d", rasterized=True)
        tau = agreement.loc[agreement["evaluator"] == ev, "kendall_tau"].item()
        ax.set_title(f"{ev}: Kendall τ = {tau:.3f}", fontsize=9)
        ax.set_xlabel(f"{ev} score (percentile)" if ev.startswith(oneshot.ZERO_COST) else f"{ev} supernet estimate (%)")
        ax.set_ylabel(f"{base} validation accuracy (%)")
    return save(fig, stem)


def cost_figure(stages: pd.DataFrame, stem: Path) -> Path:
    """Final true accuracy against total GPU-hours, per algorithm and evaluator."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    markers = {"table": "o", "oneshot": "s", "fewshot": "^"}
    colours = dict(zip(dict.fromkeys(stages["spec"]), plt.rcParams["axes.prop_cycle"].by_key()["color"] * 3))
    for (spec, ev), g in stages.groupby(["spec", "evaluator"], sort=False):
        g = g.sort_values("samples")
        ax.plot(
            g["gpu_hours"],
            g["final_true_valid"],
            marker=markers.get(ev, "x"),
            color=colours[spec],
            ls="-" if ev == "table" else "--",
            ms=5,
            label=f"{spec} / {ev}",
        )
    ax.set_xscale("log")
    ax.set_xlabel("total GPU-hours (supernet training, queries, training the best k; mean over seeds)")
    ax.set_ylabel("true validation accuracy returned (%)")
    ax.legend(fontsize=6, ncol=2)
    return save(fig, stem)
