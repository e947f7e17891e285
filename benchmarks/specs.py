"""Spec strings ``name[:key=value,...]`` shared by the benchmark and algorithm registries, and
the typed options behind them (what both registries share besides: :mod:`benchmarks.registration`).

An option's type comes from its constructor (or factory) signature: the annotation when it
resolves to ``bool``, ``int``, ``float``, ``str``, a ``Literal[...]`` (its values are the
choices) or a union of those with ``None``; else the type of the default. Where the type is not
enough, a registration declares the allowed values in one line, e.g.
``@register("x", limits={"height": at_least(1), "cp": at_least(0), "mode": one_of("a", "b")})``.
A value is checked against both before any run starts; a bad one is a :class:`SpecError` whose
one-line message names the option and what it accepts.
"""

from __future__ import annotations

import difflib
import inspect
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^[+-]?[0-9]+$")
_TRUE, _FALSE, _NONE = ("true", "yes", "on", "1"), ("false", "no", "off", "0"), ("none", "null")


def did_you_mean(name: str, known: list[str]) -> str | None:
    """ "did you mean 'x'?" for the names of ``known`` close to ``name`` (``difflib``), else None."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(map(repr, close))}?" if close else None


def unknown_name(what: str, name: str, known: list[str]) -> str:
    """One line for a name that is not among ``known``: the close ones, else every known name."""
    hint = did_you_mean(name, known)
    return f"unknown {what} {name!r}; " + (hint or f"known: {', '.join(known) or 'none'}")


class SpecError(ValueError):
    """A malformed spec string or option; the message is one line meant for the user."""


# ----- spec strings --------------------------------------------------------------------------
def split_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"lanas:height=8,cp=0.5"`` -> ``("lanas", {"height": "8", "cp": "0.5"})`` (values as typed)."""
    if not isinstance(spec, str) or not spec.strip():
        raise SpecError(f"empty spec {spec!r}: expected name[:key=value,...]")
    name, sep, rest = spec.strip().partition(":")
    if not _NAME.match(name):
        raise SpecError(f"bad name {name!r} in spec {spec!r}")
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))) if rest else ():
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not _KEY.match(key) or not value:
            raise SpecError(f"bad option {part!r} in spec {spec!r}: expected key=value")
        if key in options:
            raise SpecError(f"option {key!r} given twice in spec {spec!r}")
        options[key] = value
    if sep and not options:
        raise SpecError(f"spec {spec!r} has a ':' but no options")
    return name, options


def parse_value(text: str) -> Any:
    """An untyped value: bool, None, int, float or else the text."""
    low = text.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in _NONE:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"lanas:height=8,cp=0.5"`` -> ``("lanas", {"height": 8, "cp": 0.5})`` (values untyped)."""
    name, raw = split_spec(spec)
    return name, {k: parse_value(v) for k, v in raw.items()}


def format_value(value: Any) -> str:
    if isinstance(value, float) and not isinstance(value, bool):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text  # cp=1 and cp=1.0 are one name
    return str(value)


def format_spec(name: str, options: Mapping[str, Any]) -> str:
    """Spec string with options sorted by key, so equal configurations share a name."""
    if not options:
        return name
    return name + ":" + ",".join(f"{k}={format_value(options[k])}" for k in sorted(options))


# ----- typed options -------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """Allowed numbers: ``low <= x`` (``low < x`` when ``open_low``) and ``x <= high``."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False

    def allows(self, x: float) -> bool:
        if self.low is not None and (x <= self.low if self.open_low else x < self.low):
            return False
        return self.high is None or x <= self.high

    def __str__(self) -> str:
        low = None if self.low is None else f"{'>' if self.open_low else '>='} {format_value(self.low)}"
        if self.high is None:
            return low or ""
        return f"<= {format_value(self.high)}" if low is None else f"{low} and <= {format_value(self.high)}"


def at_least(low: float) -> Range:
    return Range(low)


def above(low: float) -> Range:
    return Range(low, open_low=True)


def between(low: float, high: float) -> Range:
    return Range(low, high)


def one_of(*values: Any) -> tuple:
    """The only values an option accepts (a tuple; ``Literal[...]`` annotations give the same)."""
    return tuple(values)


