"""The report's run-health section: how runs ended, their tails to the optimum, their costs, and
what went wrong (errors, specs that never told a proposal, unreadable files)."""

from __future__ import annotations

import pandas as pd

from ..plots import style
from .summary import md_table


def _share(lo: float, hi: float | None = None) -> str:
    if lo != lo:
        return "–"
    if hi is None or hi == lo:
        return f"{100 * lo:.0f}%"
    return f"{100 * lo:.0f}–{100 * hi:.0f}%"


def section(health: pd.DataFrame, unreadable: list[str], never_ran: dict[tuple[str, str], list]) -> list[str]:
    """The run-health table (how runs ended, their tails and costs) and what went wrong."""
    limits = health["tail_limit"].dropna().unique() if "tail_limit" in health else []
    limit = f"{int(limits[0]):,}" if len(limits) == 1 else "3,000 (or the budget)"
    lines = [
        "## Run health and cost",
        "",
        _health_table(health, limit),
        "",
        f"The tail: the share of seeds that had not reached the global optimum within {limit} samples, "
        "and the share that needed more than 10x the median samples to it (a range when seeds censored at "
        "the budget may or may not lie beyond 10x the median; – when the median is not reached or the "
        "benchmark has no known optimum).",
        "",
    ]
    errors = health[health["first_error"] != ""]
    for h in errors.itertuples():
        lines.append(
            f"- `{h.spec}` on {h.benchmark}: {h.stuck + h.failed + h.other} run(s) did not end normally; "
            f"first error: `{h.first_error}`"
        )
    for bench, spec in never_ran:
        causes = "; ".join(f"seed {r.seed}: `{r.error or r.status}`" for r in never_ran[bench, spec])
        lines.append(
            f"- **`{spec}` on {bench} never told a proposal**, so it is left out of every figure and "
            f"statistic: {causes}"
        )
    for u in unreadable:
        lines.append(
            f"- **unreadable file, left out of every statistic**: `{u}` (delete it and re-run the same "
            "command to redo that run)"
        )
    lines += [
        "",
        "Wall time is per run (benchmark queries included); algo s is time spent in the "
        "algorithm's ask/tell. Timings depend on the machine and its load.",
        "",
    ]
    return lines


def _health_table(health: pd.DataFrame, limit: str) -> str:
    """A row per (benchmark, spec): how its runs ended, the tail to the optimum and the costs."""
    header = [
        "benchmark",
        "algorithm",
        "runs",
        "budget reached",
        "exhausted",
        "stuck",
        "failed",
        f"no optimum within {limit}",
        "beyond 10x median",
        "median wall s",
        "median algo s",
        "algo s / 1,000 samples",
    ]
    rows = [
        [
            h.benchmark,
            f"`{h.spec}`",
            h.runs,
            h.budget_reached,
            h.exhausted,
            f"**{h.stuck}**" if h.stuck else "0",
            f"**{h.failed}**" if h.failed else "0",
            _share(h.tail_beyond_limit),
            _share(h.tail_10x_lo, h.tail_10x_hi),
            style.fmt(h.median_wall_s),
            style.fmt(h.median_algo_s),
            style.fmt(h.algo_s_per_1000),
        ]
        for h in health.itertuples()
    ]
    return md_table(header, rows)
