"""The ask/tell interface and the algorithm registry.

An algorithm is a plain class built as ``cls(benchmark, rng, **options)`` with keyword-only
options that default to the paper's values, and two methods:

- ``ask() -> Arch | None``: the next architecture to evaluate; ``None`` when it has nothing left.
- ``tell(arch, result)``: the answer to an earlier ``ask``.

Optionally ``ask_batch(n) -> list[Arch]`` proposes several architectures for parallel
evaluation. A new algorithm is one module in this package that calls :func:`register`;
named variants (``lanas-plus``) are registered spec strings, not new classes.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any, Callable, Protocol

import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.spec import SpecError, format_spec, parse_spec


class Algorithm(Protocol):
    def ask(self) -> Arch | None: ...

    def tell(self, arch: Arch, result: Result) -> None: ...


_REGISTRY: dict[str, type] = {}
_VARIANTS: dict[str, str] = {}
_NEEDS: dict[str, Callable[[], str | None]] = {}
_LOADED = False
#: modules of this package that hold the harness, not algorithms
_INFRASTRUCTURE = ("base", "runner", "experiment", "results", "presets", "commands", "executors")


def register(name: str, *, needs: Callable[[], str | None] | None = None) -> Callable[[type], type]:
    """Class decorator: ``@register("random")``. ``needs()`` returns a reason when unusable here."""
    def deco(cls: type) -> type:
        _REGISTRY[name] = cls
        if needs is not None:
            _NEEDS[name] = needs
        return cls
    return deco


def register_variant(name: str, spec: str) -> None:
    """A named configuration of a registered algorithm, e.g. ``register_variant("x", "lanas:cp=0.5")``."""
    _VARIANTS[name] = spec


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module("algorithms")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _INFRASTRUCTURE and not info.name.startswith("_"):
            importlib.import_module(f"algorithms.{info.name}")


def names() -> list[str]:
    """Every registered algorithm and named variant."""
    _load_all()
    return sorted(_REGISTRY) + sorted(_VARIANTS)


def unavailable(name: str) -> str | None:
    _load_all()
    needs = _NEEDS.get(name)
    return needs() if needs else None


def options_of(name: str) -> dict[str, Any]:
    """The keyword-only options of an algorithm with their defaults."""
    _load_all()
    params = inspect.signature(_REGISTRY[name]).parameters
    return {k: p.default for k, p in params.items() if p.kind is p.KEYWORD_ONLY}


def resolve(spec: str) -> tuple[str, dict[str, Any]]:
    """Check a spec string and expand variants; returns the class name and full options."""
    _load_all()
    name, options = parse_spec(spec)
    if name in _VARIANTS:
        base, base_options = parse_spec(_VARIANTS[name])
        name, options = base, {**base_options, **options}
    if name not in _REGISTRY:
        raise SpecError(f"unknown algorithm {name!r}; known: {', '.join(names())}")
    allowed = options_of(name)
    for key in options:
        if key not in allowed:
            raise SpecError(f"algorithm {name!r} has no option {key!r} (options: {', '.join(allowed) or 'none'})")
    return name, options


def check(spec: str) -> str:
    """Validate a spec; returns its canonical form (options sorted, variant name kept)."""
    resolve(spec)
    name, options = parse_spec(spec)
    return format_spec(name, options)


def make(spec: str, benchmark: Benchmark, rng: np.random.Generator) -> Algorithm:
    """Build the algorithm named by ``spec`` for ``benchmark`` with the run's ``rng``."""
    name, options = resolve(spec)
    reason = unavailable(name)
    if reason:
        raise SpecError(f"algorithm {name!r} is not available here: {reason}")
    try:
        return _REGISTRY[name](benchmark, rng, **options)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"algorithm spec {spec!r}: {exc}") from None
