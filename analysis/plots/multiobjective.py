"""Figures of multi-objective runs: per benchmark, HV regret against distinct samples (median and
inter-quartile band), the ECDF over hypervolume targets, and the found front of each algorithm's
median run (by final hypervolume) against the exact front, in normalised objectives."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.objectives import Objectives

from ..stats.hypervolume import MORun
from .figures import _median_band
from .files import file_safe, save
from .style import Look, plain_log_ticks, plt, seeds_label

#: ECDF targets: hv / HV* from 0.80 to 1.00 in steps of 0.01
HV_TARGETS = np.round(np.arange(0.80, 1.0001, 0.01), 2)
_FLOOR = 1e-4


def _ecdf(runs: list[MORun], n: np.ndarray) -> np.ndarray:
    ratios = np.array([r.ratio for r in runs])  # (seeds, horizon)
    reached = ratios[:, n - 1, None] >= HV_TARGETS - 1e-9  # (seeds, grid, targets)
    return reached.mean(axis=(0, 2))


def _median_run(runs: list[MORun]) -> MORun:
    order = np.argsort([r.ratio[-1] for r in runs], kind="stable")
    return runs[order[(len(order) - 1) // 2]]


def figure(
    bench: str, front: Objectives, runs: dict[str, list[MORun]], look: dict[str, Look], budget: int, out: Path
) -> Path:
    """One figure with the three panels for ``bench``."""
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6), gridspec_kw={"wspace": 0.3})
    horizon = len(next(iter(runs.values()))[0].ratio)
    n = np.arange(1, horizon + 1)
    ax = axes[0]
    for spec, rs in runs.items():
        _median_band(ax, n, np.maximum(np.array([1.0 - r.ratio for r in rs]), _FLOOR), look[spec], spec)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.xaxis, 1, budget)
    ax.set_xlim(1, budget)
    ax.set_xlabel("distinct samples (log scale)")
    ax.set_ylabel(f"HV regret 1 − HV/HV* (log; 0 drawn at {_FLOOR:g})")
    ax.set_title("hypervolume regret: median, band = IQR")
    ax = axes[1]
    grid = np.unique(np.geomspace(1, horizon, 60).astype(int))
    for spec, rs in runs.items():
        lk = look[spec]
        ax.plot(grid, _ecdf(rs, grid), color=lk.colour, ls=lk.linestyle, lw=1.8, label=spec)
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis, 1, budget)
    ax.set_xlim(1, budget)
    ax.set_ylim(0, 1)
    ax.set_xlabel("distinct samples (log scale)")
    ax.set_ylabel("fraction of (seed, target) pairs reached")
    ax.set_title(f"ECDF over targets HV/HV* = {HV_TARGETS[0]:.2f} … 1.00")
    ax = axes[2]
    true = front.normalise(front.front)
    true = true[np.argsort(true[:, 0])]
    ax.step(true[:, 0], true[:, 1], where="post", color="black", lw=1.2, label="exact front")
    ax.scatter(true[:, 0], true[:, 1], color="black", s=10, zorder=3)
    for spec, rs in runs.items():
        found = _median_run(rs).found
        found = found[np.argsort(found[:, 0])]
        lk = look[spec]
        ax.step(found[:, 0], found[:, 1], where="post", color=lk.colour, ls=lk.linestyle, lw=1.2, alpha=0.8)
        ax.scatter(found[:, 0], found[:, 1], color=lk.colour, marker=lk.marker, s=14, alpha=0.8)
    ax.set_xlim(-0.05, front.reference)
    ax.set_ylim(-0.05, front.reference)
    ax.set_xlabel(f"{front.names[0]} ({'max' if front.maximise[0] else 'min'}), normalised cost (0 = ideal)")
    ax.set_ylabel(f"{front.names[1]} ({'max' if front.maximise[1] else 'min'}), normalised cost (0 = ideal)")
    ax.set_title("found front of the median run vs the exact front")
    handles, labels = axes[0].get_legend_handles_labels()
    exact_handles, exact_labels = axes[2].get_legend_handles_labels()  # the exact front's black line
    handles, labels = handles + exact_handles, labels + exact_labels
    fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), bbox_to_anchor=(0.5, -0.08))
    fig.suptitle(f"{bench}: {seeds_label(runs)}, HV* = {front.best_hypervolume:.4f}", y=1.02)
    return save(fig, out / f"multiobjective_{file_safe(bench)}")
