"""Spec strings ``name[:key=value,...]`` shared by the benchmark and algorithm registries."""
from __future__ import annotations

import re
from typing import Any

_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SpecError(ValueError):
    """A malformed spec string or option; the message is one line meant for the user."""


def parse_value(text: str) -> Any:
    low = text.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"lanas:height=8,cp=0.5"`` -> ``("lanas", {"height": 8, "cp": 0.5})``."""
    if not isinstance(spec, str) or not spec.strip():
        raise SpecError(f"empty spec {spec!r}: expected name[:key=value,...]")
    name, sep, rest = spec.strip().partition(":")
    if not _NAME.match(name):
        raise SpecError(f"bad name {name!r} in spec {spec!r}")
    options: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))) if rest else ():
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not _KEY.match(key) or not value:
            raise SpecError(f"bad option {part!r} in spec {spec!r}: expected key=value")
        if key in options:
            raise SpecError(f"option {key!r} given twice in spec {spec!r}")
        options[key] = parse_value(value)
    if sep and not options:
        raise SpecError(f"spec {spec!r} has a ':' but no options")
    return name, options


def format_spec(name: str, options: dict[str, Any]) -> str:
    """Canonical spec string: options sorted by key, so equal configurations share a name."""
    if not options:
        return name
    return name + ":" + ",".join(f"{k}={options[k]}" for k in sorted(options))


def canonical_spec(spec: str) -> str:
    return format_spec(*parse_spec(spec))
