"""Linear regressors for LaNAS's internal tree nodes (Wang et al., TPAMI, Sec. 3, the learning phase).

Every regressor fits ``w·x + b`` to the encodings and values of one node's samples and keeps
``coef_`` (d,) and ``intercept_`` so the tree can route a whole pool with one matrix product.
All of them handle degenerate data without NaNs: with no samples the model stays as it was
(zero at first), and with one sample or constant values least squares gives ``w = 0, b = mean``.

- ``lstsq`` (LaNAS default here): the closed-form, minimum-norm least-squares solution of the
  MSE the release minimises; the fast equivalent of the release's Adam-trained ``nn.Linear``
  once that has converged. Centring removes the intercept, so the collinear one-hot columns
  (each decision's columns sum to one) are harmless.
- ``ridge``: closed form with an L2 penalty ``alpha·|w|²`` (an ablation; not in the paper).
- ``adam``: the released model, gradient-trained: Xavier-uniform weights, PyTorch's default
  bias init, Adam (lr 1e-5, betas 0.9/0.999, eps 1e-8), gradient norm clipped to 5, 20,000
  epochs on the first fit and 3,000 on every refit, warm-started (weights and Adam moments
  persist across rebuilds), full batch, MSE loss; numpy only. Fewer epochs are allowed through
  options (``adam_epochs``, ``adam_refit_epochs``); the defaults cost minutes per run.
"""
from __future__ import annotations

import numpy as np


class LstsqRegressor:
    """Closed-form least squares (minimum-norm solution of the centred problem)."""

    def __init__(self, dim: int) -> None:
        self.coef_ = np.zeros(dim)
        self.intercept_ = 0.0

    def fit(self, X: np.ndarray, y: np.ndarray) -> "LstsqRegressor":
        if len(y) == 0:
            return self
        if y.min() == y.max():  # one sample or constant values: a constant model, exactly
            self.coef_ = np.zeros(X.shape[1])
            self.intercept_ = float(y[0])
            return self
        x_mean, y_mean = X.mean(axis=0), float(y.mean())
        self.coef_ = self._solve(X - x_mean, y - y_mean)
        self.intercept_ = y_mean - float(x_mean @ self.coef_)
        return self

    def _solve(self, Xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
        n, d = Xc.shape
        if n <= 2 * d:  # few samples: the SVD of Xc itself is cheap and exact
            return np.linalg.lstsq(Xc, yc, rcond=None)[0]
        # many samples: normal equations on the small (d, d) Gram matrix, several times faster;
        # a 1e-11 relative jitter keeps it solvable when columns are collinear (one-hot groups)
        # and moves predictions by ~1e-10 from the minimum-norm solution
        gram = Xc.T @ Xc
        gram[np.diag_indices(d)] += 1e-11 * max(float(np.trace(gram)), 1e-300) / d
        return np.linalg.solve(gram, Xc.T @ yc)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_


class RidgeRegressor(LstsqRegressor):
    """Least squares with an L2 penalty on ``w`` (the intercept is not penalised)."""

    def __init__(self, dim: int, alpha: float = 1.0) -> None:
        super().__init__(dim)
        if alpha < 0:
            raise ValueError(f"ridge_alpha must be >= 0, got {alpha}")
        self.alpha = float(alpha)

    def _solve(self, Xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
        gram = Xc.T @ Xc + self.alpha * np.eye(Xc.shape[1])
        return np.linalg.lstsq(gram, Xc.T @ yc, rcond=None)[0]


class AdamRegressor:
    """The release's ``LinearModel`` trained by Adam on the MSE (see the module docstring)."""

    def __init__(self, dim: int, rng: np.random.Generator, *, lr: float = 1e-5,
                 epochs: int = 20_000, refit_epochs: int = 3_000, clip: float = 5.0) -> None:
        if epochs < 0 or refit_epochs < 0 or lr <= 0:
            raise ValueError("adam needs lr > 0 and epochs >= 0")
        # PyTorch nn.Linear(dim, 1): Xavier-uniform weight, U(±1/sqrt(dim)) bias
        bound = np.sqrt(6.0 / (dim + 1))
        self._theta = np.concatenate([rng.uniform(-bound, bound, dim),
                                      rng.uniform(-1 / np.sqrt(dim), 1 / np.sqrt(dim), 1)])
        self._m = np.zeros(dim + 1)
        self._v = np.zeros(dim + 1)
        self._t = 0
        self._fits = 0
        self.lr, self.epochs, self.refit_epochs, self.clip = lr, epochs, refit_epochs, clip

    @property
    def coef_(self) -> np.ndarray:
        return self._theta[:-1]

    @property
    def intercept_(self) -> float:
        return float(self._theta[-1])

    def fit(self, X: np.ndarray, y: np.ndarray) -> "AdamRegressor":
        epochs = self.epochs if self._fits == 0 else self.refit_epochs
        self._fits += 1
        if len(y) == 0:  # the release skips training a node with no samples
            return self
        Xb = np.hstack([X, np.ones((len(y), 1))])
        scale = 2.0 / len(y)
        b1, b2, eps = 0.9, 0.999, 1e-8
        theta, m, v = self._theta, self._m, self._v
        for _ in range(epochs):
            grad = scale * (Xb.T @ (Xb @ theta - y))
            norm = float(np.sqrt(grad @ grad))
            if norm > self.clip:
                grad *= self.clip / (norm + 1e-6)
            self._t += 1
            m *= b1
            m += (1 - b1) * grad
            v *= b2
            v += (1 - b2) * grad * grad
            step = self.lr * np.sqrt(1 - b2 ** self._t) / (1 - b1 ** self._t)
            theta -= step * m / (np.sqrt(v) + eps * np.sqrt(1 - b2 ** self._t))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_


REGRESSORS = ("lstsq", "ridge", "adam")


def make_regressor(kind: str, dim: int, rng: np.random.Generator, *, ridge_alpha: float = 1.0,
                   adam_lr: float = 1e-5, adam_epochs: int = 20_000, adam_refit_epochs: int = 3_000):
    """One regressor of ``kind`` (one of :data:`REGRESSORS`) for ``dim`` features."""
    if kind == "lstsq":
        return LstsqRegressor(dim)
    if kind == "ridge":
        return RidgeRegressor(dim, ridge_alpha)
    if kind == "adam":
        return AdamRegressor(dim, rng, lr=adam_lr, epochs=adam_epochs, refit_epochs=adam_refit_epochs)
    raise ValueError(f"unknown regressor {kind!r}; choose one of {', '.join(REGRESSORS)}")
