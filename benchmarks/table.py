"""A benchmark answered from a table held as NumPy arrays, and the on-disk cache of such tables.

Tables are converted once from their packaged form into a compact ``.npz`` under the user's
cache directory (``$LANAS_CACHE`` or ``$XDG_CACHE_HOME/lanas-harness``). A cache file records
the size and mtime of its source; a stale or unreadable cache is rebuilt, never trusted.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import objectives as _objectives
from .base import Arch, Benchmark, BenchmarkError, Result, Targets, arch_codes

__all__ = ["TableBenchmark", "arch_codes", "cache_dir", "cached_arrays"]

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    root = os.environ.get("LANAS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "lanas-harness"
    )
    return Path(root)


def _stamp(source: Path) -> np.ndarray:
    st = source.stat()
    return np.array([st.st_size, st.st_mtime_ns], dtype=np.int64)


def cached_arrays(
    key: str, source: Path, build: Callable[[], dict[str, np.ndarray]], version: int = 1
) -> dict[str, np.ndarray]:
    """Arrays built from ``source`` by ``build()``, cached as ``<cache>/<key>.v<version>.npz``."""
    path = cache_dir() / f"{key.replace('/', '_')}.v{version}.npz"
    stamp = _stamp(source)
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
        if np.array_equal(arrays.pop("__stamp__"), stamp):
            return arrays
        log.info("cache %s is stale; rebuilding", path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        log.warning("cache %s is unreadable (%s); rebuilding", path, exc)
    arrays = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, __stamp__=stamp, **arrays)  # type: ignore[arg-type]  # numpy stubs
        os.replace(tmp, path)
    except OSError as exc:  # a read-only home must not stop a run
        log.warning("could not write cache %s: %s", path, exc)
    return arrays


class TableBenchmark(Benchmark):
    """Every valid architecture is a row of ``archs``; ``query`` is a lookup.

    ``valid_runs`` (N, k), when given, holds per-training-seed values (NaN-padded where a row has
    fewer than k seeds); with ``noisy=True`` a query draws one of a row's seeds from the run's rng
    instead of answering the mean ``valid``. ``proxy`` (N,), when given, is an estimate of ``valid``
    (e.g. a supernet's): a query answers it at ``proxy_cost_s`` per query instead of the table's value;
    ``proxy_fill(arch)`` computes it where ``proxy`` is NaN (a zero-cost score outside its shipped table).
    Either way the answer's ``extra`` carries the table's value as ``true_valid`` (and ``true_test``),
    which the analysis judges (DESIGN.md, "What is searched and what is judged"); ``targets`` are on it.
    """

    def __init__(
        self,
        *,
        choices: Sequence[int],
        archs: np.ndarray,
        valid: np.ndarray,
        test: np.ndarray | None = None,
        cost_s: np.ndarray | None = None,
        extra: Mapping[str, np.ndarray] | None = None,
        valid_runs: np.ndarray | None = None,
        noisy: bool = False,
        proxy: np.ndarray | None = None,
        proxy_cost_s: float = 0.0,
        proxy_fill: Callable[[Arch], float] | None = None,
        value_range: tuple[float, float] = (0.0, 1.0),
        objective: str = "validation accuracy",
    ) -> None:
        self.choices = tuple(int(c) for c in choices)
        archs = np.asarray(archs, dtype=np.int8 if max(self.choices) < 128 else np.int32)
        codes = arch_codes(archs, self.choices)
        order = np.argsort(codes, kind="stable")
        self._codes = codes[order]
        if len(self._codes) > 1 and np.any(self._codes[1:] == self._codes[:-1]):
            raise BenchmarkError("table has duplicate architectures")
        take = lambda x: None if x is None else np.asarray(x)[order]  # noqa: E731
        self._archs = archs[order]
        self._archs.setflags(write=False)
        self.valid = np.asarray(valid)[order].astype(float)
        self.test = take(test)
        self.cost_s = take(cost_s)
        self.extra = {k: np.asarray(v)[order] for k, v in (extra or {}).items()}
        self.valid_runs = take(valid_runs)
        if noisy and self.valid_runs is None:
            raise BenchmarkError("this table has no per-seed results, so noisy=true is not available")
        self.noisy = bool(noisy)
        if noisy and proxy is not None:
            raise BenchmarkError("noisy=true and a proxy evaluator cannot be combined")
        self.proxy = take(proxy)
        self.proxy_cost_s = float(proxy_cost_s)
        self.proxy_fill = proxy_fill
        self.value_range = value_range
        self.objective = objective
        self._objective_values = np.zeros((len(archs), 0))  # the named objectives' columns

    def name_objectives(self, names: Sequence[str]) -> None:
        if self.noisy or self.proxy is not None:
            raise BenchmarkError(f"{self.name}: objectives= is for the table's own values (not noisy=true or a proxy)")
        self._objective_values = _objectives.table_values(self, names)
        self.objectives = _objectives.Objectives.of_table(names, self._objective_values)

    def all_archs(self) -> np.ndarray:
        return self._archs

    def __len__(self) -> int:
        return len(self._archs)

    def index(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Row of each architecture in the table (``all_archs()``), -1 where it is not stored."""
        a = np.asarray(archs, dtype=np.int64).reshape(-1, len(self.choices))
        if np.any(a < 0) or np.any(a >= np.asarray(self.choices)):
            bad = np.any((a < 0) | (a >= np.asarray(self.choices)), axis=1)
            out = np.full(len(a), -1)
            out[~bad] = self.index(a[~bad])
            return out
        codes = arch_codes(a, self.choices)
        pos = np.searchsorted(self._codes, codes).clip(0, len(self._codes) - 1)
        return np.where(self._codes[pos] == codes, pos, -1)

    def is_valid(self, arch: Sequence[int]) -> bool:
        return Benchmark.is_valid(self, arch) and int(self.index([arch])[0]) >= 0

    def query(self, arch: Arch, rng: np.random.Generator | None = None) -> Result:
        if not Benchmark.is_valid(self, arch):
            raise BenchmarkError(
                f"{self.name}: {arch!r} is not an architecture of this space "
                f"(expected {len(self.choices)} ints in ranges {self.choices})"
            )
        i = int(self.index([arch])[0])
        if i < 0:
            raise BenchmarkError(f"{self.name}: {arch!r} is not a valid canonical architecture of this table")
        if self.noisy and self.valid_runs is not None:  # noisy: valid_runs is given (checked in __init__)
            if rng is None:
                raise BenchmarkError(f"{self.name}: noisy queries need the run's rng")
            runs = self.valid_runs[i]
            runs = runs[~np.isnan(runs)]  # rows with fewer seeds are NaN-padded
            valid = float(runs[rng.integers(len(runs))])
        elif self.proxy is not None:
            valid = float(self.proxy[i])
            if np.isnan(valid) and self.proxy_fill is not None:  # not precomputed: estimate it now, once
                valid = self.proxy[i] = self.proxy_fill(arch)
        else:
            valid = float(self.valid[i])
        test = None if self.test is None else float(self.test[i])
        cost = 0.0 if self.cost_s is None else float(self.cost_s[i])
        extra: dict[str, Any] = {k: v[i].item() for k, v in self.extra.items()}
        if self.objectives is not None:
            extra["objectives"] = dict(zip(self.objectives.names, self._objective_values[i].tolist()))
        if self.noisy or self.proxy is not None:  # the analysis judges on these, not on what the search saw
            extra.update(true_valid=float(self.valid[i]), true_test=test)
        if self.proxy is not None:  # the search sees the estimate only, and pays the proxy's cost
            test, cost = None, self.proxy_cost_s
        return Result(valid, test, cost, extra)

    def targets(self) -> Targets:
        return Targets.from_values(self.valid)
