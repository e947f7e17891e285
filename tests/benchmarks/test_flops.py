"""FLOPs of NAS-Bench-201 cells (benchmarks/flops.py): the official extremes, each dataset's
geometry, the count of a torch network, and ``flops`` as an objective of the tables with its exact front."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import registry as benchmarks
from benchmarks.flops import conv_counts, macs, mflops
from benchmarks.objectives import table_values

NONE, CONV3 = (0,) * 6, (3,) * 6
#: cells with dead edges, all five operations, one conv kind only, and none at all
CELLS = [
    NONE,
    CONV3,
    (3, 0, 2, 1, 0, 4),
    (1, 2, 3, 4, 1, 2),
    (2, 2, 2, 2, 2, 2),
    (4, 1, 0, 3, 0, 0),
    (0, 0, 3, 0, 0, 0),
]


@pytest.mark.parametrize(
    "dataset, low, high",
    # the official file's smallest and largest ``flop`` (NAS-Bench-201-v1_1-096897, per dataset)
    [("cifar10-valid", 7.78305, 220.11969), ("cifar100", 7.78890, 220.12554), ("ImageNet16-120", 1.95340, 55.03756)],
)
def test_the_official_extremes(dataset, low, high):
    assert mflops([NONE, CONV3], dataset).tolist() == [low, high]
    every = mflops(np.indices((5,) * 6).reshape(6, -1).T, dataset)
    assert every.min() == low and every.max() == high


def test_the_quoted_range_is_the_official_one_truncated():
    # the published range as quoted (issue 44): 7.78 to 220.11 MFLOPs on CIFAR-10, two decimals, truncated
    low, high = mflops([NONE, CONV3], "cifar10-valid")
    assert np.floor(low * 100) / 100 == 7.78 and np.floor(high * 100) / 100 == 220.11


def test_each_datasets_geometry():
    cells = np.array(CELLS)
    c10, c100, img = (macs(cells, side=s, classes=k) for s, k in ((32, 10), (32, 100), (16, 120)))
    assert np.all(c100 - c10 == 90 * (64 + 1))  # CIFAR-100: only the classifier differs
    assert np.all(4 * (img - 120 * 65) == c10 - 10 * 65)  # 16x16 inputs: every conv a quarter


def test_only_the_conv_counts_matter():
    archs = np.indices((5,) * 6).reshape(6, -1).T
    counts = conv_counts(archs)
    assert conv_counts([(3, 0, 2, 1, 0, 4)]).tolist() == [[1, 1]]
    assert len({tuple(c) for c in counts}) == 28 == len(np.unique(mflops(archs, "cifar100")))


def _hook_count(net, shape) -> int:
    """An independent count: multiply-accumulates of every Conv2d and Linear, biases included."""
    import torch
    from torch import nn

    total = 0

    def hook(m, _inp, out) -> None:
        nonlocal total
        if isinstance(m, nn.Conv2d):
            total += out.numel() * (
                m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups + (m.bias is not None)
            )
        else:
            total += m.out_features * (m.in_features + (m.bias is not None))

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        net.eval()(torch.zeros((1, *shape)))
    for h in handles:
        h.remove()
    return total


def test_the_hook_counter_counts_biases_and_leaves_pools_free():
    nn = pytest.importorskip("torch").nn
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(8, 3))
    assert _hook_count(net, (1, 4, 4)) == 32 * 10 + 3 * 9  # conv: 2 x 4 x 4 outputs x (9 + bias); linear 3 x (8 + 1)


@pytest.mark.parametrize("side, classes", [(32, 10), (32, 100), (16, 120)])
def test_the_closed_form_is_the_torch_networks_count(side, classes):
    pytest.importorskip("torch")
    from benchmarks.zerocost.network import build  # NAS-Bench-201's network: every edge computed, dead ones too

    for arch in CELLS:
        net = build(arch, 0, num_classes=classes)
        assert macs([arch], side=side, classes=classes)[0] == _hook_count(net, (3, side, side)), arch


def test_the_zero_cost_proxy_is_the_same_count():
    pytest.importorskip("torch")
    from benchmarks.zerocost.scores import score

    assert [score(a, ["flops"])[0]["flops"] for a in CELLS[:3]] == mflops(CELLS[:3], "cifar10").tolist()


@pytest.mark.parametrize(
    "spec, dataset",
    [
        ("nb201/cifar10-valid", "cifar10-valid"),
        ("nb201/ImageNet16-120", "ImageNet16-120"),
        ("anb201/baseline", "cifar10"),
    ],
)
def test_flops_is_a_column_of_the_tables(spec, dataset):
    bench = benchmarks.make(spec)
    assert np.array_equal(bench.extra["flops"], mflops(bench.all_archs(), dataset))
    assert bench.query((1, 2, 3, 4, 1, 2)).extra["flops"] == mflops([(1, 2, 3, 4, 1, 2)], dataset)[0]


def _front_by_levels(valid: np.ndarray, flops: np.ndarray) -> np.ndarray:
    """Which cells no other cell dominates (no more FLOPs and no less accuracy, one strictly), by
    FLOPs level: a cell is on the front when it is its level's best and beats every cheaper level."""
    levels = np.unique(flops)
    best = np.array([valid[flops == f].max() for f in levels])
    cheaper = np.concatenate([[-np.inf], np.maximum.accumulate(best)[:-1]])
    at = np.searchsorted(levels, flops)
    return (valid == best[at]) & (valid > cheaper[at])


@pytest.mark.parametrize(
    "spec, cells",
    [("nb201/cifar10-valid", 13), ("nb201/cifar100", 15), ("nb201/ImageNet16-120", 13), ("anb201/analog", 8)],
)
def test_the_exact_front_against_flops(spec, cells):
    bench = benchmarks.make(f"{spec}:objectives=valid+flops")
    o = bench.objectives
    values = table_values(bench, o.names)
    on_front = _front_by_levels(values[:, 0], values[:, 1])
    assert sorted(map(tuple, o.front)) == sorted(map(tuple, values[on_front])) and len(o.front) == cells
    assert o.ideal.tolist() == [bench.valid.max(), bench.extra["flops"].min()]
