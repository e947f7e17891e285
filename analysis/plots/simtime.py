"""Figures of the simulated-time section: hours to the target against the number of workers, and
best-so-far regret against simulated hours for each K (a marker per algorithm as well as a
colour, so they read in greyscale)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import style
from .files import file_safe, save
from .style import plt

FLOOR = 1e-3  # regret 0 is drawn here on the log axis


def _time_to_target(bench: str, table: pd.DataFrame, look: dict, stem: Path) -> Path:
    sub = table[(table["benchmark"] == bench) & (table["failed"] == 0)]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.4), gridspec_kw={"wspace": 0.35})
    for spec in dict.fromkeys(sub["spec"]):
        s = sub[sub["spec"] == spec].sort_values("workers")
        lk = look[spec]
        for a, col in ((ax, "mean_hours"), (ax2, "gpu_hours")):
            a.plot(s["workers"], s[col], color=lk.colour, ls=lk.linestyle, marker=lk.marker, ms=6, label=spec)
    for a, label in ((ax, "simulated hours to target"), (ax2, "GPU-hours (K × hours)")):
        a.set_xscale("log", base=2)
        a.set_yscale("log")
        style.plain_log_ticks(a.yaxis)
        a.set_xticks(sorted(sub["workers"].unique()), [str(k) for k in sorted(sub["workers"].unique())])
        a.set_xlabel("simulated workers K")
        a.set_ylabel(label)
    ax.set_title(f"{bench}: time to the top 1% (restricted mean)", fontsize=9)
    ax2.legend(fontsize=7)
    return save(fig, stem)


def _regret_vs_time(exp, bench: str, runs: list, look: dict, stem: Path) -> Path:
    optimum = (exp.targets(bench) or {}).get("optimum")
    mine = [r for r in runs if r.benchmark == bench and r.status != "failed"]
    ks = sorted({r.workers for r in mine})
    fig, axes = plt.subplots(1, len(ks), figsize=(3.4 * len(ks), 3.1), squeeze=False, sharey=True)
    for ax, k in zip(axes[0], ks):
        horizon = min(r.horizon_h for r in mine if r.workers == k)  # the time every run of this K covers
        grid = np.geomspace(max(horizon / 1000, 1e-3), horizon, 120)
        for spec in dict.fromkeys(r.spec for r in mine):
            curves = []
            for r in (r for r in mine if r.workers == k and r.spec == spec):
                idx = np.searchsorted(r.finish_h, grid, side="right") - 1
                curves.append(np.where(idx >= 0, optimum - r.best[np.maximum(idx, 0)], np.nan))
            if not curves:
                continue
            lk = look[spec]
            with warnings.catch_warnings():  # before a seed's first result its regret is undefined
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(np.maximum(np.array(curves), FLOOR), axis=0)
            ax.plot(grid, med, color=lk.colour, ls=lk.linestyle, marker=lk.marker, markevery=15, ms=4, label=spec)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"K = {k}", fontsize=9)
        ax.set_xlabel("simulated hours")
    axes[0][0].set_ylabel(f"median regret (floor {FLOOR:g})")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(f"{bench}: best-so-far regret against simulated time", fontsize=10)
    return save(fig, stem)


def figures(exp, bench: str, runs: list, table: pd.DataFrame, fig_dir: Path) -> list[Path]:
    look = style.looks(sorted({r.spec for r in runs}))
    name = file_safe(bench)
    out = [_time_to_target(bench, table, look, fig_dir / f"sim_time_to_target_{name}")]
    if (exp.targets(bench) or {}).get("optimum") is not None:
        out.append(_regret_vs_time(exp, bench, runs, look, fig_dir / f"sim_regret_{name}"))
    return out
