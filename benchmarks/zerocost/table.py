"""The table of zero-cost scores of every NAS-Bench-201 cell: building it (resumable) and reading it.

File format (``.npz``): one float64 column of 15,625 per proxy, row = the cell's code (its
mixed-radix index, :func:`benchmarks.base.arch_codes`), NaN where not computed; ``cpu_s`` and ``count``
(per proxy, in :data:`~.scores.PROXIES` order): CPU-seconds spent and cells scored; ``done_<proxy>``: which
cells were scored (a score may be NaN: ``jacov`` of a network whose output ignores its input); ``dataset``,
``batch_size``, ``seed``: the :class:`~.scores.Setting` every score was computed with.

Cells are scored in the order of a uniform random permutation drawn from the setting's seed, so
the cells a partial table holds are a uniform sample of the space.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from .._cell import CHOICES
from ..base import BenchmarkError
from ..flops import conv_counts
from . import BY_CONV_COUNT, PROXIES, Setting

N_CELLS = 15_625
#: the table shipped with the package
SHIPPED = Path(__file__).parent.parent / "data" / "zerocost_nb201.npz"


def all_cells() -> np.ndarray:
    """Every cell, row = code (the last decision varies fastest, as ``arch_codes``)."""
    return np.array(np.unravel_index(np.arange(N_CELLS), CHOICES)).T.astype(np.int64)


def order(seed: int) -> np.ndarray:
    """The codes in the order a build scores them: a uniform permutation from ``seed``."""
    return np.random.default_rng(seed).permutation(N_CELLS)


@dataclass
class Table:
    setting: Setting
    values: dict[str, np.ndarray] = field(default_factory=lambda: {p: np.full(N_CELLS, np.nan) for p in PROXIES})
    cpu_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PROXIES, 0.0))
    count: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROXIES, 0))
    done: dict[str, np.ndarray] = field(default_factory=lambda: {p: np.zeros(N_CELLS, bool) for p in PROXIES})

    def covered(self, proxy: str) -> int:
        return int(self.done[proxy].sum())

    def put(self, rows: np.ndarray | int, values: dict[str, float], seconds: dict[str, float]) -> None:
        for p, v in values.items():
            self.values[p][rows] = v
            self.done[p][rows] = True
            self.cpu_s[p] += seconds[p]
            self.count[p] += 1

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            arrays: dict[str, np.ndarray] = {
                **self.values,
                **{f"done_{p}": d for p, d in self.done.items()},
                "cpu_s": np.array([self.cpu_s[p] for p in PROXIES]),
                "count": np.array([self.count[p] for p in PROXIES]),
                "dataset": np.array(self.setting.dataset),
                "batch_size": np.array(self.setting.batch_size),
                "seed": np.array(self.setting.seed),
            }
            np.savez_compressed(f, **arrays)  # type: ignore[arg-type]  # numpy stubs
        os.replace(tmp, path)


def load(path: Path = SHIPPED) -> Table:
    try:
        with np.load(path, allow_pickle=False) as f:
            setting = Setting(str(f["dataset"]), int(f["batch_size"]), int(f["seed"]))
            return Table(
                setting,
                {p: f[p].astype(float) for p in PROXIES},
                dict(zip(PROXIES, f["cpu_s"].tolist())),
                dict(zip(PROXIES, f["count"].tolist())),
                {p: f[f"done_{p}"].astype(bool) for p in PROXIES},
            )
    except (OSError, KeyError, ValueError) as exc:
        raise BenchmarkError(
            f"zero-cost table {path} unreadable ({exc}): rebuild it with python -m benchmarks.zerocost build"
        ) from None


def fill_by_conv_count(table: Table) -> None:
    """``params`` and ``flops`` of every cell, scoring one cell per (1x1, 3x3) count pair."""
    from .scores import score  # torch: only to build

    cells = all_cells()
    keys = conv_counts(cells)
    for key in np.unique(keys, axis=0):
        rows = np.flatnonzero((keys == key).all(1))
        table.put(rows, *score(cells[rows[0]], BY_CONV_COUNT, table.setting))


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def _scorer(workers: int) -> tuple[Callable, Callable[[], None]]:
    """``(map, close)``: ``map(f, items)`` here, or over ``workers`` processes (spawned: torch and fork
    do not mix) when ``workers > 1``."""
    if workers <= 1:
        return map, lambda: None
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_one_thread)
    return pool.map, pool.shutdown


def build(
    path: Path,
    setting: Setting,
    plan: Sequence[tuple[Sequence[str], int]],
    chunk: int = 100,
    progress: Callable[[str], None] = lambda _: None,
    workers: int = 1,
) -> Table:
    """Score the first ``n`` cells of :func:`order` with ``proxies``, for each ``(proxies, n)`` of
    ``plan``, on ``workers`` processes, saving to ``path`` every ``chunk`` cells; resumes from what
    ``path`` holds."""
    from .scores import score  # torch: only to build

    table = load(path) if path.exists() else Table(setting)
    if table.setting != setting:
        raise BenchmarkError(f"{path} holds scores of {table.setting}, not {setting}: give another --out")
    if table.covered("flops") < N_CELLS:
        fill_by_conv_count(table)
        table.save(path)
    cells, perm = all_cells(), order(setting.seed)
    pmap, close = _scorer(workers)
    try:
        for proxies, n in plan:
            proxies = [p for p in proxies if p not in BY_CONV_COUNT]
            todo = [c for c in perm[:n] if not all(table.done[p][c] for p in proxies)]
            for start in range(0, len(todo), chunk):
                part = todo[start : start + chunk]
                for c, got in zip(part, pmap(partial(score, proxies=proxies, setting=setting), cells[part])):
                    table.put(c, *got)
                table.save(path)
                progress(f"{'+'.join(proxies)}: {start + len(part)}/{len(todo)} cells")
    finally:
        close()
    return table
