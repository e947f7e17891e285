"""``analyse(exp_dir)``: figures, CSV tables and ``report.md`` for one experiment folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import families, frames
from ..load import Experiment, load
from ..plots import ablation, figures, style
from ..stats import censored, tables
from . import answer, crossbench, multiobjective, oneshot, simtime
from .health import section
from .summary import family_sentences, md_table, target_rows, trend_sentence

CENSORING = (
    "**How to read the numbers.** A seed that does not reach a target within the budget is "
    "*censored*: we only know it needs more samples. It is never dropped. ECDFs keep it in the "
    "denominator; the *mean* is the restricted mean (a censored seed counts as the budget), a lower "
    "bound of the true mean, marked ≥ whenever any seed is censored (the mean over successes alone "
    "would be biased towards fast seeds; it is in the CSV as `mean_of_successes`); the *median* is the "
    "Kaplan-Meier median (with every censored seed at the budget, the ordinary median: the middle "
    'seed, or the mean of the two middle seeds), "not reached" when half the seeds or more are '
    "censored, as it then lies beyond the budget. A failed or stuck run counts as not reaching any "
    "target it had not reached before it stopped. The median's interval is the distribution-free "
    "order-statistic interval, with at least 95% coverage from 6 seeds up (below 6 seeds it is the "
    "range of the seeds, its lower coverage stated beside it); the other intervals are percentile "
    "bootstraps over seeds (2,000 resamples, `numpy.random.default_rng(0)`). Speed-up = "
    "restricted mean of `random` / restricted mean of the algorithm (> 1: fewer samples than random), "
    "with both groups resampled; when either side has censored seeds it is marked ~ (both means are "
    "lower bounds), as are the ratios in the summary. p = two-sided Mann-Whitney U on samples-to-target, "
    "censored seeds tied above every observed value, Holm-adjusted over the family it belongs to: every "
    'distinct pair of algorithms compared in one table ("p vs lanas" and "p vs best peer" together, each '
    "pair once, as the best peer is chosen on the same data), and every comparison of one summary sentence with its fastest algorithm (also "
    "chosen on the data); raw values are in the CSV (`*_raw`). The summary calls a difference decided only "
    "when the adjusted p < 0.05 and never ranks specs that reached a target in no seed. The Friedman test "
    "across benchmarks gives a permutation p below 10 benchmarks, the chi-square approximation from 10 on."
)


def _figure(rel: Path | None, caption: str) -> str:
    return f"![{rel.stem}]({rel.as_posix()})\n\n*{caption}*\n" if rel else ""


def _bench_section(exp: Experiment, bench: str, table: pd.DataFrame, look: dict, fig_dir: Path) -> list[str]:
    """A benchmark's section: what it is, its figures, a table per target, ablations, the partition."""
    times = tables.hitting_times(exp, bench)
    main = tables.main_specs(exp, bench, times)
    lines = _bench_intro(exp, bench, main)
    lines += _bench_figures(exp, bench, times, main, look, fig_dir)
    lines += _target_tables(exp, bench, table)
    lines += _ablation_lines(exp, bench, times, look, fig_dir)
    part = ablation.partition(exp, bench, look, fig_dir)
    if part:
        lines.append(
            _figure(
                part.relative_to(exp.path),
                "The learned partition: validation value of every architecture of the "
                "table by leaf of the final tree, leaves ordered by mean; below, the "
                "share of the table's top-1% architectures in each leaf.",
            )
        )
    return lines


