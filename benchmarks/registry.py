"""Benchmarks register a factory under a name; everything else (CLI, tests) iterates over it.

Every module of the ``benchmarks`` package is imported on first use, so a new benchmark is
one file that calls :func:`register`.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .base import Benchmark, BenchmarkError
from .spec import SpecError, format_spec, parse_spec


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Benchmark]
    family: str
    #: returns None when the benchmark can be built here, else a one-line reason (missing file)
    available: Callable[[], str | None] = lambda: None
    embedded: bool = True


_REGISTRY: dict[str, Entry] = {}
_LOADED = False


def register(name: str, factory: Callable[..., Benchmark], *, available: Callable[[], str | None] | None = None,
             embedded: bool = True) -> None:
    _REGISTRY[name] = Entry(name, factory, name.split("/")[0], available or (lambda: None), embedded)


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module("benchmarks")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("base", "registry", "spec") and not info.name.startswith("_"):
            importlib.import_module(f"benchmarks.{info.name}")


def entries() -> dict[str, Entry]:
    _load_all()
    return dict(_REGISTRY)


def names(embedded_only: bool = False) -> list[str]:
    return [n for n, e in entries().items() if e.embedded or not embedded_only]


def check(spec: str) -> str:
    """Validate a benchmark spec without loading data; returns its canonical form."""
    name, options = parse_spec(spec)
    entry = entries().get(name)
    if entry is None:
        known = ", ".join(sorted(entries()))
        raise SpecError(f"unknown benchmark {name!r}; known: {known}")
    params = inspect.signature(entry.factory).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        for key in options:
            if key not in params:
                allowed = ", ".join(k for k in params) or "none"
                raise SpecError(f"benchmark {name!r} has no option {key!r} (options: {allowed})")
    return format_spec(name, options)


@lru_cache(maxsize=None)
def _make(spec: str) -> Benchmark:
    name, options = parse_spec(spec)
    entry = _REGISTRY[name]
    reason = entry.available()
    if reason:
        raise BenchmarkError(f"{name}: {reason}")
    try:
        bench = entry.factory(**options)
    except TypeError as exc:
        raise SpecError(f"benchmark {spec!r}: {exc}") from None
    bench.name = spec
    return bench


def make(spec: str) -> Benchmark:
    """Build (once per process) the benchmark named by ``spec``, e.g. ``nb201/cifar10-valid:noisy=true``."""
    return _make(check(spec))
