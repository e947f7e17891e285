"""The ask/tell interface and the algorithm registry.

An algorithm is a plain class built as ``cls(benchmark, rng, **options)`` with keyword-only
options that default to the paper's values, and two methods:

- ``ask() -> Arch | None``: the next architecture to evaluate; ``None`` when it has nothing to
  propose now: with evaluations still outstanding (simulated workers) the run asks again after the
  next result arrives; with none outstanding the run ends with status ``exhausted``.
- ``tell(arch, result)``: the answer to an earlier ``ask``.

A constructor that declares a keyword ``budget`` (``def __init__(self, benchmark, rng, *,
budget=None, ...)``) receives the run's sample budget (:data:`RUN_KEYWORDS`: not an option of a
spec; a schedule that depends on it, as nevergrad's optimizers and BANANAS-style ones do).

Optionally ``ask_batch(n) -> list[Arch]`` proposes several architectures for parallel
evaluation. A new algorithm is one module in this package that calls :func:`register`
(every module whose name does not start with ``_`` is imported; ``_`` modules are private);
named variants (``lanas-plus``) are registered spec strings, not new classes. Everything registered
is held by one object, :data:`REGISTRY`; ``with REGISTRY.scope():`` (or :func:`scope`) undoes the
registrations made inside it (tests, notebooks).

Options are typed from the constructor's signature (annotation, else the default's type; see
:mod:`benchmarks.specs`); ``register(name, limits={"height": at_least(1), "mode": one_of("a", "b")})``
declares the allowed values where the type is not enough. :func:`check` validates a spec before
any run starts and returns its canonical name: options equal to their default are dropped, keys
are sorted, and a configuration that a registered variant covers is named by that variant
(``lanas:cp=0.1`` is ``lanas``; ``lanas:inleaf=localbo,n_parents=3,split=svm`` is ``lanas-plus``).

An option that takes effect only in some configurations declares it once at registration:
``register(name, applies={"n_parents": {"inleaf": ("local", "localbo")}})``. :func:`check` derives
from the whole configuration (defaults included) which of its non-default options take effect:
one given in the spec that does not is rejected with one line naming what it needs (a separate
name for an identical history would otherwise be run and reported as its own algorithm); one
set by a variant that the spec's own options switch off is dropped, with a note
(``lanas-plus:inleaf=uniform`` is ``lanas:split=svm``).

An option renamed declares its old spellings once: ``register(name, renamed=f)``, ``f`` mapping a
spec's options as typed to the current ones (``lanas``: ``fallback=bfs`` is ``empty_leaf=first_leaf``,
:mod:`algorithms.lanas.options`); a folder written with an old spelling keeps it
(:func:`harness.grids.as_recorded`), so its runs are found on resume.

Every algorithm takes one more option, ``warmup=PROXY[/N[/K]]``: the zero-cost warm-up of
:mod:`algorithms._warmup` (its first K proposals are the best of N cells by a zero-cost proxy),
parsed here once for all and applied by :func:`make` around the algorithm it builds.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from benchmarks.base import Benchmark, BenchmarkError
from benchmarks.registration import RegistrationError
from benchmarks.specs import (
    Option,
    SpecError,
    above,
    at_least,
    between,
    did_you_mean,
    format_spec,
    one_of,
    split_spec,
    typed_options,
    typed_parameters,
    unknown_name,
    without_defaults,
)

from ._registration import (
    REGISTRY,
    RUN_KEYWORDS,
    Algorithm,
    Entry,
    Registry,
    _load_all,
    register,
    register_variant,
)
from ._warmup import OPTION as WARMUP
from ._warmup import WarmUp, WarmUpSpec

__all__ = [
    "REGISTRY",
    "Algorithm",
    "Entry",
    "RUN_KEYWORDS",
    "Registry",
    "algorithm_class",
    "RegistrationError",
    "SpecError",
    "above",
    "at_least",
    "between",
    "check",
    "idle_options",
    "make",
    "name_of",
    "names",
    "one_of",
    "options",
    "defaults",
    "register",
    "register_variant",
    "resolve",
    "scope",
    "takes_budget",
    "unavailable",
    "unregister",
    "warmup",
]


def algorithm_class(spec: str) -> type:
    """The class behind an algorithm spec (a variant's: its base algorithm's)."""
    return REGISTRY.entries[resolve(spec)[0]].cls


def name_of(cls: type) -> str | None:
    """The name ``cls`` is registered under, or None."""
    return next((n for n, e in REGISTRY.entries.items() if e.cls is cls), None)


def unregister(name: str) -> None:
    """Remove an algorithm or variant registered under ``name`` (no error when there is none)."""
    REGISTRY.remove(name)


def scope() -> AbstractContextManager[Registry]:
    """``with scope():`` undoes the registrations made inside it (:meth:`Registry.scope`)."""
    return REGISTRY.scope()


def names(*, variants: bool = True) -> list[str]:
    """Every registered algorithm and, unless ``variants=False``, every named variant."""
    _load_all()
    return sorted(REGISTRY.entries) + (sorted(REGISTRY.variants) if variants else [])


def unavailable(name: str) -> str | None:
    """Why the registered algorithm ``name`` cannot run here, or None."""
    _load_all()
    reason = REGISTRY.entries[name].unavailable if name in REGISTRY.entries else None
    return reason() if reason else None


def options(name: str) -> dict[str, Option]:
    """The typed keyword-only options of a registered algorithm (not a variant)."""
    _load_all()
    entry = REGISTRY.entries[name]
    typed = typed_parameters(entry.cls, entry.limits, keyword_only=True)
    return {k: o for k, o in typed.items() if k not in RUN_KEYWORDS}


def defaults(name: str) -> dict[str, Any]:
    """The keyword-only options of an algorithm with their defaults."""
    return {k: o.default for k, o in options(name).items()}


def _expand(spec: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(registered class name, the variant's typed options, the spec's own typed options); a
    variant's spec may name another variant."""
    _load_all()
    shown, raw = split_spec(spec)
    raw = {k: v for k, v in raw.items() if k != WARMUP}
    name = shown
    fixed: dict[str, Any] = {}
    if shown in REGISTRY.variants:
        name, fixed = resolve(REGISTRY.variants[shown])
    if name not in REGISTRY.entries:
        raise SpecError(unknown_name("algorithm", name, names()))
    for key in raw:
        if key not in options(name) and did_you_mean(key, [WARMUP]):
            raise SpecError(f"algorithm {shown!r} has no option {key!r}; did you mean {WARMUP!r}?")
    return name, fixed, typed_options("algorithm", shown, _renamed(name, raw), options(name))


