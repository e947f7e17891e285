"""The report's "One-shot evaluation" section (numbers: :mod:`analysis.stats.oneshot`, figures:
:mod:`analysis.plots.oneshot`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..load import Experiment
from ..plots.files import file_safe
from ..plots.oneshot import cost_figure, scatter
from ..stats import oneshot
from .summary import md_table


def _fmt_at(at: pd.DataFrame) -> tuple[list[str], list[list]]:
    samples = sorted(at["samples"].unique())
    header = ["algorithm", "searched through"] + [f"{n:,} samples" for n in samples]
    rows = []
    for (spec, ev), g in at.groupby(["spec", "evaluator"], sort=False):
        cells = {r.samples: f"{r.true_valid_mean:.2f} ± {r.true_valid_sd:.2f}" for r in g.itertuples()}
        rows.append([f"`{spec}`", ev] + [cells.get(n, "–") for n in samples])
    return header, rows


def _ordered(frame: pd.DataFrame, specs: list[str]) -> pd.DataFrame:
    """Rows by evaluator (the truth first), then algorithm in the experiment's order, then samples."""
    rank = {"table": 0, "oneshot": 1, "fewshot": 2}
    key = (
        frame["evaluator"].map(lambda e: rank.get(e, 3)) * 10**6
        + frame["spec"].map(lambda s: specs.index(s) if s in specs else len(specs)) * 10**4
        + frame["samples"]
    )
    return frame.iloc[np.argsort(key.to_numpy(), kind="stable")]


def section(exp: Experiment, fig_dir: Path, table_dir: Path) -> list[str]:
    """Markdown lines of the section (empty when no benchmark was searched through a proxy)."""
    from benchmarks import fewshot

    lines: list[str] = []
    for base, group in oneshot.groups(exp).items():
        proxies = [ev for ev in group if ev != oneshot.TRUTH]
        lines += [
            f"## One-shot evaluation: {base}",
            "",
            "The paper's fourth question: what does searching through a weight-sharing supernet's estimate "
            "(one network holds every operation; a mask picks a cell) save, and what does it lose? The "
            f"estimates are those Zhao et al. (ICML 2021) published for every cell ({fewshot.CITATION}); "
            "`zc-*` are zero-cost proxies instead, scores of the untrained network (docs/zerocost.md). "
            "Every search is judged on the table's value of the cell it would return.",
            "",
        ]
        lines += _agreement_lines(exp, base, proxies, fig_dir, table_dir)
        lines += _returned_lines(exp, base, group, table_dir)
        lines += _two_stage_lines(exp, base, group, proxies, fig_dir, table_dir)
    return lines


def _agreement_lines(exp: Experiment, base: str, proxies: list[str], fig_dir: Path, table_dir: Path) -> list[str]:
    """How well each proxy ranks every cell of the table: a table and a scatter figure."""
    try:
        agreement = oneshot.rank_agreement(base, proxies)
    except Exception as exc:  # noqa: BLE001 - e.g. the table's package is missing where the report is drawn
        return [f"(rank agreement not computed: {type(exc).__name__}: {exc})".splitlines()[0], ""]
    if agreement is None:
        return []
    agreement.to_csv(table_dir / f"oneshot_agreement_{file_safe(base)}.csv", index=False)
    rows = [
        [
            r.evaluator,
            f"{r.cells:,}",
            f"{r.kendall_tau:.3f}",
            f"{r.spearman_rho:.3f}",
            f"{r.regret_best1:.2f}",
            f"{r.regret_best10:.2f}",
        ]
        for r in agreement.itertuples()
    ]
    figure = scatter(base, proxies, agreement, fig_dir / f"oneshot_scatter_{file_safe(base)}")
    return [
        "**Rank agreement with the truth over every cell the proxy scores** (regret: table optimum − true value of the "
        "proxy's best cell, and of the best of its 10 best; ties in the estimate in table order).",
        "",
        md_table(["proxy", "cells", "Kendall τ", "Spearman ρ", "regret of best 1", "regret of best 10"], rows),
        "",
        f"![proxy vs truth]({figure.relative_to(exp.path).as_posix()})",
        "",
        "*Each cell's supernet estimate against its table value.*",
        "",
    ]


def _returned_lines(exp: Experiment, base: str, group: dict[str, str], table_dir: Path) -> list[str]:
    """The true accuracy of the cell each search would return after n samples."""
    at = oneshot.at_samples(exp, group)
    if not len(at):
        return []
    at = _ordered(at, exp.specs())
    at.to_csv(table_dir / f"oneshot_at_samples_{file_safe(base)}.csv", index=False)
    header, rows = _fmt_at(at)
    return [
        "**What each search returns**: true validation accuracy (%) of the cell the search would return "
        "(its best by the value it saw) after n distinct samples, mean ± sd over seeds.",
        "",
        md_table(header, rows),
        "",
    ]


def _two_stage_lines(
    exp: Experiment, base: str, group: dict[str, str], proxies: list[str], fig_dir: Path, table_dir: Path
) -> list[str]:
    """Search through the proxy, then train the best k cells: final accuracy against GPU-hours."""
    stages = oneshot.two_stage(exp, base, group)
    if not len(stages):
        return []
    stages = _ordered(stages, exp.specs())
    stages.to_csv(table_dir / f"oneshot_two_stage_{file_safe(base)}.csv", index=False)
    hours = ", ".join(
        f"{ev}: {oneshot.setup_gpu_h(ev):.1f} once and {oneshot.query_s(ev):.3g} s a query" for ev in proxies
    )
    rows = [
        [
            f"`{r.spec}`",
            r.evaluator,
            f"{r.samples:,}",
            f"{r.final_true_valid:.2f} ± {r.final_sd:.2f}",
            f"{r.gpu_hours:.1f}",
        ]
        for r in stages.itertuples()
    ]
    figure = cost_figure(stages, fig_dir / f"oneshot_cost_{file_safe(base)}")
    return [
        f"**Two-stage flow** (one-shot LaNAS and the rest): search n samples through the proxy, then train "
        f"its best k cells from scratch (k = {', '.join(sorted({str(k) for k in stages['k'] if k}))}; a table "
        "lookup charged at the table's training time) and return the best; against searching on the "
        f"truth (every sample trained). Hours include the supernet's training and the proxy's queries ({hours}; "
        "supernets: GPU estimates from the released recipe and the table's per-epoch time, `benchmarks/fewshot.py`; "
        "zero-cost proxies: no training, CPU-seconds measured per cell, docs/zerocost.md).",
        "",
        md_table(["algorithm", "searched through", "samples", "final true accuracy (%)", "GPU-hours"], rows),
        "",
        f"![cost]({figure.relative_to(exp.path).as_posix()})",
        "",
        "*Final true accuracy against total GPU-hours, one point per sample count (100, 300, 1,000).*",
        "",
    ]


def judged_note(exp: Experiment) -> list[str]:
    """Which evaluator each benchmark was searched through; the judged value is always the truth."""
    rows = [[b, oneshot.searched_through(b)] for b in exp.benchmarks()]
    if all(r[1] == "the benchmark's own value" for r in rows) and not any(r.estimated for r in exp.runs):
        return []
    return [
        "**Searched and judged.** Every figure and table judges the cell a search would return (its best by the "
        "value it saw) on the benchmark's true value (column `true_valid`; `valid_mean` in older folders), "
        "so a noisy draw or a proxy's estimate that flatters a cell does not count. What each benchmark's "
        "searches saw:",
        "",
        md_table(["benchmark", "searched through"], [[f"`{b}`", w] for b, w in rows]),
        "",
    ]
