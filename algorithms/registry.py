"""The ask/tell interface and the algorithm registry.

An algorithm is a plain class built as ``cls(benchmark, rng, **options)`` with keyword-only
options that default to the paper's values, and two methods:

- ``ask() -> Arch | None``: the next architecture to evaluate; ``None`` when it has nothing left.
- ``tell(arch, result)``: the answer to an earlier ``ask``.

Optionally ``ask_batch(n) -> list[Arch]`` proposes several architectures for parallel
evaluation. A new algorithm is one module in this package that calls :func:`register`
(every module whose name does not start with ``_`` is imported; ``_`` modules are private);
named variants (``lanas-plus``) are registered spec strings, not new classes.

Options are typed from the constructor's signature (annotation, else the default's type; see
:mod:`benchmarks.spec`); ``register(name, limits={"height": at_least(1), "mode": one_of("a", "b")})``
declares the allowed values where the type is not enough. :func:`check` validates a spec before
any run starts and returns its canonical name: options equal to their default are dropped, keys
are sorted, and a configuration that a registered variant covers is named by that variant
(``lanas:cp=0.1`` is ``lanas``; ``lanas:inleaf=localbo,parents=3,scale=rank,split=svm`` is ``lanas-plus``).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol

import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.spec import (Limit, Option, SpecError, above, at_least, between, format_spec, import_registrations,
                             one_of, split_spec, typed_options, without_defaults)
from benchmarks.spec import options_of as _typed

__all__ = ["Algorithm", "SpecError", "above", "at_least", "between", "check", "make", "names", "one_of",
           "options", "options_of", "register", "register_variant", "resolve", "unavailable"]


class Algorithm(Protocol):
    def ask(self) -> Arch | None: ...

    def tell(self, arch: Arch, result: Result) -> None: ...


_REGISTRY: dict[str, type] = {}
_VARIANTS: dict[str, str] = {}
_UNAVAILABLE: dict[str, Callable[[], str | None]] = {}
_LIMITS: dict[str, Mapping[str, Limit]] = {}


def register(name: str, *, unavailable: Callable[[], str | None] | None = None,
             limits: Mapping[str, Limit] | None = None) -> Callable[[type], type]:
    """Class decorator: ``@register("random")``. ``unavailable()`` returns a reason when unusable here;
    ``limits`` maps option names to their allowed values (``at_least(1)``, ``one_of("a", "b")``)."""
    def deco(cls: type) -> type:
        _REGISTRY[name] = cls
        if unavailable is not None:
            _UNAVAILABLE[name] = unavailable
        _LIMITS[name] = dict(limits or {})
        return cls
    return deco


def register_variant(name: str, spec: str) -> None:
    """A named configuration of a registered algorithm, e.g. ``register_variant("x", "lanas:cp=0.5")``."""
    _VARIANTS[name] = spec


def _load_all() -> None:
    import_registrations("algorithms")  # ``_`` modules are private helpers


def names() -> list[str]:
    """Every registered algorithm and named variant."""
    _load_all()
    return sorted(_REGISTRY) + sorted(_VARIANTS)


def unavailable(name: str) -> str | None:
    """Why the registered algorithm ``name`` cannot run here, or None."""
    _load_all()
    reason = _UNAVAILABLE.get(name)
    return reason() if reason else None


def options(name: str) -> dict[str, Option]:
    """The typed keyword-only options of a registered algorithm (not a variant)."""
    _load_all()
    return _typed(_REGISTRY[name], _LIMITS.get(name), keyword_only=True)


def options_of(name: str) -> dict[str, Any]:
    """The keyword-only options of an algorithm with their defaults."""
    return {k: o.default for k, o in options(name).items()}


def _expand(spec: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(registered class name, the variant's typed options, the spec's own typed options)."""
    _load_all()
    name, raw = split_spec(spec)
    fixed: dict[str, Any] = {}
    if name in _VARIANTS:
        base, base_raw = split_spec(_VARIANTS[name])
        fixed = typed_options("algorithm", base, base_raw, options(base))
        shown, name = name, base
    else:
        shown = name
    if name not in _REGISTRY:
        raise SpecError(f"unknown algorithm {name!r}; known: {', '.join(names())}")
    return name, fixed, typed_options("algorithm", shown, raw, options(name))


def resolve(spec: str) -> tuple[str, dict[str, Any]]:
    """Check a spec string and expand variants; returns the class name and typed options."""
    name, fixed, given = _expand(spec)
    return name, {**fixed, **given}


def check(spec: str) -> str:
    """Validate a spec (names, types, limits); returns its canonical name (see the module doc)."""
    name, fixed, given = _expand(spec)
    config = without_defaults({**fixed, **given}, options_of(name))
    best, covered = name, {}
    for variant in sorted(_VARIANTS):
        base, own = resolve(variant)
        own = without_defaults(own, options_of(base))
        if base == name and own and len(own) > len(covered) and all(
                k in config and config[k] == v for k, v in own.items()):
            best, covered = variant, own
    return format_spec(best, {k: v for k, v in config.items() if k not in covered})


def canonical(specs: list[str]) -> tuple[list[str], list[str]]:
    """Canonical names of ``specs`` without repeats, and a note for each spec renamed or merged."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        out.setdefault(check(spec), []).append(spec.strip())
    notes = []
    for name, given in out.items():
        given = list(dict.fromkeys(given))
        if len(given) > 1:
            notes.append(f"{', '.join(given)} are one configuration: run and stored once as {name}")
        elif given != [name]:
            notes.append(f"{given[0]} is stored as {name} (options at their defaults are dropped, keys sorted)")
    return list(out), notes


def make(spec: str, benchmark: Benchmark, rng: np.random.Generator) -> Algorithm:
    """Build the algorithm named by ``spec`` for ``benchmark`` with the run's ``rng``."""
    name, opts = resolve(spec)
    reason = unavailable(name)
    if reason:
        raise SpecError(f"algorithm {name!r} is not available here: {reason}")
    try:
        return _REGISTRY[name](benchmark, rng, **opts)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"algorithm spec {spec!r}: {exc}") from None
