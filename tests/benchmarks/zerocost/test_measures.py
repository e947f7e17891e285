"""Each proxy against a value worked out by hand (closed forms in NumPy, no autograd) on a tiny network."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from benchmarks.zerocost import activations, measures  # noqa: E402

W = np.array([[0.5, -1.0], [2.0, 0.25]])
X = np.array([[1.0, 2.0]])
Y = np.array([1])


def linear(w: np.ndarray = W) -> nn.Module:
    layer = nn.Linear(w.shape[1], w.shape[0], bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(w))
    return nn.Sequential(layer).double()


def softmax_and_grad() -> tuple[np.ndarray, np.ndarray]:
    """p = softmax(W x) and dL/dW = (p - e_y) x^T for the one sample."""
    u = W @ X[0]
    p = np.exp(u - u.max()) / np.exp(u - u.max()).sum()
    r = p - np.eye(2)[Y[0]]
    return p, np.outer(r, X[0])


def run(f, net: nn.Module) -> float:
    return f(net, torch.tensor(X), torch.tensor(Y))


def test_grad_norm_is_the_sum_of_the_layers_gradient_norms() -> None:
    _, g = softmax_and_grad()
    assert run(measures.grad_norm, linear()) == pytest.approx(np.linalg.norm(g))


def test_snip_sums_gradient_times_weight_in_absolute_value() -> None:
    _, g = softmax_and_grad()
    assert run(measures.snip, linear()) == pytest.approx(np.abs(g * W).sum())


def test_grasp_is_minus_weight_times_hessian_gradient_product() -> None:
    p, g = softmax_and_grad()
    v = g @ X[0]  # z = <g, dL/dW(W)> = v . p(W x) + const, v = g x
    jv = (np.diag(p) - np.outer(p, p)) @ v  # softmax Jacobian times v
    hg = np.outer(jv, X[0])
    assert run(measures.grasp, linear()) == pytest.approx(-(W * hg).sum())


def test_fisher_is_half_the_squared_activation_times_gradient_per_channel() -> None:
    p, _ = softmax_and_grad()
    a = W @ X[0]
    assert run(measures.fisher, linear()) == pytest.approx(0.5 * np.sum((a * (p - np.eye(2)[Y[0]])) ** 2))


def test_synflow_is_layers_times_the_path_sum_and_ignores_batch_norm() -> None:
    w1, w2 = np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 1.0]]), np.array([[2.0, -1.0, 0.5]])
    net = nn.Sequential(nn.Linear(2, 3, bias=False), nn.ReLU(), nn.Linear(3, 1, bias=False))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(w1))
        net[2].weight.copy_(torch.tensor(w2))
    paths = np.ones(1) @ np.abs(w2) @ np.abs(w1) @ np.ones(2)  # R of the all-ones input, |weights|
    assert measures.synflow(net, (2,)) == pytest.approx(2 * paths)  # each of 2 layers contributes R
    with_bn = nn.Sequential(net[0], nn.BatchNorm1d(3), net[1], net[2])
    assert measures.synflow(with_bn, (2,)) == pytest.approx(2 * paths)
    assert net[0].weight[0, 1].item() == -2.0  # the caller's signs are untouched


def test_jacov_of_a_linear_network_sees_identical_rows() -> None:
    x = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]], dtype=torch.float64)
    n, k = 3, 1e-5  # J rows all equal W^T 1: correlation matrix of ones, eigenvalues (3, 0, 0)
    expect = -(np.log(n + k) + 1 / (n + k) + (n - 1) * (np.log(k) + 1 / k))
    assert activations.jacov(linear(), x) == pytest.approx(expect, rel=1e-6)
    assert np.isnan(activations.jacov(linear(np.zeros((2, 2))), x))  # output ignores input: undefined


def test_naswot_is_the_log_determinant_of_the_relu_codes_kernel() -> None:
    net = nn.Sequential(linear(np.eye(2)), nn.ReLU(), nn.Linear(2, 2).double())
    x = torch.tensor([[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    # codes (1,0), (1,1), (0,0); K = units that agree: [[2,1,1],[1,2,0],[1,0,2]], det 4
    assert activations.naswot(net, x) == pytest.approx(np.log(4.0))


def test_params_count_weights_and_biases() -> None:
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(8, 3))
    assert activations.params(net) == pytest.approx((2 * 9 + 2 + 8 * 3 + 3) / 1e6)
