"""A zero-cost proxy as a table's evaluator: ``nb201/<dataset>:evaluator=zc-<proxy>``.

The search sees the proxy's score of the cell as a percentile (0-100) among the scores of the shipped
table's cells (NaN and -inf, a network without signal, at 0): a monotone map of the score, so every
algorithm meets values on the table's own scale, and the analysis judges the table's accuracy
(``true_valid``), as for the supernet estimates. A cell the shipped table does not hold is scored on
demand with the table's setting (dataset, batch size, seed) and kept for the rest of the process.
Each query costs the proxy's mean CPU-seconds per cell measured while building the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from importlib.util import find_spec

import numpy as np

from .._cell import CHOICES
from ..base import BenchmarkError, arch_codes
from . import PROXIES
from .table import Table, load

PREFIX = "zc-"
EVALUATORS = tuple(PREFIX + p for p in PROXIES)


@cache
def shipped() -> Table:
    return load()


def proxy_name(evaluator: str) -> str:
    return evaluator.removeprefix(PREFIX)


@cache
def _sorted_scores(proxy: str) -> np.ndarray:
    t = shipped()
    v = t.values[proxy][t.done[proxy]]
    return np.sort(v[np.isfinite(v)])


def percentile(proxy: str, values: np.ndarray) -> np.ndarray:
    """100 x the fraction of the table's finite scores below each value; NaN and -inf give 0."""
    ref = _sorted_scores(proxy)
    v = np.asarray(values, dtype=float)
    out = 100.0 * np.searchsorted(ref, np.nan_to_num(v, nan=-np.inf), side="left") / max(len(ref), 1)
    return np.where(np.isnan(v) | np.isneginf(v), 0.0, out)


def column(proxy: str) -> np.ndarray:
    """The percentile of every cell, row = cell code; NaN where the table holds no score."""
    t = shipped()
    return np.where(t.done[proxy], percentile(proxy, t.values[proxy]), np.nan)


@lru_cache(maxsize=100_000)
def on_demand(proxy: str, arch: tuple[int, ...]) -> float:
    """The percentile of a cell the table does not hold, scored now with the table's setting."""
    from .scores import score  # torch: only for cells outside the table

    values, _ = score(arch, [proxy], shipped().setting)
    return float(percentile(proxy, np.array([values[proxy]]))[0])


def fill(proxy: str):
    return lambda arch: on_demand(proxy, tuple(int(a) for a in arch))


def cost_s(proxy: str) -> float:
    t = shipped()
    return t.cpu_s[proxy] / max(t.count[proxy], 1)


def describe(evaluator: str) -> str:
    s = shipped().setting
    where = (
        "" if proxy_name(evaluator) in ("synflow", "params", "flops") else f", a {s.dataset} batch of {s.batch_size}"
    )
    return f"searched through the zero-cost proxy {proxy_name(evaluator)} (percentile{where}, seed {s.seed}), judged on the mean"


def archs_column(proxy: str, archs: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """:func:`column` at the rows of ``archs``."""
    return column(proxy)[arch_codes(np.asarray(archs), CHOICES)]


def scores(proxy: str, archs: np.ndarray) -> np.ndarray:
    """The proxy's percentile (:func:`percentile`) of each cell of ``archs``: the shipped table's,
    and the cells it lacks scored now with its setting (torch needed: one line without it)."""
    got = archs_column(proxy, archs)
    missing = np.flatnonzero(np.isnan(got))
    if len(missing) and find_spec("torch") is None:
        raise BenchmarkError(
            f"zero-cost proxy {proxy}: the shipped table lacks {len(missing):,} of the {len(got):,} cells asked, "
            "and scoring them needs torch (pip install torch)"
        )
    for i in missing:
        got[i] = on_demand(proxy, tuple(int(a) for a in archs[i]))
    return got
