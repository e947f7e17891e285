"""Locating and reading the data files that PyPI packages ship, without importing the packages.

A package is found with ``importlib.util.find_spec`` and its files are reached through
``importlib.resources`` on an *unexecuted* module object, so a package whose ``__init__`` fails
(analog-nasbench imports ``pkg_resources``, which new setuptools lacks) still gives up its data.
Every failure is one :class:`BenchmarkError` line that names the PyPI package to (re)install.
"""

from __future__ import annotations

import importlib.util
import pickle
from importlib import resources
from pathlib import Path

from .base import BenchmarkError

#: exceptions a truncated or foreign pickle can raise while loading
PICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    ImportError,
    MemoryError,
    OverflowError,
)


def package_file(package: str, relpath: str, pip_name: str) -> Path:
    """Path of ``relpath`` inside the installed ``package``; BenchmarkError if absent."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise BenchmarkError(f"PyPI package {pip_name!r} is not installed (module {package!r}): pip install {pip_name}")
    module = importlib.util.module_from_spec(spec)  # never executed: no import-time side effects
    path = resources.files(module).joinpath(relpath)
    if not path.is_file():
        raise BenchmarkError(
            f"data file {relpath!r} is missing from the installed {pip_name!r}: "
            f"pip install --force-reinstall {pip_name}"
        )
    return Path(str(path))


def package_unavailable(package: str, relpath: str, pip_name: str) -> str | None:
    """The reason ``package_file`` would fail, or None (a cheap check for the registry)."""
    try:
        package_file(package, relpath, pip_name)
    except BenchmarkError as exc:
        return str(exc)
    return None


def corrupt(path: Path, pip_name: str, why: str) -> BenchmarkError:
    return BenchmarkError(
        f"data file {path} is unreadable ({why}); reinstall it: pip install --force-reinstall {pip_name}"
    )


def load_pickle(path: Path, pip_name: str, unpickler: type[pickle.Unpickler] = pickle.Unpickler) -> object:
    """Unpickle ``path`` (a file shipped by ``pip_name``); corrupt data -> one-line BenchmarkError."""
    try:
        with open(path, "rb") as f:
            return unpickler(f).load()
    except OSError as exc:
        raise corrupt(path, pip_name, exc.strerror or type(exc).__name__) from None
    except PICKLE_ERRORS as exc:
        raise corrupt(path, pip_name, f"{type(exc).__name__}: {str(exc)[:80]}") from None
