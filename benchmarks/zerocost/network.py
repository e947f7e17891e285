"""The network and the minibatch a proxy scores: NAS-Bench-201's, initialised from a seed.

The release (github.com/mohsaied/zero-cost-nas, ``foresight/models/nasbench2.py``) computes every edge of
a cell, also those of a node that never reaches the output (their result is multiplied by zero
later). :class:`FullCell` does the same on :mod:`benchmarks.trained.model`'s network, so that NASWOT
counts those edges' ReLUs as the release does; every other proxy is unchanged by them (they get no
gradient). Weights take PyTorch's default initialisation (the release's ``init_w_type=none``) from a
seed, inside a forked torch random state so the caller's is untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .._cell import EDGES, OPS
from ..trained import data
from ..trained.model import Cell, Network


class FullCell(Cell):
    """A cell that computes every non-``none`` edge, as NAS-Bench-201's code does."""

    def __init__(self, arch: Sequence[int], c: int) -> None:
        super().__init__(arch, c)
        self.inputs = {
            j: [(e, i) for e, ((t, i), a) in enumerate(zip(EDGES, self.arch)) if t == j and OPS[a] != "none"]
            for j in (1, 2, 3)
        }


def build(arch: Sequence[int], seed: int, *, num_classes: int = 10) -> Network:
    """The C=16, N=5 NAS-Bench-201 network of ``arch``, its weights drawn from ``seed``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Network(arch, num_classes=num_classes, cell=lambda c: FullCell(arch, c))


def cell_seed(seed: int, code: int) -> int:
    """The initialisation seed of the cell whose code is ``code``: one per cell, so any cell's score is
    reproducible alone (a table is resumable in any order)."""
    return int(np.random.default_rng([seed, code]).integers(2**31))


@dataclass(frozen=True)
class Batch:
    """One minibatch: normalised float images, labels, and where they came from."""

    x: torch.Tensor
    y: torch.Tensor
    dataset: str
    seed: int


def minibatch(dataset: str, batch_size: int, seed: int) -> Batch:
    """``batch_size`` training images of ``dataset`` drawn without replacement by ``seed``, normalised
    by the training set's per-channel mean and std (the release's one ``random`` batch)."""
    return _minibatch(dataset, batch_size, seed, data.cifar10_path() if dataset == "cifar10" else data.fashion_path())


@lru_cache(maxsize=4)
def _minibatch(dataset: str, batch_size: int, seed: int, path: str | None) -> Batch:
    splits = data.load(dataset, path=path, valid_size=1)  # the whole official training set: train + 1
    images, labels = np.concatenate([splits.train_x, splits.valid_x]), np.concatenate([splits.train_y, splits.valid_y])
    pick = np.random.default_rng(seed).choice(len(images), size=batch_size, replace=False)
    mean, std = splits.mean_std()
    x = (images[pick].astype(np.float32) - mean[:, None, None]) / std[:, None, None]
    return Batch(torch.from_numpy(x.astype(np.float32)), torch.from_numpy(labels[pick]), dataset, seed)
