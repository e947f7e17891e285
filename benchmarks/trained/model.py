"""The NAS-Bench-201 network (Dong & Yang, ICLR 2020, Sec. 2.1 and Fig. 1), written from the paper.

Macro skeleton: a 3x3 conv stem with C channels and BN; three stages of N cells at C, 2C, 4C
channels, joined by residual reduction blocks (two ReLU-Conv-BN 3x3, the first with stride 2, plus
a 2x2 average pool and 1x1 conv shortcut); BN-ReLU, global average pooling and a linear classifier.
The cell is a DAG over 4 nodes; each of its 6 edges (in arch-string order 1<-0, 2<-0, 2<-1, 3<-0,
3<-1, 3<-2) carries one of 5 operations, indexed as in the embedded ``nb201``/``anb201`` tables.
Parameter counts match the published ``model_size`` of NAS-Bench-201 exactly (tests check it).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._cell import OPS

#: (target node, source node) of each of the 6 decisions of an ``Arch``
EDGES = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1, stats: bool = True) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False),
            nn.BatchNorm2d(c_out, track_running_stats=stats),
        )


class Zero(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


def make_op(index: int, c: int, stats: bool = True) -> nn.Module:
    """One edge operation at ``c`` channels, stride 1 (cells never change shape); ``stats=False``:
    batch norm without running statistics (always the batch's, as NAS-Bench-201's supernets)."""
    name = OPS[index]
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1, stats=stats)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3, stats=stats)
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


def live_inputs(arch: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """``{node: [(edge, source node), ...]}`` of the nodes that reach the output, over non-``none`` edges."""
    live = {3}
    for j in (2, 1):
        if any(t in live and i == j and OPS[a] != "none" for (t, i), a in zip(EDGES, arch)):
            live.add(j)
    return {
        j: [(e, i) for e, ((t, i), a) in enumerate(zip(EDGES, arch)) if t == j and OPS[a] != "none"]
        for j in sorted(live)
    }


def cell_forward(x: torch.Tensor, inputs: dict[int, list[tuple[int, int]]], op) -> torch.Tensor:
    """The cell's output node, ``op(e)`` being edge ``e``'s operation (one network's, or a supernet's pick)."""
    nodes = {0: x}
    for j, ins in inputs.items():
        terms = [op(e)(nodes[i]) for e, i in ins]
        nodes[j] = torch.stack(terms).sum(0) if len(terms) > 1 else terms[0] if terms else x.mul(0.0)
    return nodes[3]


class Cell(nn.Module):
    """Node j is the sum of op(i->j)(node i) over i < j; the cell's output is node 3.

    Edges that cannot reach the output (a node whose every outgoing edge is ``none``) are not
    computed: the output is the same, their weights get no gradient (and no update), and the
    FLOP count reflects the work done. A node without inputs is zero, as in NAS-Bench-201.
    """

    def __init__(self, arch: Sequence[int], c: int, stats: bool = True) -> None:
        super().__init__()
        if len(arch) != len(EDGES) or not all(0 <= a < len(OPS) for a in arch):
            raise ValueError(f"not a NAS-Bench-201 cell: {tuple(arch)}")
        self.arch = tuple(int(a) for a in arch)
        self.ops = nn.ModuleList(make_op(a, c, stats) for a in self.arch)
        self.inputs = live_inputs(self.arch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return cell_forward(x, self.inputs, self.ops.__getitem__)


class ResidualReduction(nn.Module):
    """NAS-Bench-201's reduction block: a stride-2 basic residual block with an avg-pool shortcut."""

    def __init__(self, c_in: int, c_out: int, stats: bool = True) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride=2, stats=stats)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, stats=stats)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class Network(nn.Module):
    """The NAS-Bench-201 macro network for one cell ``arch`` (C=16, N=5 by default); ``cell(c)`` builds
    each cell at ``c`` channels instead (the supernet's); ``stats=False``: no running BN statistics."""

    def __init__(
        self,
        arch: Sequence[int],
        *,
        width: int = 16,
        cells: int = 5,
        num_classes: int = 10,
        in_channels: int = 3,
        stats: bool = True,
        cell=None,
    ) -> None:
        super().__init__()
        self.arch = tuple(int(a) for a in arch)
        cell = cell or (lambda c: Cell(arch, c, stats))
        layers: list[nn.Module] = []
        c = width
        for stage in range(3):
            if stage:
                layers.append(ResidualReduction(c, 2 * c, stats))
                c *= 2
            layers.extend(cell(c) for _ in range(cells))
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width, track_running_stats=stats)
        )
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.BatchNorm2d(c, track_running_stats=stats), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()
        )
        self.classifier = nn.Linear(c, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.head(self.body(self.stem(x))))


def param_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def forward_flops(model: nn.Module, shape: Sequence[int] = (3, 32, 32)) -> int:
    """Multiply-add FLOPs (2 per MAC) of one forward pass on one image, from the convs and linears."""
    total = 0

    def hook(mod: nn.Module, inp: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
            total += 2 * out[0].numel() * k
        elif isinstance(mod, nn.Linear):  # the only other kind hooked
            total += 2 * mod.in_features * mod.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *shape, device=next(model.parameters()).device))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return total
