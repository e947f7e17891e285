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
(:func:`as_recorded`), so its runs are found on resume.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.registration import RegistrationError, import_registrations, same_definition
from benchmarks.specs import (
    Limit,
    Option,
    SpecError,
    above,
    at_least,
    between,
    format_spec,
    one_of,
    split_spec,
    typed_options,
    without_defaults,
)
from benchmarks.specs import options_of as _typed

__all__ = [
    "Algorithm",
    "algorithm_class",
    "RegistrationError",
    "SpecError",
    "above",
    "as_recorded",
    "at_least",
    "between",
    "canonical",
    "check",
    "idle_options",
    "make",
    "name_of",
    "names",
    "one_of",
    "options",
    "options_of",
    "register",
    "register_variant",
    "resolve",
    "scope",
    "unavailable",
    "unregister",
]


class Algorithm(Protocol):
    def ask(self) -> Arch | None: ...

    def tell(self, arch: Arch, result: Result) -> None: ...


_REGISTRY: dict[str, type] = {}
_VARIANTS: dict[str, str] = {}
_UNAVAILABLE: dict[str, Callable[[], str | None]] = {}
_LIMITS: dict[str, Mapping[str, Limit]] = {}
_APPLIES: dict[str, Mapping[str, Mapping[str, tuple]]] = {}
_RENAMED: dict[str, Callable[[Mapping[str, str]], dict[str, str]]] = {}
#: every table keyed by an algorithm's name (what unregister and scope undo)
_TABLES: tuple[dict[str, Any], ...] = (_REGISTRY, _VARIANTS, _UNAVAILABLE, _LIMITS, _APPLIES, _RENAMED)


def register(
    name: str,
    *,
    unavailable: Callable[[], str | None] | None = None,
    limits: Mapping[str, Limit] | None = None,
    applies: Mapping[str, Mapping[str, tuple]] | None = None,
    renamed: Callable[[Mapping[str, str]], dict[str, str]] | None = None,
) -> Callable[[type], type]:
    """Class decorator: ``@register("random")``. ``unavailable()`` returns a reason when unusable here;
    ``limits`` maps option names to their allowed values (``at_least(1)``, ``one_of("a", "b")``);
    ``applies`` maps an option to the values other options must have for it to take effect;
    ``renamed`` maps a spec's options (as typed) from old spellings to the current ones, so old
    commands and stored folders keep working."""

    def deco(cls: type) -> type:
        _check_new(name, cls)
        _check_class(name, cls)
        _REGISTRY[name] = cls
        if unavailable is not None:
            _UNAVAILABLE[name] = unavailable
        _LIMITS[name] = dict(limits or {})
        _APPLIES[name] = {k: dict(v) for k, v in (applies or {}).items()}
        if renamed is not None:
            _RENAMED[name] = renamed
        return cls

    return deco


def register_variant(name: str, spec: str) -> None:
    """A named configuration of a registered algorithm, e.g. ``register_variant("x", "lanas:cp=0.5")``."""
    if _VARIANTS.get(name, spec) != spec or name in _REGISTRY:
        raise RegistrationError(f"algorithm name {name!r} is already registered; choose another name")
    _VARIANTS[name] = spec


def _check_new(name: str, cls: Any) -> None:
    """Refuse a name taken by another algorithm or variant (a module imported again, defining the
    same class, replaces its own registration)."""
    split_spec(name)  # a name a spec can say
    if ":" in name:
        raise RegistrationError(f"bad algorithm name {name!r}: a name has no options")
    taken = _REGISTRY.get(name)
    where = _VARIANTS.get(name)
    if where is None and taken is not None and not same_definition(taken, cls):
        where = f"{taken.__module__}.{taken.__qualname__}"
    if where is not None:
        raise RegistrationError(f"algorithm name {name!r} is already registered ({where}); choose another name")


