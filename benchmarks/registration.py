"""What the benchmark and algorithm registries share besides spec strings (:mod:`benchmarks.specs`):
loading every registering module of a package, the error for a refused registration, and the
test that a second registration under a name is the same definition imported again."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from .specs import SpecError

_IMPORTED: set[str] = set()


class RegistrationError(SpecError):
    """A registration the registry refuses (a taken name, not an algorithm class); one line."""


def import_registrations(package: str, skip: tuple[str, ...] = ()) -> None:
    """Import, once, every module of ``package`` whose name does not start with ``_`` and is not
    in ``skip``, so that their ``register`` calls run (both registries load their package so)."""
    if package in _IMPORTED:
        return
    _IMPORTED.add(package)  # first: a module that looks the registry up while loading must not recurse
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.name not in skip and not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")


def same_definition(old: Any, new: Any) -> bool:
    """Whether ``new`` is ``old`` or its definition again (the same module imported twice)."""
    return old is new or (
        getattr(old, "__module__", None) == getattr(new, "__module__", 0)
        and getattr(old, "__qualname__", None) == getattr(new, "__qualname__", 0)
    )
