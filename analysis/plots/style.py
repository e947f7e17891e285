"""One look for every figure: a stable colour, line style and marker per algorithm spec.

Known algorithms keep fixed looks in every experiment (LaNAS vermillion, random grey, ...); other
specs (variants, new baselines) take the next free colour of a fixed palette in sorted order, and
a line style cycles with it so that many variants stay distinguishable. Figures are written by
:func:`analysis.plots.files.save`.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

#: the known algorithms' looks, the same in every experiment: Okabe & Ito's colour-blind-safe
#: palette (plus grey for random and three of Paul Tol's for the slow peers), each with its own line
#: style and marker, so that no two lines rely on colour alone (tests/analysis/test_style.py)
FIXED_LOOKS = {
    "lanas": ("#D55E00", "-", "o"),
    "lanas-gp": ("#000000", "-", "s"),
    "lanas-plus": ("#CC79A7", "--", "^"),
    "lanas-release": ("#56B4E9", "-.", "v"),
    "optuna-tpe": ("#0072B2", "-", "D"),
    "local-search": ("#999933", "--", "P"),
    "evolution": ("#009E73", "-", "X"),
    "mcts": ("#E69F00", "-.", "*"),
    # dotted, as the reference line, so that curves that overlap (random under evolution at small
    # budgets) stay apart in greyscale too
    "random": ("#7F7F7F", ":", "h"),
    "optuna-gp": ("#882255", "--", "p"),
    "bananas": ("#332288", ":", "d"),
}
FIXED = {name: look[0] for name, look in FIXED_LOOKS.items()}
# none of them near a fixed colour (CIE76 distance >= 24; tests/analysis/test_report.py)
PALETTE = ("#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf", "#ffbb78", "#98df8a", "#c5b0d5", "#dbdb8d", "#9edae5")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
TARGET_COLOURS = {"optimum": "#000000", "top0_1": "#555555", "top1": "#999999"}


@dataclass(frozen=True)
class Look:
    colour: str
    linestyle: str
    marker: str
    #: where on a curve the markers start, in eighths of their spacing: each spec its own, so the
    #: markers of two curves that lie on each other alternate instead of hiding each other
    phase: int = 0

    def markevery(self, step: int) -> tuple[int, int]:
        """Matplotlib's ``markevery`` for a marker every ``step`` points, shifted by the phase."""
        return (self.phase * step // 8) % step, step


def looks(specs: list[str]) -> dict[str, Look]:
    """A stable :class:`Look` per spec: fixed for known names, palette order for the rest."""
    out: dict[str, Look] = {}
    others = sorted(s for s in set(specs) if s not in FIXED)
    fixed = sorted(s for s in set(specs) if s in FIXED)
    for i, spec in enumerate(fixed):
        colour, linestyle, marker = FIXED_LOOKS[spec]
        out[spec] = Look(colour, linestyle, marker, i % 8)
    used = {(lk.linestyle, lk.marker) for lk in out.values()}
    for i, spec in enumerate(others):
        linestyle = LINESTYLES[(i // len(PALETTE) + (i % 2)) % len(LINESTYLES)]
        # the first marker that no other spec draws with this line style (while one is left)
        free = [m for k in range(len(MARKERS)) if (linestyle, m := MARKERS[(i + 1 + k) % len(MARKERS)]) not in used]
        marker = free[0] if free else MARKERS[(i + 1) % len(MARKERS)]
        used.add((linestyle, marker))
        out[spec] = Look(PALETTE[i % len(PALETTE)], linestyle, marker, (len(fixed) + i) % 8)
    return out


def legend_below(fig, axes) -> None:
    """One legend for all panels, centred below them (never over data)."""
    handles, labels = {}, []
    for ax in np.ravel(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    if handles:
        fig.legend(
            [handles[lab] for lab in labels],
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(len(labels), 5),
            frameon=False,
            handlelength=3,
        )


def setup() -> None:
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.fontsize": 9,
            "legend.framealpha": 0.85,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def log_subs(lo: float, hi: float) -> tuple[float, ...]:
    """Labelled multiples per decade so that labels never crowd: 1, 2, 5 over two decades at most,
    1 and 3 up to three and a half, else powers of ten only."""
    decades = np.log10(max(hi, 1e-300) / max(lo, 1e-300))
    return (1.0, 2.0, 5.0) if decades <= 2.05 else (1.0, 3.0) if decades <= 3.5 else (1.0,)


def plain_log_ticks(axis, lo: float | None = None, hi: float | None = None) -> None:
    """Label a log axis 1, 2, 5, 10, 20, 50, ... instead of 2x10^1 (readable at a glance); given the
    axis range, fewer labels per decade where it spans many (see :func:`log_subs`)."""
    subs = (1.0, 2.0, 5.0) if lo is None or hi is None else log_subs(lo, hi)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def fmt(x: float, digits: int = 3) -> str:
    """Compact number for tables and labels: 1,234 / 12.3 / 0.0123; inf -> '> budget'."""
    if x is None or x != x:
        return "–"
    if x == float("inf"):
        return "not reached"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def seeds_label(runs: dict) -> str:
    """'5 seeds' when every algorithm has as many runs; '1-5 seeds per algorithm' when they differ
    (a title must not show one algorithm's count for all)."""
    counts = sorted({len(r) for r in runs.values()})
    if not counts:
        return "0 seeds"
    if len(counts) == 1:
        return f"{counts[0]} seed{'s' if counts[0] != 1 else ''}"
    return f"{counts[0]}-{counts[-1]} seeds per algorithm"
