"""A weight-sharing NAS-Bench-201 supernet: one network holds the 5 operations of every edge, and a
cell (an ``Arch``) picks one per edge, as a mask would (single-path one-shot NAS; the LaNAS release's
one-shot evaluation and NAS-Bench-201's supernet recipe: batch norm without running statistics).

Training samples a new uniformly random cell for each batch (from a generator seeded by the
training seed) and updates only the weights on that cell's path (the SGD of ``train.py`` leaves
parameters without a gradient alone). A query is a forward pass of the cell's path over the
validation split with the shared weights. A trained supernet is cached on disk under a key of the
dataset, the schedule, the seed and :data:`VERSION`, beside the trained store (``$TRAINED_CACHE``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._cell import OPS
from .model import EDGES, Network, cell_forward, live_inputs, make_op
from .pipeline import DeviceData, Schedule, make_plan
from .train import sgd_nesterov

log = logging.getLogger(__name__)
#: bump when a change of this file changes a trained supernet (old cache files are then ignored)
VERSION = "1"


class SuperCell(nn.Module):
    """Every operation on every edge; ``forward(x, inputs, arch)`` runs only ``arch``'s path."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.ops = nn.ModuleList(nn.ModuleList(make_op(k, c, stats=False) for k in range(len(OPS))) for _ in EDGES)

    def forward(self, x: torch.Tensor, inputs: dict, arch: Sequence[int]) -> torch.Tensor:
        return cell_forward(x, inputs, lambda e: self.ops[e][arch[e]])


class SuperNet(Network):
    """The NAS-Bench-201 skeleton with :class:`SuperCell` cells; ``forward(x, arch)``."""

    def __init__(self, *, width: int = 16, cells: int = 5, num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__(
            (0,) * len(EDGES),
            width=width,
            cells=cells,
            num_classes=num_classes,
            in_channels=in_channels,
            stats=False,
            cell=SuperCell,
        )
        self.dims = dict(width=width, cells=cells, num_classes=num_classes, in_channels=in_channels)

    def forward(self, x: torch.Tensor, arch: Sequence[int]) -> torch.Tensor:  # type: ignore[override]
        arch, inputs = tuple(int(a) for a in arch), live_inputs(arch)
        h = self.stem(x)
        for layer in self.body:
            h = layer(h, inputs, arch) if isinstance(layer, SuperCell) else layer(h)
        return self.classifier(self.head(h))


def train_step(
    model: SuperNet, bufs: list[torch.Tensor], data: DeviceData, plan, sched: Schedule, t: int, arch: Sequence[int]
) -> float:
    """One SGD step of batch ``t`` through ``arch``'s path; parameters off the path get no gradient and
    are left alone (as are their momentum buffers). Returns the batch's loss."""
    params: list[torch.Tensor] = list(model.parameters())
    for p in params:
        p.grad = None
    idx = plan.order[t]
    loss = F.cross_entropy(model(data.batch(idx, plan.aug[t].long()), arch).float(), data.train_y[idx])
    loss.backward()
    sgd_nesterov(params, bufs, plan.lr[t], sched.momentum, sched.wd)
    return float(loss.detach())


def train_supernet(data: DeviceData, sched: Schedule, seed: int) -> tuple[SuperNet, float]:
    """A supernet trained with ``sched`` on ``data`` (each batch a uniformly random cell drawn from
    ``seed``), and its training seconds."""
    plan = make_plan(len(data.train_y), sched, seed, data.device)
    with torch.random.fork_rng(devices=[]):  # seeded init without touching the global RNG
        torch.manual_seed(int(seed))
        model = SuperNet(width=sched.width, cells=sched.cells, num_classes=data.num_classes).to(data.device)
    cells = np.random.default_rng(int(seed)).integers(len(OPS), size=(len(plan.lr), len(EDGES)))
    bufs = [torch.zeros_like(p) for p in model.parameters()]
    start = time.perf_counter()
    for t in range(len(plan.lr)):
        loss = train_step(model, bufs, data, plan, sched, t, cells[t])
        if (t + 1) % plan.steps_per_epoch == 0:
            log.info("supernet epoch %d/%d: loss %.3f", (t + 1) // plan.steps_per_epoch, sched.epochs, loss)
    return model, time.perf_counter() - start


@torch.no_grad()
def accuracy(model: SuperNet, data: DeviceData, arch: Sequence[int], split: str = "valid", chunk: int = 1024) -> float:
    """Accuracy (%) of ``arch``'s path on ``split`` with the shared weights (batch statistics per chunk)."""
    x, y = data.eval_sets[split]
    correct = 0
    for i in range(0, len(y), chunk):
        correct += int((model(data.normalize(x[i : i + chunk]), arch).argmax(1) == y[i : i + chunk]).sum())
    return 100.0 * correct / max(1, len(y))


def cache_path(folder: Path, dataset: str, schedule_key: str, seed: int) -> Path:
    key = hashlib.sha256(f"{dataset}|{schedule_key}|{int(seed)}|v{VERSION}".encode()).hexdigest()[:20]
    return Path(folder) / "supernets" / f"{dataset}-{key}.pt"


def cached_supernet(path: Path, data: DeviceData, sched: Schedule, seed: int) -> tuple[SuperNet, float, bool]:
    """(supernet, its training seconds, whether it came from ``path``); trains and saves it when absent.
    The file is written under a temporary name and renamed, so an interrupted training leaves none."""
    if path.exists():
        saved = torch.load(path, map_location=data.device, weights_only=True)
        model = SuperNet(**{k: int(v) for k, v in saved["dims"].items()}).to(data.device)
        model.load_state_dict(saved["state"])
        return model, float(saved["train_s"]), True
    model, train_s = train_supernet(data, sched, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        torch.save({"state": model.state_dict(), "dims": model.dims, "train_s": train_s}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return model, train_s, False
