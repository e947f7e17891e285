"""The paper's figures for one benchmark: samples-to-target ECDFs, regret and incumbent test
curves, and the search-efficiency figure (samples to the global optimum per algorithm)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..load import Experiment
from ..stats import censored, tables
from .files import file_safe, save
from .style import Look, fmt, legend_below, plain_log_ticks, seeds_label


def _target_title(target: str, value: float) -> str:
    return f"{censored.TARGET_LABELS[target]} (valid ≥ {value:.6g})"


def _mark_random_expectation(ax, expected: float) -> None:
    """A dotted line at random search's expected samples to the target, labelled."""
    ax.axvline(expected, color="0.35", ls=":", lw=1.2)
    ax.annotate(
        f"random expects\n(N+1)/(k+1) = {expected:,.0f}",
        (expected, 0.98),
        xytext=(-3, 0),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7,
        color="0.3",
        bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1},
    )


def ecdf(
    exp: Experiment,
    bench: str,
    times: dict[str, dict[str, np.ndarray]],
    specs: list[str],
    look: dict[str, Look],
    out: Path,
    name: str = "ecdf",
    what: str = "",
    which: tuple[str, ...] = censored.TARGETS,
    thick: frozenset[str] = frozenset(),
) -> Path | None:
    """Figure 1: fraction of seeds that reached each target within n distinct samples."""
    targets = exp.targets(bench) or {}
    keys = [t for t in which if t in targets]
    if not keys or not specs:
        return None
    budget = exp.budget
    grid = np.unique(np.geomspace(1, budget, 400).round())
    fig, axes = plt.subplots(1, len(keys), figsize=(4.6 * len(keys), 3.8), sharey=True, squeeze=False)
    for ax, target in zip(axes[0], keys):
        for spec in specs:
            t = times[spec][target]
            lk = look[spec]
            ax.step(
                grid,
                censored.ecdf(t, grid),
                where="post",
                color=lk.colour,
                ls=lk.linestyle,
                lw=3.0 if spec in thick else 1.8,
                alpha=0.8 if spec in thick else 1.0,
                label=spec,
                marker=lk.marker,
                markevery=lk.markevery(max(1, len(grid) // 10)),
                ms=4,
            )
        expect = tables.random_expectation(exp, bench, target)
        if expect and expect[0] <= budget:  # random search's expected samples, when in view
            _mark_random_expectation(ax, expect[0])
        ax.set_xscale("log")
        plain_log_ticks(ax.xaxis, 1, budget)
        ax.set_xlim(1, budget)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(_target_title(target, targets[target]))
        ax.set_xlabel("distinct samples n (log scale)")
    axes[0][0].set_ylabel("fraction of seeds that reached\nthe target within n samples")
    fig.suptitle(
        f"{bench}{what}: samples-to-target ECDF\n{seeds_label({s: v[keys[0]] for s, v in times.items()})}, "
        f"budget {budget:,}; "
        "seeds that never reach the target stay in the denominator",
        y=1.06,
    )
    legend_below(fig, axes)
    return save(fig, out / f"{name}_{file_safe(bench)}")


def _quartiles(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        q = np.nanquantile(curves, [0.25, 0.5, 0.75], axis=0)
    return q[0], q[1], q[2]


def has_test_values(exp: Experiment, bench: str, specs: list[str]) -> bool:
    """Whether the regret figure has its right panel (some run of ``specs`` has test values)."""
    return any(x.incumbent_test is not None for s in specs for x in exp.runs_of(bench, s))


def regret(exp: Experiment, bench: str, specs: list[str], look: dict[str, Look], out: Path) -> Path | None:
    """Figure 2: best-so-far regret (log-log) and the incumbent's test value, median and IQR."""
    targets = exp.targets(bench)
    runs = {s: exp.runs_of(bench, s) for s in specs}
    runs = {s: r for s, r in runs.items() if r}
    if not runs:
        return None
    best = {s: np.vstack([x.best for x in r]) for s, r in runs.items()}
    if targets:
        ref, ref_label = targets["optimum"], "optimum of the table"
    else:
        ref, ref_label = float(np.nanmax([np.nanmax(b) for b in best.values()])), "best value seen in any run"
    # differences at float round-off (values stored as float32 and float64) are no regret at all
    tol = 1e-9 * max(abs(ref), 1.0)
    regrets = {s: np.where(ref - b <= tol, 0.0, ref - b) for s, b in best.items()}
    positive = np.concatenate([r[r > 0].ravel() for r in regrets.values()])
    # a decade below the smallest positive regret, so "reached" stays apart from "nearly"
    floor = 10 ** (np.floor(np.log10(positive.min())) - 1) if len(positive) else 1e-6
    has_test = has_test_values(exp, bench, specs)
    fig, axes = plt.subplots(
        1, 2 if has_test else 1, figsize=(11.5 if has_test else 6, 4.2), squeeze=False, gridspec_kw={"wspace": 0.35}
    )
    n = np.arange(1, exp.horizon + 1)  # curves end at the longest run, not at the budget
    ax = axes[0][0]
    for s, r in regrets.items():
        _median_band(ax, n, np.maximum(r, floor), look[s], s)
    ax.axhline(floor, color="k", ls=":", lw=1)
    ax.annotate(
        f"regret 0 (reached) drawn at {floor:.0e}", (1.2, floor), xytext=(0, 4), textcoords="offset points", fontsize=8
    )
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis, 1, exp.budget)
    ax.set_yscale("log")
    ax.set_xlim(1, exp.budget)
    ax.set_xlabel("distinct samples (log scale)")
    ax.set_ylabel(f"regret = {ref_label} − best valid so far\n(log scale, {exp.info(bench).get('objective', 'valid')})")
    ax.set_title("best-so-far regret: median, band = inter-quartile range")
    if has_test:
        _test_panel(axes[0][1], runs, look, exp.horizon)
    fig.suptitle(f"{bench}: search progress over {seeds_label(runs)}", y=1.02)
    legend_below(fig, axes)
    return save(fig, out / f"regret_{file_safe(bench)}")


def _median_band(ax, n: np.ndarray, curves: np.ndarray, look: Look, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Draw the median of ``curves`` (seeds x samples) with its inter-quartile band; return the band."""
    lo, med, hi = _quartiles(curves)
    ax.plot(n, med, color=look.colour, ls=look.linestyle, lw=1.8, label=label, marker=look.marker, markevery=0.1, ms=4)
    ax.fill_between(n, lo, hi, color=look.colour, alpha=0.15, lw=0)
    return lo, hi


def _test_panel(ax, runs: dict, look: dict[str, Look], budget: int) -> None:
    """Median and IQR of the incumbent's test value (the incumbent chosen by validation)."""
    n = np.arange(1, budget + 1)
    lows, highs = [], []
    for s, r in runs.items():
        tests = [x.incumbent_test for x in r if x.incumbent_test is not None]
        if not tests:
            continue
        lo, hi = _median_band(ax, n, np.vstack(tests), look[s], s)
        lows.append(lo)
        highs.append(hi)
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis, 1, budget)
    ax.set_xlim(1, budget)
    ax.set_xlabel("distinct samples (log scale)")
    ax.set_ylabel("test value of the incumbent\n(chosen by validation)")
    ax.set_title("incumbent's test value: median and IQR")
    # zoom on where the searches end up, every band whole from 10 samples on: the first
    # samples' spread (near-random architectures) would flatten the rest into a line
    k = min(10, budget) - 1
    low = min((np.nanmin(lo[k:]) for lo in lows if np.isfinite(lo[k:]).any()), default=np.nan)
    top = max((np.nanmax(h[k:]) for h in highs if np.isfinite(h[k:]).any()), default=np.nan)
    if np.isfinite(low) and np.isfinite(top) and top > low:
        ax.set_ylim(low - 0.05 * (top - low), top + 0.05 * (top - low))


def _efficiency_row(ax, i: int, t: np.ndarray, budget: int, colour: str, rng: np.random.Generator) -> None:
    """One algorithm's row: its seeds (▷ beyond the budget when censored), its restricted mean with
    the bootstrap interval, and that mean written beside the axes."""
    y = i + rng.uniform(-0.18, 0.18, len(t))
    ok = np.isfinite(t)
    ax.scatter(t[ok], y[ok], s=14, color=colour, alpha=0.6, lw=0)
    ax.scatter(
        np.full((~ok).sum(), budget * 1.18), y[~ok], s=22, marker=">", facecolors="none", edgecolors=colour, alpha=0.8
    )
    mean = censored.restricted_mean(t, budget)
    lo, hi = censored.mean_ci(t, budget)
    ax.errorbar(mean, i, xerr=[[mean - lo], [hi - mean]], fmt="D", color="k", ms=6, capsize=4, zorder=5)
    mark = "≥" if (~ok).any() else ""
    ax.annotate(
        f"mean {mark}{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]\n{ok.sum()}/{len(t)} seeds reached",
        (1.01, i),
        xycoords=("axes fraction", "data"),
        ha="left",
        va="center",
        fontsize=8,
    )


def _random_expectation_line(ax, expect: tuple[float, int], size: int, colour: str) -> float:
    """Random search's expected samples (N+1)/(k+1) as a dotted line with its note; the x limit it needs."""
    expected, k = expect
    ax.axvline(expected, color=colour, ls=":", lw=1.5)
    ties = "a unique optimum" if k == 1 else f"{k:,} architectures reach it"
    ax.annotate(
        f"random search expects\n(N+1)/(k+1) = {expected:,.0f}\n(N = {size:,}, {ties})",
        (expected, -0.6),
        xytext=(-4, 0),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=8,
    )
    return expected * 1.6


def efficiency(
    exp: Experiment,
    bench: str,
    times: dict[str, dict[str, np.ndarray]],
    specs: list[str],
    look: dict[str, Look],
    out: Path,
    target: str = "optimum",
) -> Path | None:
    """Figure 3: samples to the global optimum per algorithm, restricted mean with bootstrap 95%
    interval, every seed as a jittered point; censored seeds drawn as hollow triangles at the budget."""
    targets = exp.targets(bench) or {}
    specs = [s for s in specs if target in times.get(s, {})]
    if target not in targets or not specs:
        return None
    budget = exp.budget
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(specs) + 1.8))
    for i, spec in enumerate(specs):
        _efficiency_row(ax, i, times[spec][target], budget, look[spec].colour, rng)
    ax.axvline(budget, color="k", ls="--", lw=1)
    ax.set_yticks(range(len(specs)), specs)
    ax.invert_yaxis()
    ax.set_ylim(len(specs) - 0.4, -0.7)
    ax.set_xscale("log")
    right = budget * 1.6
    expect = tables.random_expectation(exp, bench, target)
    if expect:
        colour = look["random"].colour if "random" in look else "0.5"
        right = max(right, _random_expectation_line(ax, expect, exp.info(bench)["size"], colour))
    observed = np.concatenate([times[s][target][np.isfinite(times[s][target])] for s in specs])
    left = max(0.8, observed.min() / 2) if len(observed) else budget / 10
    ax.set_xlim(left, right)
    plain_log_ticks(ax.xaxis, left, right)
    ax.set_xlabel("distinct samples to reach the target (log scale); dashed line = budget")
    ax.set_title(
        f"{bench}: samples to the {censored.TARGET_LABELS[target]} (valid ≥ {targets[target]:.6g})\n"
        "◆ restricted mean with bootstrap 95% interval (censored seeds count as the budget, so ≥); "
        "dots = seeds, ▷ (right of the budget) = not reached",
        fontsize=9,
    )
    ax.grid(axis="y", visible=False)
    return save(fig, out / f"efficiency_{file_safe(bench)}")