def _bench_intro(exp: Experiment, bench: str, main: list[str]) -> list[str]:
    """The benchmark's heading, objective and size, and which specs the figures show."""
    specs = exp.specs(bench)
    info = exp.info(bench)
    size = f"{info['size']:,} architectures" if info.get("size") else "size unknown"
    lines = [
        f"## {bench}",
        "",
        f"{info.get('objective', 'objective')}, {size}; "
        f"{len(exp.runs_of(bench, specs[0]))} seeds per algorithm, budget {exp.budget:,} distinct samples.",
        "",
    ]
    if not exp.targets(bench):
        lines += [
            "No targets for this benchmark (not an enumerable table): regret is measured against the "
            "best value seen in any run, and samples-to-target is not computed.",
            "",
        ]
    if len(main) < len(specs):
        lines += [
            f"The ECDF and regret figures show one spec per algorithm family ({', '.join(f'`{s}`' for s in main)}): "
            "the option-less spec, or else the family's spec with the fewest mean samples to the optimum; "
            "every spec is in the efficiency figure, the tables and the variants figure.",
            "",
        ]
    return lines


def _bench_figures(exp: Experiment, bench: str, times: dict, main: list[str], look: dict, fig_dir: Path) -> list[str]:
    """The efficiency, ECDF and regret figures, and the LaNAS variants' ECDF where there are variants."""
    rel = lambda p: p.relative_to(exp.path) if p else None  # noqa: E731
    specs = exp.specs(bench)
    eff_specs = specs if len(specs) <= 30 else main
    lines = [
        _figure(
            rel(figures.efficiency(exp, bench, times, eff_specs, look, fig_dir)),
            "Search efficiency: distinct samples to the global optimum per algorithm (paper's "
            "figure). ◆ restricted mean with bootstrap 95% interval; dots: seeds; ▷: seeds that "
            "did not reach it within the budget.",
        ),
        _figure(
            rel(figures.ecdf(exp, bench, times, main, look, fig_dir)),
            "Samples-to-target ECDF: fraction of seeds that reached each target within n distinct "
            "samples (log x); censored seeds stay in the denominator, so a curve's end is the "
            "success rate.",
        ),
        _figure(rel(figures.regret(exp, bench, main, look, fig_dir)), _regret_caption(exp, bench, main)),
    ]
    variants = families.variant_specs(specs)
    if len(variants) >= 2 and set(variants) - set(main):
        peers = [s for s in specs if not families.is_family(s)]
        path = figures.ecdf(
            exp,
            bench,
            times,
            variants + peers,
            look,
            fig_dir,
            name="ecdf_lanas_variants",
            what=" (every LaNAS variant)",
            which=("optimum", "top0_1"),
            thick=frozenset(peers),
        )
        swept = len(variants) < len(families.variant_specs(specs, max_lines=10**6))
        lines.append(
            _figure(
                rel(path),
                "LaNAS variants against the other algorithms (thick lines): samples-to-target ECDF"
                + (
                    "; the height / Cp / n_init / rebuild_every sweeps are in the ablation figures below."
                    if swept
                    else "."
                ),
            )
        )
    return lines


def _regret_caption(exp: Experiment, bench: str, specs: list[str]) -> str:
    """The regret figure's caption, naming the panels it has."""
    regret = (
        "best-so-far regret (optimum − best validation value), median and inter-quartile band, log-log; "
        "regret 0 is drawn at the dotted floor"
    )
    if not figures.has_test_values(exp, bench, specs):
        return regret[0].upper() + regret[1:] + " (the table has no test value: one panel)."
    return f"Left: {regret}. Right: test value of the incumbent chosen by validation."


def _target_tables(exp: Experiment, bench: str, table: pd.DataFrame) -> list[str]:
    """A table per target: its value, random search's expectation, and every spec's numbers."""
    lines: list[str] = []
    for target in censored.TARGETS:
        sub = table[(table["benchmark"] == bench) & (table["target"] == target)] if len(table) else table
        if len(sub) == 0:
            continue
        header, rows = target_rows(sub, exp.budget)
        expect = tables.random_expectation(exp, bench, target)
        ties = (
            ""
            if not expect
            else (
                f"; random search expects (N+1)/(k+1) = {expect[0]:,.0f} samples, "
                f"k = {expect[1]:,} architecture{'s' if expect[1] > 1 else ''} reaching it"
            )
        )
        lines += [
            f"**{censored.TARGET_LABELS[target]}** (valid ≥ {sub['target_value'].iloc[0]:.6g}{ties})",
            "",
            md_table(header, rows),
            "",
        ]
    return lines


