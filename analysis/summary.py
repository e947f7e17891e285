"""Markdown tables and the report's summary sentences (one per benchmark family)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import ablation, stats, tables
from .load import Experiment
from .style import fmt


def md_table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _interval(lo: float, hi: float) -> str:
    return f"[{fmt(lo)}, {fmt(hi)}]".replace("not reached", "> budget")


def _p(p: float) -> str:
    if p is None or p != p:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def target_rows(sub: pd.DataFrame, budget: int) -> tuple[list[str], list[list]]:
    """The markdown rows of one (benchmark, target) table."""
    header = ["algorithm", "reached", "mean samples [95% CI]", "median (KM) [95% CI]",
              "speed-up vs random [95% CI]", "p vs lanas"]
    peer = "best_peer" in sub and sub["best_peer"].notna().any()
    if peer:
        header.append("p vs best peer")
    rows = []
    for r in sub.itertuples():
        ge = "≥" if r.mean_censored else ""
        speed = "–"
        if getattr(r, "speedup", None) == getattr(r, "speedup", None) and hasattr(r, "speedup"):
            mark = "~" if r.speedup_censored else ""
            speed = f"{mark}{r.speedup:.2f}x [{r.speedup_lo:.2f}, {r.speedup_hi:.2f}]"
        med = f"not reached (> {budget:,})" if np.isinf(r.median_lo) else (
            f"{'not reached' if np.isinf(r.median) else fmt(r.median)} {_interval(r.median_lo, r.median_hi)}")
        row = [f"`{r.spec}`", f"{r.reached}/{r.runs} ({100 * r.success:.0f}%)",
               f"{ge}{fmt(r.mean)} {_interval(r.mean_lo, r.mean_hi)}", med,
               speed, _p(getattr(r, "p_vs_lanas", np.nan))]
        if peer:
            bp = getattr(r, "best_peer", None)
            row.append(f"{_p(r.p_vs_best_peer)} (vs `{bp}`)" if isinstance(bp, str) else "–")
        rows.append(row)
    return header, rows


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _describe(r: pd.Series) -> str:
    ge = "≥" if r["mean_censored"] else ""
    return f"mean {ge}{fmt(r['mean'])} samples, {r['reached']}/{r['runs']} seeds reached"


def _clause(exp: Experiment, bench: str, table: pd.DataFrame) -> str:
    sub = table[table["benchmark"] == bench] if len(table) else table
    if len(sub) == 0:
        finals = {s: np.nanmedian([r.best[-1] for r in exp.runs_of(bench, s)]) for s in exp.specs(bench)}
        best = max(finals, key=lambda s: finals[s])
        return (f"on {bench} (no known optimum) `{best}` has the highest median final validation value "
                f"({finals[best]:.4g})")
    reached = sub.groupby("target")["reached"].sum()
    target = next((t for t in stats.TARGETS if reached.get(t, 0) > 0), stats.TARGETS[-1])
    sub = sub[sub["target"] == target].assign(_neg=lambda d: -d["success"]).sort_values(["mean", "_neg"])
    times = {s: v[target] for s, v in tables.hitting_times(exp, bench).items()}
    label = stats.TARGET_LABELS[target]
    best = sub.iloc[0]
    text = f"on {bench} `{best['spec']}` reaches the {label} in the fewest samples ({_describe(best)}"
    specs = list(sub["spec"])
    text += f"; best of {len(specs)} specs, optimistic with few seeds)" if len(specs) > 5 else ")"
    if len(sub) > 1:
        second = sub.iloc[1]
        p = stats.mann_whitney(times[best["spec"]], times[second["spec"]], exp.budget)
        text += (f"; the runner-up `{second['spec']}` needs {second['mean'] / best['mean']:.2f}x as many "
                 f"({_describe(second)}; Mann-Whitney p {_p(p)})")
    peers = [s for s in specs if not ablation.is_family(s)]
    if ablation.is_family(best["spec"]) and peers and peers[0] not in specs[:2]:
        r = sub[sub["spec"] == peers[0]].iloc[0]
        p = stats.mann_whitney(times[peers[0]], times[best["spec"]], exp.budget)
        text += (f"; the best other algorithm, `{peers[0]}`, needs {r['mean'] / best['mean']:.2f}x as many "
                 f"({_describe(r)}; p {_p(p)})")
    for spec in tables.main_specs(exp, bench):
        if not ablation.is_family(spec) or spec in specs[:2]:  # best and runner-up are described
            continue
        r = sub[sub["spec"] == spec].iloc[0]
        p = stats.mann_whitney(times[spec], times[best["spec"]], exp.budget)
        text += (f"; `{spec}` ranks {_ordinal(specs.index(spec) + 1)} of {len(specs)} and needs "
                 f"{r['mean'] / best['mean']:.2f}x as many ({_describe(r)}; p {_p(p)})")
    return text


def family_sentences(exp: Experiment, table: pd.DataFrame) -> list[str]:
    """One sentence per benchmark family (``nb201/...`` -> ``nb201``), LaNAS's standing stated
    whether it is good or bad."""
    families: dict[str, list[str]] = {}
    for bench in exp.benchmarks():
        families.setdefault(bench.split("/")[0], []).append(bench)
    return [f"**{fam}**: " + "; ".join(_clause(exp, b, table) for b in benches) + "."
            for fam, benches in families.items()]
