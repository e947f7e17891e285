"""``run_all.py --list``: the registries and presets, readable at 100 columns.

A benchmark or algorithm is one line (its description, shortened to fit), with its options or
objective columns wrapped beneath; benchmarks unavailable for one reason are one group with the
reason once; a preset gives :func:`harness.presets.estimate` and names what it cannot run here.
"""

from __future__ import annotations

import re
import textwrap

from algorithms import registry as algorithms
from benchmarks import registry as benchmarks
from benchmarks.base import BenchmarkError
from benchmarks.objectives import describe_columns
from benchmarks.specs import SpecError

from .plugins import origin
from .presets import PRESETS, estimate, planned

WIDTH = 100
INDENT = 6  # of the lines beneath a name


def _line(name: str, text: str, note: str = "", column: int = 14) -> str:
    """``name`` in its column and ``text`` shortened so that the line, ``note`` included, fits
    :data:`WIDTH` (a plugin's path or a reason is never cut)."""
    head = f"  {name:{column}s} "
    room = max(20, WIDTH - len(head) - len(note))
    return head + textwrap.shorten(text, room, placeholder=" ...") + note


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=" " * INDENT, subsequent_indent=" " * INDENT)


def _summary(doc: str | None) -> str:
    """A docstring's first paragraph on one line, without reST markup."""
    text = re.sub(r"\s+", " ", (doc or "").strip().split("\n\n")[0]).replace("``", "")
    return text or "(no description)"


def _plugin(name: str) -> str:
    ref = origin(name)
    return f"  (plugin {ref})" if ref else ""


def _benchmarks() -> list[str]:
    out = ["Benchmarks:"]
    missing: dict[str, list[str]] = {}
    for name, entry in benchmarks.entries().items():
        if not entry.listed:
            continue
        reason = entry.unavailable()
        if not reason:
            try:
                bench = benchmarks.make(name)
            except (BenchmarkError, SpecError) as exc:
                reason = str(exc)
        if reason:
            missing.setdefault(reason, []).append(name)
            continue
        columns = describe_columns(bench)  # what objectives= may name (benchmarks/objectives.py)
        out.append(_line(name, bench.describe(), _plugin(name), column=27))
        if "," in columns:
            out += _wrapped(f"objective columns: {columns}")
    for reason, names in missing.items():
        out.append(f"  not available ({len(names)}): {', '.join(names)}")
        out += _wrapped(reason)
    return out


def _algorithms() -> list[str]:
    out = ["Algorithms:"]
    for name in algorithms.names():
        base, opts = algorithms.resolve(name)
        reason = algorithms.unavailable(base)
        note = (f"  [not available: {reason.split(';')[0]}]" if reason else "") + _plugin(name)
        variant = algorithms.REGISTRY.variants.get(name)
        if variant:
            out.append(_line(name, f"a named configuration of {variant.split(':')[0]}:", note))
            out += _wrapped(variant.replace(",", ", "))
            continue
        out.append(_line(name, _summary(algorithms.REGISTRY.entries[name].cls.__doc__), note))
        out += _wrapped(", ".join(f"{k}={v}" for k, v in {**algorithms.defaults(base), **opts}.items()))
    return out


def _presets() -> list[str]:
    out = ["Presets:"]
    for name, preset in PRESETS.items():
        est = estimate(name)
        size = f"{len(preset.benchmarks)} benchmarks x {len(planned(preset))} algorithms x {len(preset.seeds)} seeds"
        out.append(f"  {name:14s} {est.text()}")
        out += _wrapped(f"{preset.description}; {size}, budget {preset.budget:,}")
        if est.unavailable:
            out += _wrapped(f"not available here, left out of its runs: {', '.join(est.unavailable)}")
    return out


def list_all(workers: int) -> int:
    """Print the listing; ``workers`` is accepted for the command line's sake (estimates are stated
    for an idle 2-core machine, so that every place quotes the same number)."""
    del workers
    print("\n".join([*_benchmarks(), "", *_algorithms(), "", *_presets()]))
    return 0
