"""A small Gaussian process for the first samples inside the selected leaf (``lanas:gp_until=N``).

A GP models the space from its first samples, where the in-leaf linear model and the tree have
too few (LA-MCTS runs a Bayesian optimiser, TuRBO, inside the selected region). While fewer than
``gp_until`` samples are told, the in-leaf search asks this model first
(:class:`~.inleaf_pickers.GPFirst`): it scores the selected leaf's unevaluated candidates by
expected improvement and the best is proposed; from ``gp_until`` samples on, the picker of
``inleaf`` alone. What it gains against ``optuna-gp`` and ``lanas-plus``: results/reference/peers.md.

- Kernel: categorical (Hamming), ``k(a, b) = s² exp(-θ h(a, b) / d)`` with ``h`` the number of
  decisions on which ``a`` and ``b`` differ and ``d`` the number of decisions (the RBF kernel on
  the one-hot encoding, one length scale).
- Target: the normal score ``Φ⁻¹((rank - ½)/n)`` of each value's rank among the samples, as the
  in-leaf linear model (:mod:`.surrogate`): the history depends on the values' order only.
- Hyperparameters: ``θ`` and the noise ratio ``η`` (noise variance over ``s²``) on the grid
  :data:`THETAS` x :data:`NOISES`, the pair of largest marginal likelihood with ``s²`` profiled
  out (``s² = zᵀK₀⁻¹z / n``); the caller may pass the pair chosen earlier (the search chooses
  it again every :data:`GRID_EVERY` samples), ``s²`` is profiled at every fit.
- Acquisition: expected improvement over the largest target told, on the latent function.

Deterministic: no randomness of its own (which candidates it sees is the caller's).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.special import ndtr, ndtri

from .samples import SampleView
from .surrogate import average_ranks

THETAS = (0.5, 1.0, 2.0, 4.0, 8.0)  # exp(-θ h/d): from smooth (0.5) to nearly independent (8)
NOISES = (1e-3, 1e-2, 0.1, 0.3)  # noise variance / signal variance
GRID_EVERY = 10  # samples between two choices of (θ, η) on the grid (the search's rule)


def matches(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Number of decisions on which each row of ``A`` equals each row of ``B`` (len(A), len(B))."""
    A, B = np.asarray(A, dtype=np.int64), np.asarray(B, dtype=np.int64)
    out = np.zeros((len(A), len(B)), dtype=np.int16)
    for j in range(A.shape[1]):
        out += A[:, j, None] == B[None, :, j]
    return out


class HammingGP:
    """GP regression with the Hamming kernel on rank normal scores (see the module doc)."""

    def __init__(self, X: np.ndarray, values, hyper: tuple[float, float] | None = None) -> None:
        """Fit on the rows of ``X`` (decisions) and their ``values``; ``hyper``: (θ, η) to use
        instead of choosing them on the grid."""
        self.X = np.asarray(X, dtype=np.int64)
        n, self.d = self.X.shape
        self.z = ndtri((average_ranks(values) - 0.5) / n)
        M = matches(self.X, self.X)
        best = None
        for theta in THETAS if hyper is None else (hyper[0],):
            K0 = self._table(theta)[M]
            for eta in NOISES if hyper is None else (hyper[1],):
                L = cholesky(K0 + eta * np.eye(n), lower=True)
                a = cho_solve((L, True), self.z)
                s2 = max(float(self.z @ a) / n, 1e-12)
                ll = -0.5 * n * np.log(s2) - float(np.log(np.diag(L)).sum())
                if best is None or ll > best[0]:
                    best = (ll, theta, eta, L, a, s2)
        assert best is not None
        _, self.theta, self.eta, self.L, self.alpha, self.s2 = best

    @property
    def hyper(self) -> tuple[float, float]:
        """The (θ, η) in use."""
        return self.theta, self.eta

    def _table(self, theta: float) -> np.ndarray:
        """The kernel's value (without ``s²``) for 0..d matching decisions."""
        return np.exp(-theta * (self.d - np.arange(self.d + 1)) / self.d)

    def predict(self, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the latent function at the rows of ``C``."""
        Ks = self._table(self.theta)[matches(C, self.X)]
        mu = Ks @ self.alpha
        v = solve_triangular(self.L, Ks.T, lower=True)
        var = self.s2 * np.maximum(1.0 - (v * v).sum(axis=0), 0.0)
        return mu, np.sqrt(var)

    def expected_improvement(self, C: np.ndarray) -> np.ndarray:
        """Expected improvement of each row of ``C`` over the largest target told."""
        mu, sd = self.predict(C)
        gain = mu - self.z.max()
        sd = np.maximum(sd, 1e-12)
        u = gain / sd
        return gain * ndtr(u) + sd * np.exp(-0.5 * u * u) / np.sqrt(2 * np.pi)


class LeafGP:
    """The GP of ``gp_until`` inside the in-leaf search: fitted on every sample at each pick,
    with (θ, η) chosen on the grid again every :data:`GRID_EVERY` samples."""

    def __init__(self, samples: SampleView) -> None:
        self.samples = samples
        self._hyper: tuple[int, tuple[float, float]] | None = None  # (samples then, (θ, η)) last chosen

    def pick(self, cands: np.ndarray, regrid: bool = True) -> int:
        """Index of the candidate (rows of decisions) of largest expected improvement; ``regrid``
        False: (θ, η) as last chosen, whatever the samples told since (one fit, not the grid's)."""
        n = len(self.samples)
        X = np.asarray(self.samples.archs, dtype=np.int64)
        stale = self._hyper is None or (regrid and n - self._hyper[0] >= GRID_EVERY)
        hyper = None if stale or self._hyper is None else self._hyper[1]
        gp = HammingGP(X, self.samples.y, hyper)
        if hyper is None:
            self._hyper = (n, gp.hyper)
        return int(np.argmax(gp.expected_improvement(cands)))
