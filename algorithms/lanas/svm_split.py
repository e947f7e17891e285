"""The LA-MCTS split (``lanas:split=svm``; Wang, Fonseca, Tian, NeurIPS 2020, Sec. 3), a departure
from LaNAS's regressor split.

A node's samples are clustered by 2-means on ``[encoding, value]``, the value centred and scaled
so that its variance equals the encoding's total variance (one-hot columns would otherwise
drown a value in [0, 1]; LA-MCTS clusters on the raw ``[x, f(x)]``). The cluster of higher mean
value is the good one; a linear SVM (``sklearn.svm.LinearSVC``, seeded with an int drawn from the
run's rng) trained to separate the two clusters is the boundary ``w·x + b >= 0`` of the good
child, fitted by :func:`linear_svc`: LinearSVC's own liblinear call without the estimator's input
checks, the same coefficients bit for bit (tests/algorithms/lanas/test_lanas_fast_paths.py) in about a fifth of
``LinearSVC.fit``'s time (the 710 splits of a ``lanas-plus`` run on ``nb201/cifar10-valid``).
When a cluster is empty, the values are constant, or the SVM puts every sample on one side,
:meth:`SvmSplit.__call__` returns None and the node keeps the regressor split.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

N_LLOYD = 20  # Lloyd iterations of the 2-means (converges in a handful on these data)


class Boundary:
    """A fitted linear boundary in the regressor interface (``coef_``, ``intercept_``, ``predict``)."""

    def __init__(self, coef: np.ndarray, intercept: float) -> None:
        self.coef_, self.intercept_ = np.asarray(coef, dtype=float), float(intercept)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_


def nearest(Z: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index (0/1) of the nearer of two centres for each row of ``Z``, ties to centre 0: the
    argmin of the squared distances, each summed over a row as numpy sums an (n, 2, d) array's."""
    return (((Z - centres[1]) ** 2).sum(axis=1) < ((Z - centres[0]) ** 2).sum(axis=1)).astype(np.int64)


def two_means(Z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Labels (0/1) of 2-means on the rows of ``Z``: k-means++ seeding, Lloyd iterations."""
    first = Z[int(rng.integers(len(Z)))]
    d2 = ((Z - first) ** 2).sum(axis=1)
    if d2.sum() <= 0:
        return np.zeros(len(Z), dtype=np.int64)
    second = Z[int(rng.choice(len(Z), p=d2 / d2.sum()))]
    centres = np.stack([first, second])
    labels = np.zeros(len(Z), dtype=np.int64)
    for _ in range(N_LLOYD):
        new = nearest(Z, centres)
        if _ and np.array_equal(new, labels):
            break
        labels = new
        for k in (0, 1):
            mine = labels == k
            if mine.any():
                centres[k] = Z[mine].mean(axis=0)
    return labels


def linear_svc(
    X: np.ndarray, target: np.ndarray, c: float, seed: int, max_iter: int = 2000
) -> tuple[np.ndarray, float]:
    """``(coef, intercept)`` of ``LinearSVC(C=c, random_state=seed, max_iter=max_iter).fit(X, target)``
    for 0/1 ``target`` with both classes present: the liblinear call LinearSVC makes (squared
    hinge, L2 penalty, the installed version's default ``dual``, tol 1e-4, intercept scaling 1,
    unit class and sample weights, liblinear seeded from ``RandomState(seed)`` as
    ``check_random_state`` does: a generator of this module, seeded anew, never numpy's global one)."""
    from sklearn.svm import _liblinear  # imported here: only this option needs scikit-learn

    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    dual = _default_dual()
    if dual == "auto":  # the dual solver when there are fewer samples than features
        dual = X.shape[0] < X.shape[1]
    solver = 1 if dual else 2  # liblinear's L2-regularised squared hinge, dual or primal
    _liblinear.set_verbosity_wrap(0)
    legacy = _legacy_generator()
    legacy.seed(seed)  # the state of RandomState(seed), without a new generator's OS entropy draw
    raw, _ = _liblinear.train_wrap(
        X, y, False, solver, 1e-4, 1.0, c, np.ones(2), max_iter, legacy.randint(np.iinfo("i").max), 0.1, np.ones(len(y))
    )
    return raw[0, :-1], float(raw[0, -1])


@lru_cache(maxsize=1)
def _legacy_generator() -> np.random.RandomState:
    """One ``RandomState``, re-seeded before every use (making a new one costs about 0.5 ms)."""
    return np.random.RandomState(0)


@lru_cache(maxsize=1)
def _default_dual() -> bool | str:
    """LinearSVC's default ``dual`` in the installed scikit-learn (True before 1.5, then "auto")."""
    from sklearn.svm import LinearSVC

    return LinearSVC().dual


class SvmSplit:
    """Callable ``(X, y) -> (Boundary, good mask) | None`` for one tree node."""

    def __init__(self, rng: np.random.Generator, c: float = 1.0) -> None:
        self.rng, self.c = rng, float(c)
        self.fallbacks = 0  # nodes that kept the regressor split

    def __call__(self, X: np.ndarray, y: np.ndarray) -> tuple[Boundary, np.ndarray] | None:
        if len(y) < 2 or np.ptp(y) == 0:
            self.fallbacks += 1
            return None
        spread = float(X.var(axis=0).sum())
        scale = np.sqrt(spread) / float(y.std()) if spread > 0 else 1.0 / float(y.std())
        labels = two_means(np.column_stack([X, (y - y.mean()) * scale]), self.rng)
        if labels.min() == labels.max():
            self.fallbacks += 1
            return None
        good_label = int(y[labels == 1].mean() > y[labels == 0].mean())
        target = (labels == good_label).astype(int)
        boundary = Boundary(*linear_svc(X, target, self.c, int(self.rng.integers(2**31 - 1))))
        good = boundary.predict(X) >= 0
        if good.all() or not good.any():
            self.fallbacks += 1
            return None
        return boundary, good
