"""Every proxy of one cell under one setting (dataset, batch size, seed), timed on this machine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .._cell import CHOICES
from ..base import BenchmarkError, arch_codes
from . import activations, measures, network

#: proxies that need no data: computed exactly as published, whatever the setting's dataset
DATA_FREE = ("synflow", "params", "flops")
#: proxies of one minibatch of the setting's dataset
DATA = ("grad_norm", "snip", "grasp", "fisher", "jacov", "naswot")
PROXIES = DATA_FREE + DATA
#: proxies that depend on the cell only through how many 1x1 and 3x3 convolutions it holds (dead edges
#: included, as NAS-Bench-201 computes them): the table computes them once per such pair
BY_CONV_COUNT = ("params", "flops")


@dataclass(frozen=True)
class Setting:
    """Where a score comes from: the minibatch's dataset, its size, and the seed that draws both the
    minibatch and (with the cell's code) the network's initial weights."""

    dataset: str = "fashion-mnist"
    batch_size: int = 64
    seed: int = 0

    def check(self) -> None:
        if self.dataset not in network.SHAPES:
            raise BenchmarkError(f"zero-cost proxies: unknown dataset {self.dataset!r} (known: {', '.join(network.SHAPES)})")
        if self.batch_size < 2:
            raise BenchmarkError(f"zero-cost proxies: batch_size={self.batch_size} must be at least 2")


def _measure(name: str, setting: Setting) -> Callable[[nn.Module], float]:
    shape, _ = network.SHAPES[setting.dataset]
    if name == "synflow":
        return lambda net: measures.synflow(net, shape)
    if name == "params":
        return activations.params
    if name == "flops":
        return lambda net: activations.flops(net, shape)
    b = network.minibatch(setting.dataset, setting.batch_size, setting.seed)
    if name in ("jacov", "naswot"):
        f = getattr(activations, name)
        return lambda net: f(net, b.x)
    g = getattr(measures, name)
    return lambda net: g(net, b.x, b.y)


def score(arch: Sequence[int], proxies: Iterable[str], setting: Setting = Setting()) -> tuple[dict[str, float], dict[str, float]]:
    """``({proxy: value}, {proxy: CPU seconds})`` of ``arch``, on one network initialised from
    ``cell_seed(setting.seed, code)`` and shared by the proxies (each scores its own copy)."""
    proxies = list(proxies)
    unknown = [p for p in proxies if p not in PROXIES]
    if unknown:
        raise BenchmarkError(f"unknown zero-cost proxy {unknown[0]!r} (known: {', '.join(PROXIES)})")
    setting.check()
    code = int(arch_codes(tuple(arch), CHOICES)[0])
    with torch.random.fork_rng(devices=[]):
        t = time.process_time()
        net = network.build(arch, network.cell_seed(setting.seed, code), num_classes=network.SHAPES[setting.dataset][1])
        build_s = time.process_time() - t
        values, seconds = {}, {}
        for p in proxies:
            f = _measure(p, setting)
            t = time.process_time()
            values[p] = f(net)
            seconds[p] = time.process_time() - t + build_s
    return values, seconds
