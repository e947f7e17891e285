"""What LaNAS's models see of a told value (``lanas:scale=value|rank``): the one place values enter.

- ``value`` (the paper and its release): the value scaled to [0, 1] by ``benchmark.value_range``,
  so the tree's regressors, its split thresholds and the UCB means follow the objective's scale:
  on a table whose values span orders of magnitude a few large values dominate every fit.
- ``rank`` (beyond the paper): the value's mid-rank quantile among the values told so far,
  ``(rank - ½) / n`` with tied values sharing their mean rank, recomputed for every sample at
  each tell; a new sample's quantile at its tell is what the UCB walk back-propagates. Every
  quantity then depends on the order of the values only, so any strictly increasing transform
  of a table's values leaves the history identical (tests/algorithms/test_rank_invariance.py). The
  in-leaf searches only order samples (and the in-leaf model, :mod:`.surrogate`, already fits the
  normal scores of ranks), so in this mode they are given the value itself, which orders samples
  as their current quantiles do; the quantiles of all samples are computed only when the tree is
  rebuilt (:meth:`ValueScale.fitted`), so the layer costs O(n) per tell and O(n log n) per rebuild.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
from scipy.stats import rankdata

SCALES = ("value", "rank")


class ValueScale:
    """Turns told values into the numbers LaNAS fits (see the module doc for ``kind``)."""

    def __init__(self, kind: str, value_range: tuple[float, float]) -> None:
        if kind not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {kind!r}")
        lo, hi = value_range
        if not hi > lo:
            raise ValueError(f"benchmark value_range {value_range} is empty")
        self.kind = kind
        self.lo, self.width = float(lo), float(hi - lo)
        self._sorted: list[float] = []  # rank mode: every value told, in increasing order

    @property
    def by_rank(self) -> bool:
        return self.kind == "rank"

    def clean(self, value: float) -> float:
        """A non-finite value counts as the bottom of ``value_range``."""
        value = float(value)
        return value if math.isfinite(value) else self.lo

    def add(self, value: float) -> float:
        """The number fitted for a newly told ``value`` (already :meth:`clean`)."""
        if not self.by_rank:
            return (value - self.lo) / self.width
        bisect.insort(self._sorted, value)
        below = bisect.bisect_left(self._sorted, value)
        equal = bisect.bisect_right(self._sorted, value) - below
        return (below + equal / 2) / len(self._sorted)  # mid-rank quantile, as :meth:`all`

    def fitted(self, values: list[float], scaled: list[float]) -> np.ndarray:
        """What the tree fits for every told sample (in tell order): the values' quantiles as of
        now (rank mode), else ``scaled``, the numbers :meth:`add` gave."""
        if not self.by_rank:
            return np.asarray(scaled, dtype=float)
        return (rankdata(values) - 0.5) / len(values)

    def unscale(self, y: float) -> float:
        """A fitted number back in benchmark units (rank mode: the quantile itself)."""
        return y if self.by_rank else self.lo + y * self.width
