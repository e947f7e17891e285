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
        cover = getattr(r, "median_coverage", 0.95)
        if cover == cover and cover < 0.95 - 1e-9:  # too few seeds for 95%: say what it is
            med += f" ({100 * cover:.0f}% interval)"
        row = [f"`{r.spec}`", f"{r.reached}/{r.runs} ({100 * r.success:.0f}%)",
               f"{ge}{fmt(r.mean)} {_interval(r.mean_lo, r.mean_hi)}", med,
               speed, _p(getattr(r, "p_vs_lanas", np.nan))]
        if peer:
            bp = getattr(r, "best_peer", None)
            row.append(f"{_p(r.p_vs_best_peer)} (vs `{bp}`)" if isinstance(bp, str) else "–")
        rows.append(row)
    return header, rows


ALPHA = 0.05  # a difference is stated as decided only below this Mann-Whitney p


def _describe(r: pd.Series) -> str:
    ge = "≥" if r["mean_censored"] else ""
    return f"mean {ge}{fmt(r['mean'])} samples, {r['reached']}/{r['runs']} seeds reached"


def _ratio(r: pd.Series, best: pd.Series) -> str:
    """``r``'s restricted mean over ``best``'s; ``~`` when either is a lower bound (censored)."""
    mark = "~" if r["mean_censored"] or best["mean_censored"] else ""
    return f"{mark}{r['mean'] / best['mean']:.2f}x"


def _versus(r: pd.Series, best: pd.Series, p: float) -> str:
    verdict = "more" if p < ALPHA else "as many, a difference these seeds do not decide"
    return f"`{r['spec']}` needs {_ratio(r, best)} {verdict} ({_describe(r)}; Mann-Whitney p {_p(p)})"


def _all_failed(exp: Experiment, bench: str) -> list[str]:
    return [s for s in exp.specs(bench) if all(r.status == "failed" for r in exp.runs_of(bench, s))]


def _open_clause(exp: Experiment, bench: str) -> str:
    failed = set(_all_failed(exp, bench))
    finals = {}
    for spec in (s for s in exp.specs(bench) if s not in failed):
        last = np.array([r.best[-1] for r in exp.runs_of(bench, spec)], dtype=float)
        if np.isfinite(last).any():
            finals[spec] = float(np.nanmedian(last))
    if not finals:
        return f"on {bench} no run produced a value"
    best = max(finals, key=lambda s: finals[s])
    return (f"on {bench} (no known optimum) `{best}` has the highest median final validation value "
            f"({finals[best]:.4g}; differences are not tested)")


def _clause(exp: Experiment, bench: str, table: pd.DataFrame) -> str:
    """What the data decide on one benchmark: the fastest spec to the strictest target anyone
    reached, whether the next is decidedly slower, who never reached it (unranked), and how LaNAS
    stands; ratios of censored means carry ``~`` as in the tables."""
    sub = table[table["benchmark"] == bench] if len(table) else table
    if len(sub) == 0:
        return _open_clause(exp, bench)
    failed = _all_failed(exp, bench)
    sub = sub[~sub["spec"].isin(failed)]
    reached = sub.groupby("target")["reached"].sum()
    target = next((t for t in stats.TARGETS if reached.get(t, 0) > 0), None)
    tail = f"; every run of {', '.join(f'`{s}`' for s in failed)} failed (see run health)" if failed else ""
    if target is None:
        return (f"on {bench} no algorithm reached even the {stats.TARGET_LABELS[stats.TARGETS[-1]]} "
                f"within {exp.budget:,} samples in any seed" + tail)
    sub = sub[sub["target"] == target].assign(_neg=lambda d: -d["success"]).sort_values(["mean", "_neg"])
    hits, zero = sub[sub["reached"] > 0], list(sub.loc[sub["reached"] == 0, "spec"])
    times = {s: v[target] for s, v in tables.hitting_times(exp, bench).items()}
    pval = lambda a, b: stats.mann_whitney(times[a], times[b], exp.budget)  # noqa: E731
    label = stats.TARGET_LABELS[target]
    best = hits.iloc[0]
    if len(hits) == 1:
        text = f"on {bench} only `{best['spec']}` reached the {label} ({_describe(best)})"
    else:
        text = f"on {bench} `{best['spec']}` reaches the {label} in the fewest samples ({_describe(best)}"
        text += f"; best of {len(sub)} specs, optimistic with few seeds)" if len(sub) > 5 else ")"
        second = hits.iloc[1]
        text += "; next, " + _versus(second, best, pval(second["spec"], best["spec"]))
    said = set(hits["spec"].iloc[:2])
    peers = [s for s in hits["spec"] if not ablation.is_family(s)]
    if ablation.is_family(best["spec"]) and peers and peers[0] not in said:
        r = hits[hits["spec"] == peers[0]].iloc[0]
        text += "; the fastest other algorithm: " + _versus(r, best, pval(peers[0], best["spec"]))
        said.add(peers[0])
    for spec in tables.main_specs(exp, bench):
        if ablation.is_family(spec) and spec not in said and spec in set(hits["spec"]):
            r = hits[hits["spec"] == spec].iloc[0]
            text += "; " + _versus(r, best, pval(spec, best["spec"]))
    if zero:
        text += f"; not reached in any seed by {', '.join(f'`{s}`' for s in zero)} (not ranked)"
    return text + tail


def family_sentences(exp: Experiment, table: pd.DataFrame) -> list[str]:
    """One sentence per benchmark family (``nb201/...`` -> ``nb201``), LaNAS's standing stated
    whether it is good or bad."""
    families: dict[str, list[str]] = {}
    for bench in exp.benchmarks():
        families.setdefault(bench.split("/")[0], []).append(bench)
    return [f"**{fam}**: " + "; ".join(_clause(exp, b, table) for b in benches) + "."
            for fam, benches in families.items()]
