"""Figure files, the one way every figure of the report is written: in each format of
``--figure-format png pdf svg`` (``run_all.py`` and ``python -m analysis``; default png), with
fonts embedded (TrueType in PDF/PS, glyphs as paths in SVG) so a figure drops into a paper as
is, under a name made safe by :func:`file_safe` (the report's CSV tables are named so too)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CHOICES = ("png", "pdf", "svg")
#: fonts embedded: TrueType (42) instead of Type 3 in PDF/PS; SVG text drawn as paths
EMBED = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path"}
_FORMATS = ["png"]


def set_formats(formats: list[str]) -> None:
    bad = [f for f in formats if f not in CHOICES]
    if bad or not formats:
        raise ValueError(f"bad figure format {bad[0] if bad else ''!r}: choose from {', '.join(CHOICES)}")
    _FORMATS[:] = list(dict.fromkeys(formats))


def formats() -> list[str]:
    return list(_FORMATS)


def file_safe(name: str) -> str:
    """A benchmark or spec name inside an output file name (figures, tables)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def save(fig: plt.Figure, stem: Path) -> Path:
    """Write ``stem.<fmt>`` for every chosen format and close the figure; return the file the
    report links (the png when png is chosen, else the first format's file)."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context(EMBED):  # type: ignore[arg-type]  # matplotlib stubs: keys typed as literals
        for fmt in _FORMATS:
            paths.append(stem.with_name(f"{stem.name}.{fmt}"))
            fig.savefig(paths[-1], bbox_inches="tight")
    plt.close(fig)
    return next((p for p in paths if p.suffix == ".png"), paths[0])
