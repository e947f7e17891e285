"""Markdown tables and the report's summary sentences (one per benchmark family)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from .. import families
from ..load import Experiment
from ..plots.style import fmt
from ..stats import censored, tables


def md_table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _interval(lo: float, hi: float) -> str:
    return f"[{fmt(lo)}, {fmt(hi)}]".replace("not reached", "> budget")


def fmt_p(p: float) -> str:
    if p is None or p != p:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def target_rows(sub: pd.DataFrame, budget: int) -> tuple[list[str], list[list]]:
    """The markdown rows of one (benchmark, target) table."""
    header = [
        "algorithm",
        "reached",
        "mean samples [95% CI]",
        "median (KM) [95% CI]",
        "speed-up vs random [95% CI]",
        "p vs lanas (Holm)",
    ]
    peer = "best_peer" in sub and sub["best_peer"].notna().any()
    if peer:
        header.append("p vs best peer (Holm)")
    rows = []
    for r in sub.itertuples():
        ge = "≥" if r.mean_censored else ""
        speed = "–"
        if getattr(r, "speedup", None) == getattr(r, "speedup", None) and hasattr(r, "speedup"):
            mark = "~" if r.speedup_censored else ""
            speed = f"{mark}{r.speedup:.2f}x [{r.speedup_lo:.2f}, {r.speedup_hi:.2f}]"
        med = (
            f"not reached (> {budget:,})"
            if np.isinf(r.median_lo)
            else (f"{'not reached' if np.isinf(r.median) else fmt(r.median)} {_interval(r.median_lo, r.median_hi)}")
        )
        cover = getattr(r, "median_coverage", 0.95)
        if cover == cover and cover < 0.95 - 1e-9:  # too few seeds for 95%: say what it is
            med += f" ({100 * cover:.0f}% interval)"
        row = [
            f"`{r.spec}`",
            f"{r.reached}/{r.runs} ({100 * r.success:.0f}%)",
            f"{ge}{fmt(r.mean)} {_interval(r.mean_lo, r.mean_hi)}",
            med,
            speed,
            fmt_p(getattr(r, "p_vs_lanas", np.nan)),
        ]
        if peer:
            bp = getattr(r, "best_peer", None)
            row.append(f"{fmt_p(r.p_vs_best_peer)} (vs `{bp}`)" if isinstance(bp, str) else "–")
        rows.append(row)
    return header, rows


ALPHA = 0.05  # a difference is stated as decided only below this Holm-adjusted Mann-Whitney p


def _describe(r: pd.Series) -> str:
    ge = "≥" if r["mean_censored"] else ""
    return f"mean {ge}{fmt(r['mean'])} samples, {r['reached']}/{r['runs']} seeds reached"


def _ratio(r: pd.Series, best: pd.Series) -> str:
    """``r``'s restricted mean over ``best``'s; ``~`` when either is a lower bound (censored)."""
    mark = "~" if r["mean_censored"] or best["mean_censored"] else ""
    return f"{mark}{r['mean'] / best['mean']:.2f}x"


def _versus(r: pd.Series, best: pd.Series, p: float) -> str:
    verdict = "as many, decidedly more" if p < ALPHA else "as many, not decided"
    ge = "≥" if r["mean_censored"] else ""
    return f"`{r['spec']}` needs {_ratio(r, best)} {verdict} (mean {ge}{fmt(r['mean'])}, {r['reached']}/{r['runs']}; p {fmt_p(p)})"


def _open_clause(exp: Experiment, bench: str) -> str:
    failed = set(tables.all_failed(exp, bench))
    finals = {}
    for spec in (s for s in exp.specs(bench) if s not in failed):
        last = np.array([r.best[-1] for r in exp.runs_of(bench, spec)], dtype=float)
        if np.isfinite(last).any():
            finals[spec] = float(np.nanmedian(last))
    if not finals:
        return f"on {bench} no run produced a value"
    best = max(finals, key=lambda s: finals[s])
    return (
        f"on {bench} (no known optimum) `{best}` has the highest median final validation value "
        f"({finals[best]:.4g}; differences are not tested)"
    )


def _clause(exp: Experiment, bench: str, table: pd.DataFrame, common: str | None = None) -> str:
    """What the data decide on one benchmark: the fastest spec to the target (``common``, the one
    every benchmark's sentence speaks of, else this benchmark's :func:`summary_target`), every
    other spec that reached it in order with whether it is decidedly slower, and who never
    reached it (unranked); ratios of censored means carry ``~`` as in the tables."""
    sub = table[table["benchmark"] == bench] if len(table) else table
    if len(sub) == 0:
        return _open_clause(exp, bench)
    failed = tables.all_failed(exp, bench)
    swept = swept_specs(exp, bench)  # ablation settings: their trend is stated, they are not ranked
    sub = sub[~sub["spec"].isin(failed) & ~sub["spec"].isin(swept)]
    target, harder = summary_target(sub, common)
    tail = f"; every run of {', '.join(f'`{s}`' for s in failed)} failed (see run health)" if failed else ""
    if target is None:
        return (
            f"on {bench} no algorithm reached even the {censored.TARGET_LABELS[censored.TARGETS[-1]]} "
            f"within {exp.budget:,} samples in any seed" + tail
        )
    sub = sub[sub["target"] == target].assign(_neg=lambda d: -d["success"]).sort_values(["mean", "_neg"])
    hits, zero = sub[sub["reached"] > 0], list(sub.loc[sub["reached"] == 0, "spec"])
    times = {s: v[target] for s, v in tables.hitting_times(exp, bench).items()}
    pval = lambda a, b: censored.mann_whitney(times[a], times[b], exp.budget)  # noqa: E731
    label = censored.TARGET_LABELS[target]
    best = hits.iloc[0]
    if len(hits) == 1:
        text = f"on {bench} only `{best['spec']}` reached the {label} ({_describe(best)})"
    else:
        text = f"on {bench} `{best['spec']}` reaches the {label} in the fewest samples ({_describe(best)}"
        text += f"; best of {len(sub)} specs, optimistic with few seeds)" if len(sub) > 5 else ")"
    # every other algorithm that reached it, in order; the fastest is chosen on the same data:
    # Holm over the comparisons the sentence makes
    versus = [("; next, " if i == 1 else "; ", r) for i, (_, r) in enumerate(hits.iloc[1:].iterrows(), 1)]
    adjusted = censored.holm([pval(r["spec"], best["spec"]) for _, r in versus])
    for (lead, r), p in zip(versus, adjusted):
        text += lead + _versus(r, best, p)
    if zero:
        text += f"; not reached in any seed by {', '.join(f'`{s}`' for s in zero)} (not ranked)"
    if harder:
        text += (
            f"; the {' and the '.join(censored.TARGET_LABELS[t] for t in harder)}: not reached in half the seeds "
            "by any algorithm"
        )
    if len(hits) > 1:
        text += " (p: Mann-Whitney against the fastest, censored seeds slowest, Holm over the sentence)"
    if swept:
        text += f"; {len(swept)} ablation settings are not ranked: their trends follow"
    return text + tail


def summary_target(sub: pd.DataFrame, common: str | None = None) -> tuple[str | None, list[str]]:
    """The target a benchmark's sentence speaks of: ``common`` where given and reached here, else
    the hardest that at least half the seeds of some algorithm reach (else the hardest reached in
    any seed); and the harder ones, named only as not reached in half the seeds (a target one seed
    of ten found does not separate algorithms)."""
    reached = sub.groupby("target")["reached"].sum()
    anyone = [t for t in censored.TARGETS if reached.get(t, 0) > 0]
    half = [t for t in anyone if (sub.loc[sub["target"] == t, "success"] >= 0.5).any()]
    target = common if common in anyone else half[0] if half else anyone[0] if anyone else None
    order = censored.TARGETS
    if target is None:
        return None, []
    return target, [t for t in anyone if order.index(t) < order.index(target) and t not in half]


def common_target(exp: Experiment, table: pd.DataFrame) -> str | None:
    """The one target every benchmark's sentence speaks of: the least strict of the benchmarks'
    own :func:`summary_target`, so that half the seeds of some algorithm reach it everywhere."""
    own = []
    for bench in exp.benchmarks():
        sub = table[table["benchmark"] == bench] if len(table) else table
        if len(sub) and sub["target"].isin(censored.TARGETS).any():
            own.append(summary_target(sub[sub["target"].isin(censored.TARGETS)])[0])
    picked = [t for t in own if t is not None]
    return max(picked, key=censored.TARGETS.index) if picked else None


def swept_specs(exp: Experiment, bench: str) -> list[str]:
    """Specs that are a non-default point of an ablation series whose default point is present."""
    out = {
        s
        for ser in families.series(exp.specs(bench), exp.manifest.get("defaults"))
        if ser.reference
        for _, s in ser.points
        if s != ser.reference
    }
    return [s for s in exp.specs(bench) if s in out]


def family_sentences(exp: Experiment, table: pd.DataFrame) -> list[str]:
    """One sentence per benchmark family (``nb201/...`` -> ``nb201``), LaNAS's standing stated
    whether it is good or bad."""
    by_family: dict[str, list[str]] = {}
    for bench in exp.benchmarks():
        by_family.setdefault(bench.split("/")[0], []).append(bench)
    common = common_target(exp, table)
    out = []
    for fam, benches in by_family.items():
        out.append(f"**{fam}**: " + "; ".join(_clause(exp, b, table, common) for b in benches) + ".")
        for bench in benches:
            if exp.targets(bench):
                times = tables.hitting_times(exp, bench)
                out += [
                    f"ablation: {trend_sentence(exp, bench, ser, times)}."
                    for ser in families.series(exp.specs(bench), exp.manifest.get("defaults"))
                ]
    return out


def _point_label(value, spec: str, series: families.Series) -> str:
    return f"{value}" + (" (default)" if series.is_default(value, spec) else "")


def trend_sentence(
    exp: Experiment, bench: str, series: families.Series, times: dict[str, dict[str, np.ndarray]]
) -> str:
    """What one ablation series shows, in words: for a numeric option the rank correlation of
    samples-to-target with its value (bootstrap 95% interval; a trend is stated only when the
    interval excludes 0), for other options a Kruskal-Wallis test; then each setting's mean."""
    budget = exp.budget
    target = next(
        (
            t
            for t in censored.TARGETS
            if t in (exp.targets(bench) or {}) and any(np.isfinite(times[s][t]).any() for _, s in series.points)
        ),
        None,
    )
    head = f"`{series.label}` on {bench}"
    if target is None:
        return f"{head}: no setting reached even the top-1% in any seed, so no effect can be read"
    label = censored.TARGET_LABELS[target]
    seeds = min(len(times[s][target]) for _, s in series.points)
    if series.numeric:
        rho, lo, hi = censored.trend(*tables.pooled(series, times, target), budget)
        if rho != rho:
            verdict = f"every setting gives the same samples to the {label}: no effect"
        elif lo > 0 or hi < 0:
            verdict = (
                f"samples to the {label} {'fall' if rho < 0 else 'rise'} as {series.option} rises "
                f"(Spearman ρ = {rho:+.2f}, 95% CI [{lo:+.2f}, {hi:+.2f}])"
            )
        else:
            verdict = (
                f"no clear effect of {series.option} on samples to the {label} at {seeds} seeds per value "
                f"(Spearman ρ = {rho:+.2f}, 95% CI [{lo:+.2f}, {hi:+.2f}] includes 0)"
            )
    else:
        groups = [np.minimum(times[s][target], budget + 1) for _, s in series.points]
        p = 1.0 if np.ptp(np.concatenate(groups)) == 0 else float(sps.kruskal(*groups).pvalue)
        verdict = (
            f"the settings of {series.option} {'differ' if p < ALPHA else 'show no clear difference'} "
            f"in samples to the {label} (Kruskal-Wallis p {fmt_p(p)}, {seeds} seeds per setting)"
        )
    means = ", ".join(
        f"{_point_label(v, s, series)}: {'≥' if np.isinf(times[s][target]).any() else ''}"
        f"{fmt(censored.restricted_mean(times[s][target], budget))}"
        for v, s in series.points
    )
    return f"{head}: {verdict}; mean samples by {series.option}: {means}"