def _check_class(name: str, cls: Any) -> None:
    """The contract a registration can check: a class with ask() and tell(), built as
    ``cls(benchmark, rng, *, option=default, ...)``."""
    missing = [m for m in ("ask", "tell") if not callable(getattr(cls, m, None))]
    if not isinstance(cls, type) or missing:
        raise RegistrationError(
            f"algorithm {name!r}: {getattr(cls, '__name__', cls)!r} is not an algorithm class "
            f"(it needs ask() and tell(arch, result); missing: {', '.join(missing) or 'a class'})"
        )
    params = list(inspect.signature(cls).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_two = len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)
    bare = [p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if not takes_two or positional[2:] or bare:
        raise RegistrationError(
            f"algorithm {name!r}: its constructor must be {cls.__name__}(benchmark, rng, *, "
            f"option=default, ...), options keyword-only with defaults; it is "
            f"{cls.__name__}{inspect.signature(cls)}"
        )


def algorithm_class(spec: str) -> type:
    """The class behind an algorithm spec (a variant's: its base algorithm's)."""
    return _REGISTRY[resolve(spec)[0]]


def name_of(cls: type) -> str | None:
    """The name ``cls`` is registered under, or None."""
    return next((n for n, c in _REGISTRY.items() if c is cls), None)


def unregister(name: str) -> None:
    """Remove an algorithm or variant registered under ``name`` (no error when there is none)."""
    for table in _TABLES:
        table.pop(name, None)


@contextmanager
def scope() -> Iterator[None]:
    """Registrations made inside ``with scope():`` are undone on leaving it (tests, notebooks)."""
    _load_all()
    saved = [dict(t) for t in _TABLES]
    try:
        yield
    finally:
        for table, old in zip(_TABLES, saved):
            table.clear()
            table.update(old)


def _load_all() -> None:
    import_registrations("algorithms")  # ``_`` modules are private helpers


def names(*, variants: bool = True) -> list[str]:
    """Every registered algorithm and, unless ``variants=False``, every named variant."""
    _load_all()
    return sorted(_REGISTRY) + (sorted(_VARIANTS) if variants else [])


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
        fixed = typed_options("algorithm", base, _renamed(base, base_raw), options(base))
        shown, name = name, base
    else:
        shown = name
    if name not in _REGISTRY:
        raise SpecError(f"unknown algorithm {name!r}; known: {', '.join(names())}")
    return name, fixed, typed_options("algorithm", shown, _renamed(name, raw), options(name))


def _renamed(name: str, raw: dict[str, str]) -> dict[str, str]:
    rename = _RENAMED.get(name)
    return raw if rename is None else rename(raw)


def resolve(spec: str) -> tuple[str, dict[str, Any]]:
    """Check a spec string and expand variants; returns the class name and typed options."""
    name, fixed, given = _expand(spec)
    return name, {**fixed, **given}


def idle_options(name: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The options of ``config`` (a registered algorithm's typed options) that take no effect in it,
    each with what it needs, e.g. ``{"n_parents": "inleaf=local|localbo"}``."""
    _load_all()
    full = {**options_of(name), **config}
    out = {}
    for option, needs in _APPLIES.get(name, {}).items():
        if option in config and any(full.get(k) not in allowed for k, allowed in needs.items()):
            out[option] = " and ".join(f"{k}={'|'.join(map(str, allowed))}" for k, allowed in needs.items())
    return out


def check(spec: str) -> str:
    """Validate a spec (names, types, limits, options without effect); returns its canonical name
    (see the module doc)."""
    name, fixed, given = _expand(spec)
    config = without_defaults({**fixed, **given}, options_of(name))
    for option, needs in idle_options(name, config).items():
        if option in given and given[option] == config[option]:
            raise SpecError(f"algorithm spec {spec.strip()!r}: {option} applies only with {needs}")
        del config[option]  # set by the variant, switched off by the spec's own options
    best = name
    covered: dict[str, Any] = {}
    for variant in sorted(_VARIANTS):
        base, own = resolve(variant)
        own = without_defaults(own, options_of(base))
        if (
            base == name
            and own
            and len(own) > len(covered)
            and all(k in config and config[k] == v for k, v in own.items())
        ):
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
            notes.append(
                f"{given[0]} is stored as {name} (options at their defaults or without effect are dropped, keys sorted)"
            )
    return list(out), notes


def as_recorded(specs: list[str], recorded: list[str]) -> tuple[list[str], list[str]]:
    """Canonical ``specs`` in a folder's ``recorded`` spelling where one names the same
    configuration (written before an option was renamed: ``lanas:fallback=bfs`` for
    ``lanas:empty_leaf=first_leaf``), so the folder's runs are found and stay under one name;
    and a note for each."""
    same: dict[str, str] = {}
    for old in recorded:
        try:
            same.setdefault(check(old), old)
        except SpecError:  # no longer a valid spec: nothing to match
            continue
    out = [same.get(spec, spec) for spec in specs]
    notes = [f"{new} keeps this folder's spelling {old}" for new, old in zip(specs, out) if new != old]
    return out, notes


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
