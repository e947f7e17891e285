"""Benchmarks register a factory under a name; everything else (CLI, tests) iterates over it.

Every module of the ``benchmarks`` package is imported on first use, so a new benchmark is
one file that calls :func:`register`. Options are the factory's parameters, typed from its
signature, with ``limits`` where the type is not enough (see :mod:`benchmarks.specs`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import objectives as _objectives
from .base import Benchmark, BenchmarkError
from .optional import TORCH_HINT
from .registration import RegistrationError, import_registrations, same_definition
from .specs import (
    Limit,
    Option,
    SpecError,
    format_spec,
    split_spec,
    typed_options,
    typed_parameters,
    unknown_name,
    without_defaults,
)


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Benchmark]
    family: str
    #: returns None when the benchmark can be built here, else a one-line reason (missing file)
    unavailable: Callable[[], str | None] = lambda: None
    limits: Mapping[str, Limit] | None = None
    #: each evaluation needs a GPU (a Dask run asks for one ``GPU`` worker resource per evaluation)
    gpu: bool = False
    #: shown by ``run_all.py --list``; False for test fixtures
    listed: bool = True

    def options(self) -> dict[str, Option]:
        return typed_parameters(self.factory, self.limits)


@dataclass
class Registry:
    """Every registered benchmark (name -> :class:`Entry`): the one registry of benchmarks is
    :data:`REGISTRY`; :meth:`scope` undoes the registrations made inside it."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def remove(self, name: str) -> None:
        """Remove the benchmark registered under ``name`` and every instance built from it."""
        if self.entries.pop(name, None) is not None:
            _make.cache_clear()

    @contextmanager
    def scope(self) -> Iterator[Registry]:
        """Registrations made inside ``with REGISTRY.scope():`` are undone on leaving it (tests, notebooks)."""
        _load_all()
        saved = dict(self.entries)
        try:
            yield self
        finally:
            if self.entries != saved:
                self.entries = saved
                _make.cache_clear()


#: the benchmarks registered in this process
REGISTRY = Registry()


def register(
    name: str,
    factory: Callable[..., Benchmark],
    *,
    unavailable: Callable[[], str | None] | None = None,
    limits: Mapping[str, Limit] | None = None,
    gpu: bool = False,
    listed: bool = True,
) -> None:
    """Register ``factory`` under ``name`` (``family/variant``); ``unavailable()`` returns a one-line
    reason when it cannot be built here, ``gpu`` says that each evaluation needs a GPU, and
    ``listed=False`` keeps a test fixture out of ``run_all.py --list``. A name taken by another
    factory is refused (:class:`RegistrationError`); the same module imported again replaces its own."""
    split_spec(name)
    if ":" in name or not callable(factory):
        raise RegistrationError(f"bad benchmark registration {name!r}: a name without options and a callable factory")
    bare = [
        p.name
        for p in inspect.signature(factory).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if bare:
        raise RegistrationError(
            f"benchmark {name!r}: every parameter of its factory is an option with a default "
            f"(the spec {name!r} calls it with none); {', '.join(bare)} has none"
        )
    taken = REGISTRY.entries.get(name)
    if taken is not None and not same_definition(taken.factory, factory):
        raise RegistrationError(
            f"benchmark name {name!r} is already registered "
            f"({taken.factory.__module__}.{taken.factory.__qualname__}); choose another name"
        )
    if taken is not None:
        _make.cache_clear()  # a replaced factory must not answer from the old one's cache
    REGISTRY.entries[name] = Entry(
        name, factory, name.split("/")[0], unavailable or (lambda: None), limits, gpu, listed
    )


def unregister(name: str) -> None:
    """Remove the benchmark registered under ``name`` and every instance built from it."""
    REGISTRY.remove(name)


def scope() -> AbstractContextManager[Registry]:
    """``with scope():`` undoes the registrations made inside it (:meth:`Registry.scope`)."""
    return REGISTRY.scope()


def _load_all() -> None:
    import_registrations("benchmarks", skip=("base", "optional", "registration", "registry", "specs"))


def entries() -> dict[str, Entry]:
    _load_all()
    return dict(REGISTRY.entries)


def _typed(spec: str) -> tuple[str, dict[str, Any]]:
    name, raw = split_spec(spec)
    entry = entries().get(name)
    if entry is None:
        raise SpecError(unknown_name("benchmark", name, sorted(entries())))
    objectives = raw.pop("objectives", None)  # any table's columns (benchmarks/objectives.py)
    typed = typed_options("benchmark", name, raw, entry.options())
    return name, typed if objectives is None else {**typed, "objectives": "+".join(_objectives.parse(objectives))}


def check(spec: str) -> str:
    """Validate a benchmark spec without loading data; returns its canonical form (options
    sorted, those equal to their default dropped)."""
    name, options = _typed(spec)
    defaults = {k: o.default for k, o in entries()[name].options().items()}
    return format_spec(name, without_defaults(options, defaults))


@cache
def _make(spec: str) -> Benchmark:
    name, options = _typed(spec)
    objectives = options.pop("objectives", None)
    entry = REGISTRY.entries[name]
    reason = entry.unavailable()
    if reason:
        raise BenchmarkError(f"{name}: {reason}")
    try:
        bench = entry.factory(**options)
    except (TypeError, ValueError) as exc:  # an option value its factory refuses
        raise SpecError(f"benchmark {spec!r}: {exc}".splitlines()[0]) from None
    except ModuleNotFoundError as exc:  # e.g. the official NAS-Bench-201 file is read with torch
        raise BenchmarkError(f"{name}: {TORCH_HINT if exc.name == 'torch' else exc}") from None
    bench.name = spec
    if objectives is not None:
        bench.name_objectives(_objectives.parse(objectives))
    return bench


def make(spec: str) -> Benchmark:
    """Build (once per process) the benchmark named by ``spec``, e.g. ``nb201/cifar10-valid:noisy=true``."""
    return _make(check(spec))
