"""The value model behind ``lanas:inleaf=bo``: Bayesian linear regression on one-hot and pairwise
features with Thompson sampling (a departure from LaNAS; its follow-up LA-MCTS, Wang et al.,
NeurIPS 2020, runs a Bayesian optimiser inside the selected region).

Why this model. Cell spaces (NAS-Bench-201, NAS-Bench-Graph) have few decisions with few values
each and their accuracy has strong two-decision interactions (an op on one edge matters only with
certain ops on another), which a linear model on one-hot features misses and a GP over one-hot
features captures through its kernel. A linear model on the one-hot *and* pairwise-product
features is the explicit form of a second-order kernel; its posterior is exact and cheap:

- features: one indicator per (decision, value) and per (decision pair, value pair), so an
  architecture has ``k = d + d(d-1)/2`` active features out of ``D`` (nb201: k = 21, D = 405);
  spaces where ``D`` would exceed :data:`MAX_PAIRWISE_DIM` keep the one-hot part only (nb201:
  405, NAS-Bench-Graph: 855, NATS-Bench's size space: 680; NAS-Bench-101's 26 decisions would
  give 1,617 features and k = 351, so it is modelled on its 57 one-hot features);
- the target is the normal score of each value's rank among the samples,
  ``Φ⁻¹((rank - ½)/n)``: the argmax is all that matters, and ranks keep the few failed
  architectures (10 % accuracy on nb201) from dominating a squared loss (how much better the
  ranks order a table: docs/lanas.md);
- prior ``w ~ N(0, σ²/α I)``, likelihood ``z = φ·w + N(0, σ²)``; the inverse precision
  ``A⁻¹ = (ΦᵀΦ + αI)⁻¹`` is kept by Sherman-Morrison rank-one updates, held as pending
  low-rank terms ``A⁻¹ = B - Σ uᵢuᵢᵀ/cᵢ`` (O(D·(k+m)) per sample) and folded into ``B`` by one
  matrix product every :data:`MAX_PENDING` samples or at :meth:`refresh`;
- σ² is the mean squared leave-one-out residual of the posterior mean (closed form for ridge),
  refreshed by :meth:`refresh` (LaNAS calls it at each tree rebuild);
- Thompson sampling: ``w̃ = A⁻¹(Φᵀ(z + σε) + σ√α ξ)`` with ε, ξ standard normal is an exact
  draw from the posterior N(A⁻¹Φᵀz, σ²A⁻¹) that needs no matrix square root. The next
  architecture is the candidate of largest ``φ·w̃``: greedy in expectation, exploring in
  proportion to the model's uncertainty, and all randomness from the run's rng.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import ndtri  # norm.ppf's own kernel, without importing scipy.stats

#: the model's cost grows as D² per sample (A⁻¹ is D x D) and as n·k² per :meth:`refresh`, so
#: larger pairwise spaces (NAS-Bench-101's 1,617 features) keep the one-hot part (its cost:
#: docs/benchmarks.md)
MAX_PAIRWISE_DIM = 1000
MAX_PENDING = 32  # rank-one updates held before they are folded into A⁻¹


class PairwiseThompson:
    """Bayesian linear regression on one-hot + pairwise indicators of a categorical space."""

    def __init__(self, choices: Sequence[int], alpha: float = 1.0) -> None:
        self.choices = tuple(int(c) for c in choices)
        d = len(self.choices)
        self._offsets = np.concatenate([[0], np.cumsum(self.choices)[:-1]]).astype(np.int64)
        dim = int(sum(self.choices))
        pairs, pair_off = [], []
        for i in range(d):
            for j in range(i + 1, d):
                pairs.append((i, j))
                pair_off.append(dim)
                dim += self.choices[i] * self.choices[j]
        if dim > MAX_PAIRWISE_DIM:
            pairs, pair_off, dim = [], [], int(sum(self.choices))
        self._pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        self._pair_off = np.array(pair_off, dtype=np.int64)
        self.dim, self.alpha = dim, float(alpha)
        self._base = np.eye(dim) / self.alpha  # A⁻¹ but for the pending updates
        self._U = np.zeros((dim, MAX_PENDING))  # pending Sherman-Morrison vectors uᵢ ...
        self._c = np.ones(MAX_PENDING)  # ... and their denominators cᵢ
        self._m = 0
        self._rows = np.zeros((64, len(self.choices) + len(self._pairs)), dtype=np.int64)  # grows by doubling
        self._y: list[float] = []
        self._cache: tuple[int, tuple] | None = None  # (n, _targets()) for the last n samples
        self.sigma = 1.0

    def active(self, archs: np.ndarray) -> np.ndarray:
        """Indices of the active features of each row of ``archs``: an (m, k) int array."""
        a = np.asarray(archs, dtype=np.int64).reshape(-1, len(self.choices))
        parts = [a + self._offsets]
        if len(self._pairs):
            i, j = self._pairs[:, 0], self._pairs[:, 1]
            parts.append(self._pair_off + a[:, i] * np.asarray(self.choices)[j] + a[:, j])
        return np.concatenate(parts, axis=1)

    def _fold(self) -> None:
        """Fold the pending updates into ``_base``, which then is A⁻¹."""
        if self._m:
            U = self._U[:, : self._m]
            self._base -= (U / self._c[: self._m]) @ U.T
            self._m = 0

    @property
    def _Ainv(self) -> np.ndarray:
        """A⁻¹ (pending updates folded in first)."""
        self._fold()
        return self._base

    def _rows_of_Ainv(self, idx: np.ndarray) -> np.ndarray:
        """Rows ``idx`` of A⁻¹ (pending updates applied to them only)."""
        m = self._m
        rows = self._base[idx]
        return rows - (self._U[idx, :m] / self._c[:m]) @ self._U[:, :m].T if m else rows

    def add(self, arch: Sequence[int], y: float) -> None:
        """One observation: a rank-one update of A⁻¹ (Sherman-Morrison), held pending."""
        idx = self.active(np.asarray(arch))[0]
        if self._m == MAX_PENDING:
            self._fold()
        u = self._rows_of_Ainv(idx).sum(axis=0)  # A⁻¹ is symmetric: A⁻¹φ from its rows
        self._U[:, self._m], self._c[self._m] = u, 1.0 + u[idx].sum()
        self._m += 1
        n = len(self._y)
        if n == len(self._rows):
            self._rows = np.concatenate([self._rows, np.zeros_like(self._rows)])
        self._rows[n] = idx
        self._y.append(float(y))

    def _targets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Active features (n, k), normal scores z of the values' ranks, and Φᵀz (cached until the
        next :meth:`add`)."""
        n = len(self._y)
        if self._cache is None or self._cache[0] != n:
            rows = self._rows[:n]
            z = ndtri((average_ranks(self._y) - 0.5) / n)
            self._cache = (
                n,
                (rows, z, np.bincount(rows.ravel(), weights=np.repeat(z, rows.shape[1]), minlength=self.dim)),
            )
        return self._cache[1]

    def refresh(self) -> None:
        """Re-estimate σ from the leave-one-out residuals of the posterior mean."""
        if len(self._y) < 2:
            return
        rows, z, v = self._targets()
        w = self._Ainv @ v
        resid = z - w[rows].sum(axis=1)
        lev = self._Ainv[rows[:, :, None], rows[:, None, :]].sum(axis=(1, 2))
        loo = resid / np.maximum(1.0 - lev, 1e-6)
        self.sigma = float(max(np.sqrt(np.mean(loo**2)), 1e-6))

    def _draw_rhs(self, rng: np.random.Generator) -> np.ndarray:
        """``Φᵀ(z + σε) + σ√α ξ``: a Thompson draw of the weights is A⁻¹ times it."""
        v = np.zeros(self.dim)
        if self._y:
            rows, _, v = self._targets()
            eps = self.sigma * rng.standard_normal(len(rows))
            v = v + np.bincount(rows.ravel(), weights=np.repeat(eps, rows.shape[1]), minlength=self.dim)
        return v + self.sigma * np.sqrt(self.alpha) * rng.standard_normal(self.dim)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """A Thompson draw of the weights (a length-``dim`` vector)."""
        return self._Ainv @ self._draw_rhs(rng)

    def sample_scores(self, rng: np.random.Generator, archs: np.ndarray) -> np.ndarray:
        """``φ(a)·w̃`` for every row of ``archs`` under one Thompson draw ``w̃`` (the same draw,
        from the same random numbers, as ``score(draw(rng), archs)``), without folding the
        pending updates: ``w̃ = B v - U diag(1/c) (Uᵀ v)``, matrix-vector products only."""
        v = self._draw_rhs(rng)
        w = self._base @ v
        m = self._m
        if m:
            U = self._U[:, :m]
            w -= (U / self._c[:m]) @ (U.T @ v)
        return w[self.active(archs)].sum(axis=1)

    def score(self, w: np.ndarray, archs: np.ndarray) -> np.ndarray:
        """``φ(a)·w`` for every row of ``archs``."""
        return w[self.active(archs)].sum(axis=1)


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks 1..n of ``values``, ties sharing their mean rank (``scipy.stats.rankdata``'s default,
    the same numbers: ranks are whole or half numbers): (values below + values not above + 1) / 2."""
    y = np.asarray(values, dtype=float)
    ys = np.sort(y)
    return 0.5 * (np.searchsorted(ys, y, "left") + np.searchsorted(ys, y, "right") + 1)
