"""BANANAS's predictor (White et al., AAAI 2021, Sec. 4; the release's ``MetaNeuralnet``): an
ensemble of fully connected networks trained with Adam in NumPy, used by :mod:`algorithms.bananas`."""

from __future__ import annotations

import numpy as np


class MLPEnsemble:
    """``members`` independent fully connected ReLU networks (``layers`` hidden layers of
    ``width``, one linear output) trained together on the mean absolute error with Adam
    (Keras's Glorot-uniform initialisation, zero biases, betas 0.9/0.99, eps 1e-7): the release's
    ``MetaNeuralnet``. Parameters live in one flat vector so an Adam step is a few array ops."""

    def __init__(self, dim: int, rng: np.random.Generator, *, members: int, layers: int, width: int) -> None:
        sizes = [dim] + [width] * layers + [1]
        shapes = [s for fi, fo in zip(sizes[:-1], sizes[1:]) for s in ((members, fi, fo), (members, 1, fo))]
        self.theta = np.zeros(sum(int(np.prod(s)) for s in shapes))
        self.grad = np.zeros_like(self.theta)
        self.W: list[np.ndarray] = []  # weights and biases per layer: views into theta
        self.b: list[np.ndarray] = []
        self.gW: list[np.ndarray] = []  # the same for grad
        self.gb: list[np.ndarray] = []
        at = 0
        for k, shape in enumerate(shapes):
            n = int(np.prod(shape))
            (self.W if k % 2 == 0 else self.b).append(self.theta[at : at + n].reshape(shape))
            (self.gW if k % 2 == 0 else self.gb).append(self.grad[at : at + n].reshape(shape))
            at += n
        for W in self.W:
            limit = np.sqrt(6.0 / (W.shape[1] + W.shape[2]))
            W[...] = rng.uniform(-limit, limit, W.shape)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(members, n) predictions for the rows of ``X`` (one matrix, or one per member)."""
        h = X
        for W, b in zip(self.W[:-1], self.b[:-1]):
            h = np.maximum(h @ W + b, 0.0)
        return (h @ self.W[-1] + self.b[-1])[..., 0]

    def fit(
        self, X: np.ndarray, y: np.ndarray, rng: np.random.Generator, *, epochs: int, batch: int, lr: float
    ) -> None:
        m, v, tmp, t = np.zeros_like(self.theta), np.zeros_like(self.theta), np.empty_like(self.theta), 0
        members, n = self.W[0].shape[0], len(X)
        for _ in range(epochs):
            order = np.argsort(rng.random((members, n)), axis=1)  # each member its own shuffle
            for s in range(0, n, batch):
                idx = order[:, s : s + batch]
                hs = [X[idx]]
                for W, b in zip(self.W[:-1], self.b[:-1]):
                    hs.append(np.maximum(hs[-1] @ W + b, 0.0))
                pred = hs[-1] @ self.W[-1] + self.b[-1]
                g = np.sign(pred - y[idx][..., None]) / idx.shape[1]  # d(mean |pred - y|)/d pred
                for k in range(len(self.W) - 1, -1, -1):
                    np.matmul(hs[k].transpose(0, 2, 1), g, out=self.gW[k])
                    self.gb[k][...] = g.sum(axis=1, keepdims=True)
                    if k:
                        g = (g @ self.W[k].transpose(0, 2, 1)) * (hs[k] > 0)
                t += 1  # Adam in place: temporaries this large would be fresh pages at every step
                np.subtract(self.grad, m, out=tmp)
                m += tmp.__imul__(0.1)
                np.multiply(self.grad, self.grad, out=tmp)
                tmp -= v
                v += tmp.__imul__(0.01)
                np.sqrt(v, out=tmp)
                tmp += 1e-7
                np.divide(m, tmp, out=tmp)
                tmp *= lr * np.sqrt(1 - 0.99**t) / (1 - 0.9**t)
                self.theta -= tmp
