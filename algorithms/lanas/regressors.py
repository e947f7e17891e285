"""Linear regressors for LaNAS's internal tree nodes (Wang et al., TPAMI, Sec. 3, the learning phase).

Every regressor fits ``w·x + b`` to the encodings and values of one node's samples and keeps
``coef_`` (d,) and ``intercept_`` so the tree can route a whole pool with one matrix product.
All of them handle degenerate data without NaNs: with no samples the model stays as it was
(zero at first), and with one sample or constant values least squares gives ``w = 0, b = mean``.

- ``lstsq`` (LaNAS default here): the closed-form, minimum-norm least-squares solution of the
  MSE the release minimises, i.e. the model the release's Adam would reach if trained to
  convergence. It is *not* the release's model: at the release's settings Adam has not
  converged for the first few hundred samples, and on NAS-Bench-201 the exact fit needs about
  half the samples (docs/lanas.md). Centring removes the intercept, so the collinear one-hot
  columns (each decision's columns sum to one) are harmless.
- ``ridge``: closed form with an L2 penalty ``alpha·|w|²`` (an ablation; not in the paper).
- ``adam`` (``lanas-release``): the released model, gradient-trained: Xavier-uniform weights,
  PyTorch's default bias init, Adam (lr 1e-5, betas 0.9/0.999, eps 1e-8), gradient norm clipped
  to 5, 20,000 epochs on a node's first training and 3,000 on every later one, warm-started
  (weights and Adam moments persist across rebuilds), full batch, MSE loss. A node without
  samples is not trained and its training is not counted (the release). Vectorised in numpy
  (:func:`fit_many`: all nodes of a tree level train together on their Gram matrices); float64
  where the release uses float32.
"""

from __future__ import annotations

import numpy as np


class LstsqRegressor:
    """Closed-form least squares (minimum-norm solution of the centred problem)."""

    def __init__(self, dim: int) -> None:
        self.coef_ = np.zeros(dim)
        self.intercept_ = 0.0

    def fit(self, X: np.ndarray, y: np.ndarray) -> LstsqRegressor:
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

    def __init__(
        self,
        dim: int,
        rng: np.random.Generator,
        *,
        lr: float = 1e-5,
        epochs: int = 20_000,
        refit_epochs: int = 3_000,
        clip: float = 5.0,
    ) -> None:
        if epochs < 0 or refit_epochs < 0 or lr <= 0:
            raise ValueError("adam needs lr > 0 and epochs >= 0")
        # PyTorch nn.Linear(dim, 1): Xavier-uniform weight, U(±1/sqrt(dim)) bias
        bound = np.sqrt(6.0 / (dim + 1))
        self._theta = np.concatenate(
            [rng.uniform(-bound, bound, dim), rng.uniform(-1 / np.sqrt(dim), 1 / np.sqrt(dim), 1)]
        )
        self._m = np.zeros(dim + 1)
        self._v = np.zeros(dim + 1)
        self._t = 0
        self._fits = 0  # trainings so far (the release's ``training_counter``)
        self.lr, self.epochs, self.refit_epochs, self.clip = lr, epochs, refit_epochs, clip

    @property
    def coef_(self) -> np.ndarray:
        return self._theta[:-1]

    @property
    def intercept_(self) -> float:
        return float(self._theta[-1])

    def fit(self, X: np.ndarray, y: np.ndarray) -> AdamRegressor:
        fit_many([self], [X], [y])
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_


