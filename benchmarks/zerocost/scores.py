"""Every proxy of one cell under one setting (dataset, batch size, seed), timed on this machine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch
from torch import nn

from .. import flops
from .._cell import CHOICES
from ..base import BenchmarkError, arch_codes
from . import DEFAULT, PROXIES, SHAPES, Setting, activations, measures, network


def _measure(name: str, setting: Setting) -> Callable[[nn.Module], float]:
    shape, _ = SHAPES[setting.dataset]
    if name == "synflow":
        return lambda net: measures.synflow(net, shape)
    if name == "params":
        return activations.params
    if name == "flops":  # NAS-Bench-201's count of the network's cell, in closed form
        return lambda net: _mflops(net, setting)
    b = network.minibatch(setting.dataset, setting.batch_size, setting.seed)
    if name in ("jacov", "naswot"):
        f = getattr(activations, name)
        return lambda net: f(net, b.x)
    g = getattr(measures, name)
    return lambda net: g(net, b.x, b.y)


def _mflops(net: nn.Module, setting: Setting) -> float:
    assert isinstance(net, network.Network)
    (_, side, _), classes = SHAPES[setting.dataset]
    return float(flops.macs([net.arch], side=side, classes=classes)[0]) / 1e6


def score(
    arch: Sequence[int], proxies: Iterable[str], setting: Setting = DEFAULT
) -> tuple[dict[str, float], dict[str, float]]:
    """``({proxy: value}, {proxy: CPU seconds})`` of ``arch``, on one network initialised from
    ``cell_seed(setting.seed, code)`` and shared by the proxies (each scores its own copy)."""
    proxies = list(proxies)
    unknown = [p for p in proxies if p not in PROXIES]
    if unknown:
        raise BenchmarkError(f"unknown zero-cost proxy {unknown[0]!r} (known: {', '.join(PROXIES)})")
    setting.check()
    code = int(arch_codes(np.asarray([arch]), CHOICES)[0])
    with torch.random.fork_rng(devices=[]):
        t = time.process_time()
        net = network.build(arch, network.cell_seed(setting.seed, code), num_classes=SHAPES[setting.dataset][1])
        build_s = time.process_time() - t
        values, seconds = {}, {}
        for p in proxies:
            f = _measure(p, setting)
            t = time.process_time()
            values[p] = f(net)
            seconds[p] = time.process_time() - t + build_s
    return values, seconds
