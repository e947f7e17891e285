"""FLOPs of NAS-Bench-201's network in closed form, without torch: the one count of the harness.

NAS-Bench-201 (Dong & Yang, ICLR 2020) publishes the FLOPs of every cell's network as counted by
its code (xautodl ``utils/flop_benchmark.py``, ``get_model_infos``): the multiply-accumulates of
one forward pass on one image of every ``nn.Conv2d`` and ``nn.Linear`` (a bias adds one per
output), pooling, batch norm and ReLU free, in millions (what it calls MFLOPs). Its network
computes every edge that is not ``none``, also those of a node that never reaches the output, so
the count depends on a cell only through its numbers of 1x1 and 3x3 convolutions.

The network (:mod:`benchmarks.trained.model`): with input side ``H``, width ``C`` (channels of the
first stage), ``N`` cells a stage and ``K`` classes, every stage has ``side^2 x channels^2 = H^2 C^2``
(the side halves as the channels double), so

* the stem (3x3 conv, 3 -> C at H x H): ``27 H^2 C``;
* each of the ``3N`` cells: ``H^2 C^2`` per 1x1 convolution, ``9 H^2 C^2`` per 3x3;
* each of the two reduction blocks (3x3 stride 2, 3x3, and a 1x1 shortcut after the 2x2 pool):
  ``(4.5 + 9 + 0.5) H^2 C^2 = 14 H^2 C^2``;
* the classifier (``4C -> K`` with bias): ``K (4C + 1)``.

At C=16, N=5 on CIFAR-10 this gives 7.78305 MFLOPs for the cell of ``none`` edges and 220.11969
for the cell of 3x3 convolutions, the official file's extremes (as public code that reads it
quotes them); ``tests/benchmarks/test_flops.py`` checks it against a torch count of the network on
several cells and datasets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: operation indices (benchmarks._cell.OPS) of the 1x1 and the 3x3 convolution
CONV_1X1, CONV_3X3 = 2, 3
#: (input side, classes) of NAS-Bench-201's network per dataset (``cifar10``: the analog table's)
GEOMETRY = {"cifar10-valid": (32, 10), "cifar10": (32, 10), "cifar100": (32, 100), "ImageNet16-120": (16, 120)}


def conv_counts(archs: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """Per cell, (number of 1x1 convolutions, number of 3x3 convolutions), dead edges included."""
    cells = np.asarray(archs).reshape(-1, 6)
    return np.stack([(cells == CONV_1X1).sum(1), (cells == CONV_3X3).sum(1)], axis=1)


def macs(
    archs: Sequence[Sequence[int]] | np.ndarray, *, side: int = 32, classes: int = 10, width: int = 16, cells: int = 5
) -> np.ndarray:
    """Multiply-accumulates (biases included) of one forward pass of each cell's network on one
    ``side x side`` image, as NAS-Bench-201 counts them (module docstring); int64, one per cell."""
    n1, n3 = conv_counts(archs).T.astype(np.int64)
    plane = side * side * width * width
    fixed = 27 * side * side * width + 28 * plane + classes * (4 * width + 1)
    return fixed + 3 * cells * plane * (n1 + 9 * n3)


def mflops(archs: Sequence[Sequence[int]] | np.ndarray, dataset: str) -> np.ndarray:
    """NAS-Bench-201's FLOPs (millions of multiply-accumulates) of each cell on ``dataset``'s
    network (C=16, N=5; its input side and classes from :data:`GEOMETRY`)."""
    side, classes = GEOMETRY[dataset]
    return macs(archs, side=side, classes=classes) / 1e6