def _ablation_lines(exp: Experiment, bench: str, times: dict, look: dict, fig_dir: Path) -> list[str]:
    """One figure per ablation series, its caption ending with the trend in words."""
    lines = []
    rel = lambda p: p.relative_to(exp.path) if p else None  # noqa: E731
    for series in families.series(exp.specs(bench), exp.manifest.get("defaults")):
        default = (
            f"★ the default ({series.option} = {series.default}, spec `{series.reference}`)"
            if series.reference and series.default is not None
            else "dashed: the spec with the option at its default (its value unknown to this manifest)"
            if series.reference
            else "dashed vertical line: the default value, not run"
        )
        lines.append(
            _figure(
                rel(ablation.ablation(exp, bench, series, times, look, fig_dir)),
                f"Ablation: {series.label}. ◆ restricted mean samples-to-target with bootstrap 95% "
                f"interval, each seed a dot beside it (▷: not reached); n/N seeds reached; {default}; "
                "dotted: random. Numeric values are placed by value. "
                + (f"{trend_sentence(exp, bench, series, times)}." if exp.targets(bench) else ""),
            )
        )
    return lines


def analyse(exp_dir: Path | str) -> Path:
    """Write ``figures/*.png``, ``tables/*.csv`` and ``report.md`` under ``exp_dir``; return the
    report's path. Raises :class:`analysis.errors.AnalysisError` (one line) on an unusable folder."""
    exp = load(exp_dir)
    style.setup()
    fig_dir, table_dir = exp.path / "figures", exp.path / "tables"
    table_dir.mkdir(parents=True, exist_ok=True)
    look = style.looks(exp.specs())
    runs = tables.run_table(exp)
    health = tables.health_table(runs)
    table = frames.statistics(exp)  # the frame a notebook gets: the report prints what it holds
    runs.to_csv(table_dir / "runs.csv", index=False)
    health.to_csv(table_dir / "health.csv", index=False)
    table.to_csv(table_dir / "samples_to_target.csv", index=False)
    m = exp.manifest
    seeds = m.get("seeds") or sorted({r.seed for r in exp.runs})
    lines = [
        f"# Experiment `{exp.path.name}`",
        "",
        f"- command: `{' '.join(map(str, m.get('command', [])))}`",
        f"- created {m.get('created', '?')}, code revision `{str(m.get('revision', '?'))[:12]}`",
        f"- budget {exp.budget:,} distinct samples per run; {len(seeds)} seeds; {len(exp.runs)} runs on disk",
        f"- algorithms: {', '.join(f'`{s}`' for s in exp.specs())}",
        *([f"- {m['note']}"] if m.get("note") else []),
        "",
        *answer.section(exp, table_dir),
        "## Summary",
        "",
    ]
    lines += [f"- {s}" for s in family_sentences(exp, table)]
    lines += ["", CENSORING, ""]
    lines += oneshot.judged_note(exp)
    lines += section(health, exp.unreadable, {p: exp.runs_of(*p) for p in exp.never_ran()})
    for bench in exp.benchmarks():
        lines += _bench_section(exp, bench, table, look, fig_dir)
    lines += crossbench.section(exp, fig_dir, table_dir) + simtime.section(exp, fig_dir, table_dir)
    lines += oneshot.section(exp, fig_dir, table_dir) + multiobjective.section(exp, fig_dir, table_dir)
    lines += [
        "## Files",
        "",
        "Tables for notebooks: `tables/samples_to_target.csv` (one row per benchmark, "
        "target and algorithm), `tables/runs.csv` (one row per run), `tables/health.csv`; from Python, "
        "`harness.ExperimentFolder(path).proposals()` (a row per proposal) and `.statistics()` (the numbers "
        "above), see docs/python.md.",
        "",
    ]
    report = exp.path / "report.md"
    report.write_text("\n".join(lines))
    return report