def warmup(spec: str) -> WarmUpSpec | None:
    """The zero-cost warm-up a spec asks for (``warmup=PROXY[/N[/K]]``, :mod:`algorithms._warmup`), or None."""
    text = split_spec(spec)[1].get(WARMUP)
    try:
        return None if text is None else WarmUpSpec.parse(text)
    except SpecError as exc:
        raise SpecError(f"algorithm spec {spec.strip()!r}: {exc}") from None


def _renamed(name: str, raw: dict[str, str]) -> dict[str, str]:
    rename = REGISTRY.entries[name].renamed
    return raw if rename is None else rename(raw)


def resolve(spec: str) -> tuple[str, dict[str, Any]]:
    """Check a spec string and expand variants; returns the class name and typed options."""
    name, fixed, given = _expand(spec)
    return name, {**fixed, **given}


def idle_options(name: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The options of ``config`` (a registered algorithm's typed options) that take no effect in it,
    each with what it needs, e.g. ``{"n_parents": "inleaf=local|localbo"}``."""
    _load_all()
    full = {**defaults(name), **config}
    out = {}
    for option, needs in REGISTRY.entries[name].applies.items():
        if option in config and any(full.get(k) not in allowed for k, allowed in needs.items()):
            out[option] = " and ".join(f"{k}={'|'.join(map(str, allowed))}" for k, allowed in needs.items())
    return out


def check(spec: str) -> str:
    """Validate a spec (names, types, limits, options without effect); returns its canonical name
    (see the module doc)."""
    name, fixed, given = _expand(spec)
    config = without_defaults({**fixed, **given}, defaults(name))
    for option, needs in idle_options(name, config).items():
        if option in given and given[option] == config[option]:
            raise SpecError(f"algorithm spec {spec.strip()!r}: {option} applies only with {needs}")
        del config[option]  # set by the variant, switched off by the spec's own options
    best = name
    covered: dict[str, Any] = {}
    for variant in sorted(REGISTRY.variants):
        base, own = resolve(variant)
        own = without_defaults(own, defaults(base))
        if (
            base == name
            and own
            and len(own) > len(covered)
            and all(k in config and config[k] == v for k, v in own.items())
        ):
            best, covered = variant, own
    own = {k: v for k, v in config.items() if k not in covered}
    warm = warmup(spec)
    return format_spec(best, own if warm is None else {**own, WARMUP: warm.text()})


def takes_budget(cls: type) -> bool:
    """Whether ``cls``'s constructor declares the ``budget`` keyword (see the module doc)."""
    return "budget" in inspect.signature(cls).parameters


def make(spec: str, benchmark: Benchmark, rng: np.random.Generator, *, budget: int | None = None) -> Algorithm:
    """Build the algorithm named by ``spec`` for ``benchmark`` with the run's ``rng``; ``budget`` (the
    run's sample budget) is passed to a constructor that declares it; a spec's ``warmup`` wraps it
    in :class:`~algorithms._warmup.WarmUp`."""
    name, opts = resolve(spec)
    warm = warmup(spec)
    reason = unavailable(name)
    if reason:
        raise SpecError(f"algorithm {name!r} is not available here: {reason}")
    try:
        cls = REGISTRY.entries[name].cls
        if takes_budget(cls):
            opts["budget"] = budget
        if warm is None:
            return cls(benchmark, rng, **opts)
        return WarmUp.start(warm, benchmark, rng, lambda: cls(benchmark, rng, **opts))
    except (TypeError, ValueError, BenchmarkError) as exc:
        raise SpecError(f"algorithm spec {spec!r}: {exc}") from None
