"""Find ablation series among the specs of an experiment (paper, research question 3).

A series is a set of specs of one base algorithm that differ in exactly one option (``height``,
``cp``, ``n_init``, ``rebuild_every``, ``sampler``, ``split``, ...) with every other option equal.
The spec with those other options and the varied one left at its default (e.g. plain ``lanas``
for the series ``lanas:height=1..8``) is the series' reference, when present; with the
algorithm's defaults (the manifest's ``defaults``, written by the experiment, since analysis never
imports the algorithms) it is also a point of the series, at the default value. Spec names are
canonical (an option at its default is dropped), so ``lanas:height=5`` is stored as ``lanas``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.specs import SpecError, format_spec, parse_spec

MAX_MAIN = 8  # beyond this many specs, the main figures show one spec per algorithm family


def split(spec: str) -> tuple[str, dict[str, Any]]:
    try:
        return parse_spec(spec)
    except SpecError:
        return spec, {}


def family(spec: str) -> str:
    return split(spec)[0]


@dataclass(frozen=True)
class Series:
    family: str
    option: str
    fixed: tuple[tuple[str, Any], ...]  # the options shared by every spec of the series
    points: tuple[tuple[Any, str], ...]  # (value of the option, spec), values in order
    reference: str | None  # spec with only the fixed options (the varied one at its default)
    default: Any = None  # the option's default value, when known (the reference is then a point)

    def is_default(self, value: Any, spec: str) -> bool:
        """Whether the point (value, spec) is the default configuration (known defaults only)."""
        return self.default is not None and (spec == self.reference or _order(value) == _order(self.default))

    @property
    def numeric(self) -> bool:
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v, _ in self.points)

    @property
    def label(self) -> str:
        fixed = format_spec(self.family, dict(self.fixed))
        return f"{fixed} varying {self.option}"


def _order(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool) or value is None:
        return (1, str(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value))


def series(specs: list[str], defaults: dict[str, dict[str, Any]] | None = None) -> list[Series]:
    """Every one-option ablation series (two or more values, the default included) among ``specs``;
    ``defaults[name][option]`` is the default value of an algorithm's option (manifest)."""
    parsed = {s: split(s) for s in specs}
    found: list[Series] = []
    for fam in sorted({name for name, _ in parsed.values()}):
        members = {s: opts for s, (name, opts) in parsed.items() if name == fam}
        keys = sorted({k for opts in members.values() for k in opts})
        for key in keys:
            groups: dict[tuple, list[tuple[Any, str]]] = {}
            for s, opts in members.items():
                if key in opts:
                    fixed = tuple(sorted((k, v) for k, v in opts.items() if k != key))
                    groups.setdefault(fixed, []).append((opts[key], s))
            for fixed, points in groups.items():
                ref = next((s for s, o in members.items() if o == dict(fixed)), None)
                default = (defaults or {}).get(fam, {}).get(key, _MISSING)
                if (
                    ref is not None
                    and default is not _MISSING
                    and _order(default) not in {_order(v) for v, _ in points}
                ):
                    points = points + [(default, ref)]
                if len({_order(v) for v, _ in points}) < 2:
                    continue
                found.append(
                    Series(
                        fam,
                        key,
                        fixed,
                        tuple(sorted(points, key=lambda p: _order(p[0]))),
                        ref,
                        None if default is _MISSING else default,
                    )
                )
    return found


_MISSING = object()


def main_specs(specs: list[str], score: dict[str, float] | None = None) -> list[str]:
    """The specs drawn in the main figures: all of them when few; otherwise one per algorithm
    family: its option-less spec, or else its best by ``score`` (lower is better; e.g. mean samples
    to the optimum), the report saying so. Every variant still appears in the variants figures."""
    if len(specs) <= MAX_MAIN:
        return list(specs)
    score = score or {}
    chosen: list[str] = []
    for fam in dict.fromkeys(family(s) for s in specs):
        members = [s for s in specs if family(s) == fam]
        chosen.append(fam if fam in members else min(members, key=lambda s: score.get(s, float("inf"))))
    return chosen


#: options swept by the ablation preset; their sweeps have figures of their own
SWEPT = ("height", "cp", "n_init", "rebuild_every")


def variant_specs(specs: list[str], base: str = "lanas", max_lines: int = 10) -> list[str]:
    """Every spec of the ``base`` family, named variants (``lanas-plus``) included.

    With more than ``max_lines`` of them, the single-option sweeps of ``SWEPT`` are left out
    (the ablation figures show them), keeping the method variants (sampler, split, named ones).
    """
    members = [s for s in specs if is_family(s, base)]
    if len(members) <= max_lines:
        return members
    return [s for s in members if not (set(parse_spec(s)[1]) & set(SWEPT))]


def is_family(spec: str, base: str = "lanas") -> bool:
    name = family(spec)
    return name == base or name.startswith(base + "-")