Limit = Range | tuple
_KINDS = {bool: "true or false (also yes/no, on/off, 1/0)", int: "an integer", float: "a finite number", str: "text"}


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    kinds: tuple[type, ...]  # accepted types, tried in this order; empty = untyped
    optional: bool = False  # "none" is accepted
    limit: Limit | None = None

    def allowed(self) -> str:
        if isinstance(self.limit, tuple):
            text = "one of " + ", ".join(format_value(v) for v in self.limit)
        else:
            text = " or ".join(_KINDS[k] for k in self.kinds) or "any value"
            if self.limit is not None:
                text += f" {self.limit}"
        return text + (" or none" if self.optional else "")

    def coerce(self, text: str) -> Any:
        """The typed value of ``text``; raises SpecError when it is not allowed."""
        value = self._convert(text)
        if value is None or self.limit is None:
            return value
        ok = value in self.limit if isinstance(self.limit, tuple) else self.limit.allows(value)
        if not ok:
            raise SpecError(f"{self.name}={text} is not allowed: {self.name} must be {self.allowed()}")
        return value

    def _convert(self, text: str) -> Any:
        low = text.lower()
        if self.optional and low in _NONE:
            return None
        if not self.kinds:
            return parse_value(text)
        for kind in self.kinds:
            if kind is bool and low in _TRUE + _FALSE:
                return low in _TRUE
            if kind is int and _INT.match(text):
                return int(text)
            if kind is float:
                try:
                    number = float(text)
                except ValueError:
                    continue
                if math.isfinite(number):
                    return number
            if kind is str:
                return text
        raise SpecError(f"{self.name}={text} is not allowed: {self.name} must be {self.allowed()}")


def _kinds(annotation: Any) -> tuple[tuple[type, ...], bool, tuple | None]:
    """(types, accepts None, Literal choices) of an annotation; ((), False, None) when unknown."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        kinds = tuple(dict.fromkeys(type(v) for v in values if v is not None))
        return kinds, None in values, tuple(v for v in values if v is not None)
    members = typing.get_args(annotation) if origin in (typing.Union, types.UnionType) else (annotation,)
    optional = type(None) in members or None in members
    kinds = tuple(m for m in (bool, int, float, str) if m in members)
    if len(kinds) + optional < len(members):  # something else (a tuple, a class): not typed here
        return (), False, None
    return kinds, optional, None


def typed_parameters(
    factory: Callable[..., Any], limits: Mapping[str, Limit] | None = None, keyword_only: bool = False
) -> dict[str, Option]:
    """The typed options of a constructor or factory (``keyword_only``: only those after ``*``)."""
    try:
        params = inspect.signature(factory, eval_str=True).parameters
    except (NameError, TypeError, SyntaxError):  # an annotation that does not resolve here
        params = inspect.signature(factory).parameters
    out: dict[str, Option] = {}
    for name, p in params.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or (keyword_only and p.kind is not p.KEYWORD_ONLY):
            continue
        default = None if p.default is p.empty else p.default
        kinds, optional, choices = ((), False, None) if isinstance(p.annotation, str) else _kinds(p.annotation)
        if not kinds and p.default is not p.empty and type(default) in _KINDS:
            kinds = (type(default),)
        optional = optional or (default is None and p.default is not p.empty)
        limit = (limits or {}).get(name, choices)
        out[name] = Option(name, default, kinds, optional, limit)
    return out


def typed_options(what: str, name: str, raw: Mapping[str, str], options: Mapping[str, Option]) -> dict[str, Any]:
    """Check and type the raw options of spec ``name``; ``what`` is "algorithm" or "benchmark"."""
    out: dict[str, Any] = {}
    for key, text in raw.items():
        if key not in options:
            hint = did_you_mean(key, list(options))
            listed = f" (options: {', '.join(options) or 'none'})"
            raise SpecError(f"{what} {name!r} has no option {key!r}" + (f"; {hint}" if hint else listed))
        try:
            out[key] = options[key].coerce(text)
        except SpecError as exc:
            raise SpecError(f"{what} {name!r}: {exc}") from None
    return out


def without_defaults(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The options that differ from ``defaults`` (so equal configurations get one name)."""
    return {
        k: v
        for k, v in values.items()
        if not (k in defaults and v == defaults[k] and isinstance(v, bool) == isinstance(defaults[k], bool))
    }
