"""Algorithms and benchmarks that live outside the harness: the user's module or file, imported
before any spec is checked (``run_all.py --plugin mypkg.searchers``, ``--plugin path/to/my_search.py``,
``harness.run(plugins=[...])``), registering with the same ``register`` calls as the built-ins.

A plugin that does not import, registers a name already taken, registers something that is not
an algorithm class, or registers nothing, is an :class:`PluginError` with one line. On the local
executor the worker processes inherit the registrations (they are forked); a Dask cluster's
workers must be able to import the plugin themselves (install it as a package there).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from algorithms import registry as algorithms
from benchmarks import registry as benchmarks

from .tasks import ExperimentError

#: plugin (as given) -> the names it registered, for ``run_all.py --list``
LOADED: dict[str, list[str]] = {}


class PluginError(ExperimentError):
    """A plugin that could not be loaded; one line."""


def _names() -> set[str]:
    return set(algorithms.names()) | set(benchmarks.entries())


def _import(ref: str) -> None:
    path = Path(ref).expanduser()
    if ref.endswith(".py") or path.is_file():
        if not path.is_file():
            raise PluginError(f"plugin {ref!r}: no such file")
        name = "harness_plugin_" + re.sub(r"\W", "_", str(path.resolve()))
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise PluginError(f"plugin {ref!r}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # pickling a plugin's class (to a worker process) finds it here
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
    else:
        if os.getcwd() not in sys.path:  # as ``python -m`` would: a package in the working folder
            sys.path.append(os.getcwd())
        importlib.import_module(ref)


def load_plugin(ref: str) -> list[str]:
    """Import the module (``mypkg.searchers``) or file (``path/to/my_search.py``) ``ref`` once;
    returns the algorithm and benchmark names it registered."""
    if ref in LOADED:
        return LOADED[ref]
    before = _names()  # the built-ins are loaded first, so a plugin cannot take their names
    try:
        _import(ref)
    except PluginError:
        raise
    except algorithms.RegistrationError as exc:
        raise PluginError(f"plugin {ref!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever the user's module raises, one line
        where, tb = "", exc.__traceback__
        mine = str(Path(ref).expanduser().resolve())
        while tb is not None:  # the innermost line of the plugin's own file
            if tb.tb_frame.f_code.co_filename == mine:
                where = f" (line {tb.tb_lineno})"
            tb = tb.tb_next
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = f" (line {exc.lineno})"
        raise PluginError(
            f"plugin {ref!r} failed to import{where}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from None
    added = sorted(_names() - before)
    if not added:
        raise PluginError(
            f"plugin {ref!r} registered no algorithm or benchmark: call "
            "algorithms.registry.register or benchmarks.registry.register in it"
        )
    LOADED[ref] = added
    return added


def load_plugins(refs: list[str]) -> None:
    for ref in refs:
        load_plugin(ref)


def origin(name: str) -> str | None:
    """The plugin that registered ``name``, or None for a built-in."""
    return next((ref for ref, names in LOADED.items() if name in names), None)


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def algorithm_spec(item: Any) -> str:
    """A spec string for ``harness.run(algorithms=[...])``: a spec, a class, or a ``(name, class)``."""
    if isinstance(item, str):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        name, cls = item
    elif isinstance(item, type):
        known = algorithms.name_of(item)
        if known:
            return known
        name, cls = _kebab(item.__name__), item
    else:
        raise PluginError(f"algorithms: {item!r} is neither a spec string, an algorithm class nor a (name, class) pair")
    algorithms.register(name)(cls)
    return name


def benchmark_spec(item: Any) -> str:
    """A spec string for ``harness.run(benchmarks=[...])``: a spec or a ``(name, factory)`` pair."""
    if isinstance(item, str):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and callable(item[1]):
        factory: Callable[..., Any] = item[1]
        benchmarks.register(item[0], factory)
        return item[0]
    raise PluginError(f"benchmarks: {item!r} is neither a spec string nor a (name, factory) pair")


@contextmanager
def scope() -> Iterator[None]:
    """Plugins loaded and classes registered inside ``with scope():`` are forgotten on leaving it."""
    loaded = dict(LOADED)
    with algorithms.scope(), benchmarks.scope():
        try:
            yield
        finally:
            LOADED.clear()
            LOADED.update(loaded)
