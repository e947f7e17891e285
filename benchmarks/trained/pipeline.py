"""The trainer's schedule and data pipeline: what a training does to its data, drawn up front.

Each training's random order, crops, flips and learning rates are drawn from a CPU generator seeded
by the training seed (so CPU and GPU see the same batches), and the whole dataset lives on the device
as uint8, so one training step is a pure function of a step counter (see :mod:`.train`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .data import Splits


@dataclass(frozen=True)
class Schedule:
    """Everything of a training that changes its result (the store keys on ``key()``)."""

    epochs: int = 12
    batch: int = 256
    lr: float = 0.1
    momentum: float = 0.9
    wd: float = 5e-4
    width: int = 16
    cells: int = 5
    precision: str = "bf16"  # "bf16" (autocast) or "fp32"

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


class DeviceData:
    """Splits on ``device``: padded uint8 training images, augmentation by one gather per batch."""

    PAD = 4

    def __init__(self, splits: Splits, device: torch.device) -> None:
        p = self.PAD
        mean, std = splits.mean_std()
        self.device = device
        self.train_x = torch.from_numpy(np.pad(splits.train_x, ((0, 0), (0, 0), (p, p), (p, p)))).to(device)
        self.train_y = torch.from_numpy(splits.train_y).to(device)
        self.eval_sets = {
            k: (
                torch.from_numpy(getattr(splits, f"{k}_x")).to(device),
                torch.from_numpy(getattr(splits, f"{k}_y")).to(device),
            )
            for k in ("valid", "test")
        }
        self.mean = torch.tensor(mean, dtype=torch.float32, device=device).view(1, -1, 1, 1)
        self.inv_std = (1.0 / torch.tensor(std, dtype=torch.float32, device=device)).view(1, -1, 1, 1)
        self.num_classes = splits.num_classes
        self.ar = torch.arange(32, device=device)

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        return ((x.float() - self.mean) * self.inv_std).contiguous(memory_format=torch.channels_last)

    def batch(self, idx: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """Crop offsets and flip are packed in ``code`` = 18*dy + 2*dx + flip (dy, dx in 0..8)."""
        dy, dx, flip = code // 18, (code // 2) % 9, (code % 2).bool()
        rows = dy[:, None] + self.ar
        cols = dx[:, None] + torch.where(flip[:, None], 31 - self.ar, self.ar)
        # advanced indices around a slice put (B, 32, 32) first: a channels-last result
        x = self.train_x[idx[:, None, None], :, rows[:, :, None], cols[:, None, :]]
        return self.normalize(x.permute(0, 3, 1, 2))


@dataclass(frozen=True)
class Plan:
    order: torch.Tensor  # (steps, batch) int64 image indices
    aug: torch.Tensor  # (steps, batch) uint8 crop/flip codes
    lr: torch.Tensor  # (steps,) float32 learning rates
    steps_per_epoch: int


def make_plan(n: int, sched: Schedule, seed: int, device: torch.device) -> Plan:
    """Every random choice of the data pipeline, drawn from ``seed`` (drop-last batches)."""
    g = torch.Generator().manual_seed(int(seed))
    b = min(sched.batch, n)
    spe = n // b
    order = torch.stack([torch.randperm(n, generator=g)[: spe * b].view(spe, b) for _ in range(sched.epochs)])
    shape = (sched.epochs * spe, b)
    aug = (
        torch.randint(0, 9, shape, generator=g) * 18
        + torch.randint(0, 9, shape, generator=g) * 2
        + torch.randint(0, 2, shape, generator=g)
    ).to(torch.uint8)
    t = torch.arange(shape[0], dtype=torch.float64)
    lr = (0.5 * sched.lr * (1 + torch.cos(math.pi * t / shape[0]))).float()
    return Plan(order.view(shape).to(device), aug.to(device), lr.to(device), spe)