def fit_many(regs: list, Xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
    """Fit every ``regs[k]`` to ``(Xs[k], ys[k])``; Adam regressors in one vectorised loop.

    Adam models with the same number of epochs due (first fit or refit) and the same settings
    train together: the full-batch MSE gradient of ``θ = [w, b]`` is ``(2/n)(G θ - c)`` with
    ``G = Xbᵀ Xb`` and ``c = Xbᵀ y`` (``Xb`` = X with a column of ones), so one epoch of all of
    them is a few operations on (k, d+1) arrays whatever the sample counts. A node without
    samples is not trained and its fit is not counted, as in the release (``Classifier.
    split_data`` returns before ``train()``, which counts ``training_counter``), so its first
    fit with samples gets ``epochs``, not ``refit_epochs``.
    """
    groups: dict[tuple, list[int]] = {}
    for k, (reg, y) in enumerate(zip(regs, ys)):
        if not isinstance(reg, AdamRegressor):
            reg.fit(Xs[k], ys[k])
        elif len(y):
            epochs = reg.epochs if reg._fits == 0 else reg.refit_epochs
            groups.setdefault((epochs, reg.lr, reg.clip), []).append(k)
    for (epochs, lr, clip), ks in groups.items():
        _adam_epochs([regs[k] for k in ks], [Xs[k] for k in ks], [ys[k] for k in ks], epochs, lr, clip)


def _adam_epochs(regs: list[AdamRegressor], Xs, ys, epochs: int, lr: float, clip: float) -> None:
    """``epochs`` steps of PyTorch's Adam (betas 0.9/0.999, eps 1e-8) with ``clip_grad_norm_``
    on every model of ``regs`` at once (each keeps its own step count, as torch's Adam does).

    The loop is bound by the number of numpy calls per epoch, not by arithmetic, so it makes
    few: both moments move in one lerp (``mv``, with their rates ``rate``), and the per-model
    gradient norms are computed only when the sum of all squared gradients, which the second
    moment needs anyway, comes within 1e-9 of the clipping threshold (below it no model can
    be clipped; the numbers are those of the plain loop, bit for bit, tests/algorithms/lanas/test_lanas_fast_paths.py).
    """
    grams, crosses = [], []
    for X, y in zip(Xs, ys):
        Xb = np.hstack([np.asarray(X, dtype=float), np.ones((len(y), 1))])
        grams.append(Xb.T @ Xb * (2.0 / len(y)))
        crosses.append(Xb.T @ np.asarray(y, dtype=float) * (2.0 / len(y)))
    G, c = np.stack(grams), np.stack(crosses)
    theta = np.stack([r._theta for r in regs])
    mv = np.stack([np.stack([r._m for r in regs]), np.stack([r._v for r in regs])])  # (2, k, d+1)
    m, v = mv[0], mv[1]
    b1, b2, eps = 0.9, 0.999, 1e-8
    rate = np.array([1 - b1, 1 - b2])[:, None, None]  # m.lerp_(grad, 1 - b1); v += (1 - b2)(grad² - v)
    # bias corrections of every step ahead: t = each model's count + 1 .. + epochs
    t = np.array([r._t for r in regs], dtype=float)[None, :] + np.arange(1, epochs + 1)[:, None]
    steps = list((lr / (1 - b1**t))[:, :, None])
    root_bc2s = list(np.sqrt(1 - b2**t)[:, :, None])
    gg = np.empty_like(mv)  # the gradient and its square, then their moves towards them
    grad, grad2, tmp = gg[0], gg[1], np.empty_like(theta)
    g3, th3 = grad[:, :, None], theta[:, :, None]
    limit = (clip - 1e-6) ** 2
    for step, root_bc2 in zip(steps, root_bc2s):  # the same operations as torch's Adam, in place
        np.matmul(G, th3, out=g3)
        grad -= c
        np.multiply(grad, grad, out=grad2)
        if grad2.sum() > limit * (1 - 1e-9):  # some model may need clipping: check each exactly
            norm2 = np.einsum("ki,ki->k", grad, grad)
            if norm2.max() > limit:  # torch: clip_grad_norm_ (factor clamped at 1)
                grad *= np.minimum(1.0, clip / (np.sqrt(norm2) + 1e-6))[:, None]
                np.multiply(grad, grad, out=grad2)
        gg -= mv
        gg *= rate
        mv += gg
        np.sqrt(v, out=tmp)  # denominator sqrt(v) / sqrt(1 - b2^t) + eps
        tmp /= root_bc2
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= step
        theta -= tmp
    for k, r in enumerate(regs):
        r._theta, r._m, r._v = theta[k].copy(), m[k].copy(), v[k].copy()
        r._t += epochs
        r._fits += 1


REGRESSORS = ("lstsq", "ridge", "adam")


def make_regressor(
    kind: str,
    dim: int,
    rng: np.random.Generator,
    *,
    ridge_alpha: float = 1.0,
    adam_lr: float = 1e-5,
    adam_epochs: int = 20_000,
    adam_refit_epochs: int = 3_000,
):
    """One regressor of ``kind`` (one of :data:`REGRESSORS`) for ``dim`` features."""
    if kind == "lstsq":
        return LstsqRegressor(dim)
    if kind == "ridge":
        return RidgeRegressor(dim, ridge_alpha)
    if kind == "adam":
        return AdamRegressor(dim, rng, lr=adam_lr, epochs=adam_epochs, refit_epochs=adam_refit_epochs)
    raise ValueError(f"unknown regressor {kind!r}; choose one of {', '.join(REGRESSORS)}")
