"""What a registration declares and checks (re-exported by :mod:`algorithms.registry`, the public face).

:func:`register` takes a class built as ``cls(benchmark, rng, *, option=default, ...)`` with
``ask()`` and ``tell(arch, result)``; :func:`register_variant` names a spec string (its base may
itself be a variant: ``lanas-gp`` is ``lanas-plus:gp_until=100``). A name is refused when another
algorithm or variant holds it. Everything registered is held by :data:`REGISTRY`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from benchmarks.base import Arch, Result
from benchmarks.registration import RegistrationError, import_registrations, same_definition
from benchmarks.specs import Limit, split_spec

#: keywords the run passes to a constructor that declares them, never spec options
RUN_KEYWORDS = ("budget",)


class Algorithm(Protocol):
    def ask(self) -> Arch | None: ...

    def tell(self, arch: Arch, result: Result) -> None: ...


@dataclass(frozen=True)
class Entry:
    """One registered algorithm: its class and what :func:`register` declared of it."""

    cls: type
    unavailable: Callable[[], str | None] | None = None
    limits: Mapping[str, Limit] = field(default_factory=dict)
    applies: Mapping[str, Mapping[str, tuple]] = field(default_factory=dict)
    renamed: Callable[[Mapping[str, str]], dict[str, str]] | None = None


@dataclass
class Registry:
    """Every registered algorithm (name -> :class:`Entry`) and named variant (name -> spec): the one
    registry of algorithms is :data:`REGISTRY`; :meth:`scope` undoes the registrations made inside it."""

    entries: dict[str, Entry] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)

    def remove(self, name: str) -> None:
        self.entries.pop(name, None)
        self.variants.pop(name, None)

    @contextmanager
    def scope(self) -> Iterator[Registry]:
        """Registrations made inside ``with REGISTRY.scope():`` are undone on leaving it (tests, notebooks)."""
        _load_all()
        saved = dict(self.entries), dict(self.variants)
        try:
            yield self
        finally:
            self.entries, self.variants = saved


#: the algorithms and variants registered in this process
REGISTRY = Registry()


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
        applied = {k: dict(v) for k, v in (applies or {}).items()}
        REGISTRY.entries[name] = Entry(cls, unavailable, dict(limits or {}), applied, renamed)
        return cls

    return deco


def register_variant(name: str, spec: str) -> None:
    """A named configuration of a registered algorithm, e.g. ``register_variant("x", "lanas:cp=0.5")``."""
    if REGISTRY.variants.get(name, spec) != spec or name in REGISTRY.entries:
        raise RegistrationError(f"algorithm name {name!r} is already registered; choose another name")
    REGISTRY.variants[name] = spec


def _check_new(name: str, cls: Any) -> None:
    """Refuse a name taken by another algorithm or variant (a module imported again, defining the
    same class, replaces its own registration)."""
    split_spec(name)  # a name a spec can say
    if ":" in name:
        raise RegistrationError(f"bad algorithm name {name!r}: a name has no options")
    entry = REGISTRY.entries.get(name)
    taken = None if entry is None else entry.cls
    where = REGISTRY.variants.get(name)
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


def _load_all() -> None:
    import_registrations("algorithms")  # ``_`` modules are private helpers
