"""Proxies read from an untrained network's activations and input Jacobian, and its size.

* ``jacov`` (Mellor et al., arXiv 2006.04647 v1; as ``jacob_cov`` in github.com/mohsaied/zero-cost-nas,
  ``foresight/pruners/measures/jacob_cov.py``): the Jacobian ``J`` of the summed outputs with respect to
  each input of one minibatch (batch norm on, training mode); with ``C`` the correlation matrix of the
  rows of ``J`` and ``v`` its eigenvalues, the score is ``-sum(log(v + k) + 1 / (v + k))``, ``k = 1e-5``.
  NaN where ``C`` is undefined (a network whose output does not depend on its input), as the release.
* ``naswot`` (Mellor, Turner, Storkey, Crowley, "Neural Architecture Search without Training", ICML
  2021; github.com/BayesWatch/nas-without-training): every ReLU's input, flattened per image, gives a
  binary code ``c`` (unit active or not); ``K = sum over ReLUs of c c^T + (1 - c)(1 - c)^T`` is the
  minibatch's Hamming-similarity kernel, and the score is ``log |det K|``.
* ``params``: the parameter count in millions (NAS-Bench-201's ``params``, MB).
* ``flops`` is NAS-Bench-201's count in closed form (:mod:`benchmarks.flops`), not a measure of the network.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .measures import _fresh


def jacov(net: nn.Module, x: torch.Tensor) -> float:
    net = _fresh(net)
    x = x.clone().requires_grad_(True)
    y = net(x)
    y.backward(torch.ones_like(y))
    jac = x.grad.detach().reshape(len(x), -1).double().numpy()  # type: ignore[union-attr]
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(jac)
    if not np.all(np.isfinite(corr)):
        return float("nan")
    v = np.linalg.eigvalsh(corr)
    k = 1e-5
    return float(-np.sum(np.log(v + k) + 1.0 / (v + k)))


def naswot(net: nn.Module, x: torch.Tensor) -> float:
    net = _fresh(net)
    n = len(x)
    kernel = torch.zeros((n, n), dtype=torch.float64)

    def count(_m: nn.Module, inp: tuple[torch.Tensor, ...], _out: torch.Tensor) -> None:
        nonlocal kernel
        c = (inp[0].reshape(n, -1) > 0).double()
        kernel = kernel + c @ c.T + (1 - c) @ (1 - c).T

    handles = [m.register_forward_hook(count) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(x)
    finally:
        for h in handles:
            h.remove()
    return float(np.linalg.slogdet(kernel.numpy())[1])


def params(net: nn.Module) -> float:
    return sum(p.numel() for p in net.parameters()) / 1e6
