"""The pruning-at-initialisation proxies of Abdelfattah et al. (ICLR 2021), as their release defines them.

Release: github.com/mohsaied/zero-cost-nas, ``foresight/pruners/measures/``. Every measure scores the
weights of the ``nn.Conv2d`` and ``nn.Linear`` layers (never their biases, never batch norm's) of an
untrained network in training mode, on a copy of it, and the network's score is the sum over those
layers of the per-weight (or, for ``fisher``, per-channel) scores:

* ``grad_norm``: sum over layers of the L2 norm of the loss gradient of the layer's weight;
* ``snip`` (Lee et al. 2019): sum of ``|dL/dw * w|``;
* ``grasp`` (Wang et al. 2020): sum of ``-w * (H g)``, ``g`` the loss gradient and ``H`` the Hessian
  (the release's sign: accuracy correlates negatively with ``w * Hg``);
* ``fisher`` (Theis et al. 2018, Turner et al. 2020): per output channel of each layer,
  ``0.5 * mean_n (sum_hw a * dL/da)^2``, ``a`` the layer's output (before batch norm), summed;
* ``synflow`` (Tanaka et al. 2020): batch norm switched off, every parameter replaced by its absolute
  value, the network in double precision fed one all-ones input, ``R`` = the sum of its outputs; the
  score is the sum of ``|w * dR/dw|``. Needs no data.

The loss is cross-entropy on one minibatch; batch norm uses the batch's statistics (training mode),
as in the release, except for ``synflow``, which runs with batch norm removed (the release's ``bn=False``).
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

Layer = nn.Conv2d | nn.Linear


def layers(net: nn.Module) -> list[Layer]:
    """The layers every measure scores: convolutions and linear layers, in module order."""
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _loss(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(net(x), y)


def _fresh(net: nn.Module) -> nn.Module:
    """A training-mode copy, so a measure never changes the caller's network (as the release's copy)."""
    out = copy.deepcopy(net).train()
    out.zero_grad(set_to_none=True)
    return out


def _grads(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    ws = [m.weight for m in layers(net)]
    gs = torch.autograd.grad(_loss(net, x, y), ws, allow_unused=True)
    return [torch.zeros_like(w) if g is None else g for w, g in zip(ws, gs)]


def grad_norm(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    gs = _grads(_fresh(net), x, y)
    return float(sum(g.norm() for g in gs))


def snip(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net = _fresh(net)
    gs = _grads(net, x, y)
    with torch.no_grad():
        return float(sum((g * m.weight).abs().sum() for g, m in zip(gs, layers(net))))


def grasp(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net = _fresh(net)
    ws = [m.weight for m in layers(net)]
    g = [t.detach() for t in _grads(net, x, y)]
    gf = torch.autograd.grad(_loss(net, x, y), ws, create_graph=True, allow_unused=True)
    z = sum(((gi * fi).sum() for gi, fi in zip(g, gf) if fi is not None), torch.zeros((), dtype=ws[0].dtype))
    hg = torch.autograd.grad(z, ws, allow_unused=True)  # H g, one Hessian-vector product
    return float(sum((-w.detach() * h).sum() for w, h in zip(ws, hg) if h is not None))


def fisher(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net = _fresh(net)
    per_layer: dict[int, torch.Tensor] = {}

    def keep(layer: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        act = out.detach()

        def on_grad(g: torch.Tensor) -> None:
            s = (act * g).sum(dim=tuple(range(2, act.dim()))) if act.dim() > 2 else act * g
            del_k = s.pow(2).mean(0).mul(0.5)
            per_layer[id(layer)] = per_layer.get(id(layer), 0) + del_k

        if out.requires_grad:
            out.register_hook(on_grad)

    handles = [m.register_forward_hook(keep) for m in layers(net)]
    try:
        _loss(net, x, y).backward()
    finally:
        for h in handles:
            h.remove()
    return float(sum(v.abs().sum() for v in per_layer.values()))


def _no_bn(net: nn.Module) -> nn.Module:
    """``net`` with every batch norm an identity (the release's ``bn=False`` copy)."""
    for name, child in net.named_children():
        if isinstance(child, nn.modules.batchnorm._BatchNorm):
            setattr(net, name, nn.Identity())
        else:
            _no_bn(child)
    return net


def synflow(net: nn.Module, shape: tuple[int, ...]) -> float:
    """Data-free: ``shape`` is one input's (C, H, W); computed in float64 as the release."""
    net = _no_bn(_fresh(net)).double()
    with torch.no_grad():
        for p in net.state_dict().values():
            p.abs_()
    net(torch.ones((1, *shape), dtype=torch.float64)).sum().backward()
    with torch.no_grad():
        return float(sum((m.weight * m.weight.grad).abs().sum() for m in layers(net) if m.weight.grad is not None))
