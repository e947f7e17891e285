"""LaNAS's fast paths give the same numbers as the plain computations they replace
(speed with histories unchanged): the SVM split's direct liblinear call, the 2-means, the ranks
of the Thompson model, the pool's row look-up and the in-leaf samplers' cached routing."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from algorithms.lanas import LaNAS
from algorithms.lanas.pool import Pool
from algorithms.lanas.samples import encode
from algorithms.lanas.surrogate import average_ranks
from algorithms.lanas.svm_split import linear_svc, two_means
from benchmarks.base import Result
from benchmarks.table import TableBenchmark
from tests.synthetic import linear_table


@pytest.mark.parametrize("n", [3, 12, 29, 30, 31, 200])  # both sides of dual="auto" (30 features)
def test_linear_svc_is_sklearns_linear_svc(n):
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(n)
    X = np.eye(5)[rng.integers(5, size=(n, 6))].reshape(n, 30)
    target = (X[:, :3].sum(axis=1) + 0.5 * rng.random(n) > 0.8).astype(int)
    target[:2] = (0, 1)  # both classes
    for seed in (0, 12345):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = LinearSVC(C=1.0, random_state=seed, max_iter=2000).fit(X, target)
        coef, intercept = linear_svc(X, target, 1.0, seed)
        assert np.array_equal(coef, ref.coef_[0]) and intercept == ref.intercept_[0]


def test_two_means_is_the_two_means_of_the_n_2_d_distances(monkeypatch):
    """The 2-means gives the labels it gave with its first distances (an (n, 2, d) array, argmin)."""
    from algorithms.lanas import svm_split

    rng = np.random.default_rng(0)
    inputs = []
    for trial in range(40):
        n = int(rng.integers(2, 300))
        Z = np.column_stack([np.eye(5)[rng.integers(5, size=(n, 6))].reshape(n, 30), rng.random(n)])
        if trial % 4 == 0:
            Z[: n // 2] = Z[0]  # ties between the two centres
        inputs.append(Z)
    fast = [two_means(Z, np.random.default_rng(k)) for k, Z in enumerate(inputs)]
    monkeypatch.setattr(
        svm_split, "nearest", lambda Z, centres: np.argmin(((Z[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    )
    for k, Z in enumerate(inputs):
        assert np.array_equal(fast[k], two_means(Z, np.random.default_rng(k)))


def test_average_ranks_are_scipys():
    rng = np.random.default_rng(1)
    for n in (1, 2, 7, 500):
        for values in (rng.random(n), rng.integers(0, 4, n).astype(float)):
            assert np.array_equal(average_ranks(list(values)), stats.rankdata(values))


def test_pool_rows_are_the_benchmarks_rows():
    full = linear_table(choices=(5, 4, 3, 3), optimum=(4, 3, 2, 1))
    bench = TableBenchmark(
        choices=full.choices, archs=full.all_archs()[::3], valid=full.valid[::3], value_range=(0.0, 1.0)
    )  # a third of the space: most look-ups miss
    pool = Pool(bench, np.random.default_rng(0))
    grid = np.stack(np.meshgrid(*[np.arange(c) for c in bench.choices], indexing="ij"), -1).reshape(-1, 4)
    rows = pool.rows(grid)
    assert np.array_equal(rows, bench.index(grid)) and (rows < 0).sum() == len(grid) - len(bench)


def test_leaf_samples_route_the_samples_told_since_the_rebuild():
    """The in-leaf sampler's cached leaves of the samples told since the last rebuild are those a
    fresh routing gives, at every step (so the candidates, hence the history, are unchanged)."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(2), inleaf="localbo", n_parents=3, split="svm")
    checked = 0
    for _ in range(150):
        arch = algo.ask()
        algo.tell(arch, Result(float(bench.valid[bench.index([arch])[0]])))
        sampler, tree = algo._inleaf, algo.tree
        if tree is None:
            continue
        built = len(tree.members[0])
        routed = tree.route(encode(bench, algo.samples.archs)) if len(algo.samples.archs) else None
        for leaf in range(tree.n_leaves):
            got = set(sampler.leaf_samples(leaf).tolist())
            want = set(tree.members[leaf + tree.n_internal].tolist())
            want |= {i for i in range(built, len(algo.samples.archs)) if routed[i] == leaf}
            assert got == want
            checked += len(got) > 0
    assert checked > 100


def reference_adam_epochs(regs, Xs, ys, epochs: int, lr: float, clip: float) -> int:
    """Adam as first written (one numpy call per operation of torch's step); the epochs clipped."""
    G = np.stack(
        [
            np.hstack([X, np.ones((len(y), 1))]).T @ np.hstack([X, np.ones((len(y), 1))]) * (2.0 / len(y))
            for X, y in zip(Xs, ys)
        ]
    )
    c = np.stack([np.hstack([X, np.ones((len(y), 1))]).T @ y * (2.0 / len(y)) for X, y in zip(Xs, ys)])
    theta, m, v = (np.stack([getattr(r, name) for r in regs]) for name in ("_theta", "_m", "_v"))
    b1, b2, eps = 0.9, 0.999, 1e-8
    t = np.array([r._t for r in regs], dtype=float)[None, :] + np.arange(1, epochs + 1)[:, None]
    step, root_bc2 = (lr / (1 - b1**t))[:, :, None], np.sqrt(1 - b2**t)[:, :, None]
    grad, tmp = np.empty_like(theta), np.empty_like(theta)
    clipped = 0
    for e in range(epochs):
        np.matmul(G, theta[:, :, None], out=grad[:, :, None])
        grad -= c
        norm2 = np.einsum("ki,ki->k", grad, grad)
        if norm2.max() > (clip - 1e-6) ** 2:
            grad *= np.minimum(1.0, clip / (np.sqrt(norm2) + 1e-6))[:, None]
            clipped += 1
        np.subtract(grad, m, out=tmp)
        tmp *= 1 - b1
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= 1 - b2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp /= root_bc2[e]
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= step[e]
        theta -= tmp
    for k, r in enumerate(regs):
        r._theta, r._m, r._v = theta[k].copy(), m[k].copy(), v[k].copy()
    return clipped


@pytest.mark.parametrize("scale, clipped", [(1.0, False), (6.0, True), (30.0, True)])
def test_adam_is_the_reference_adam_bit_for_bit(scale, clipped):
    from algorithms.lanas.regressors import AdamRegressor, fit_many

    rng = np.random.default_rng(5)
    data = [(np.eye(5)[rng.integers(5, size=(n, 6))].reshape(n, 30), scale * rng.random(n)) for n in (4, 60, 17)]
    Xs, ys = [d[0] for d in data], [d[1] for d in data]
    fast, slow = (
        [AdamRegressor(30, np.random.default_rng(k), lr=1e-3, epochs=400, refit_epochs=300) for k in range(3)]
        for _ in range(2)
    )
    clips = []
    for epochs in (400, 300):  # a first fit, then a refit continuing the optimiser
        fit_many(fast, Xs, ys)
        clips.append(reference_adam_epochs(slow, Xs, ys, epochs, 1e-3, 5.0))
        for r in slow:
            r._t += epochs
    assert (sum(clips) > 0) == clipped
    for a, b in zip(fast, slow):
        assert np.array_equal(a._theta, b._theta) and np.array_equal(a._m, b._m) and np.array_equal(a._v, b._v)
