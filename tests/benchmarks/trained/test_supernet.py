"""The trained space's weight-sharing supernet (benchmarks/trained/supernet.py), for real on CPU at tiny
settings: the masked forward is the stand-alone network, training touches only the sampled path, and
the cache is reused and invalidated by a changed schedule."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.optional import TORCH_HINT

torch = pytest.importorskip("torch", reason=TORCH_HINT)

from benchmarks.trained import TrainedBenchmark  # noqa: E402
from benchmarks.trained.model import Cell, Network  # noqa: E402
from benchmarks.trained.pipeline import Schedule, make_plan  # noqa: E402
from benchmarks.trained.supernet import SuperNet, train_step  # noqa: E402
from harness.runner import run  # noqa: E402

from .test_trained import TINY, fashion, one_thread  # noqa: E402,F401  (fixtures)

CELLS = [(3, 1, 2, 0, 4, 3), (0, 0, 0, 0, 0, 0), (1, 2, 3, 4, 1, 2), (2, 0, 0, 0, 0, 3), (3, 3, 3, 1, 3, 2)]


def standalone(supernet: SuperNet, arch) -> Network:
    """The stand-alone network of ``arch`` holding a copy of ``supernet``'s weights on its path."""
    net = Network(arch, **supernet.dims, stats=False)
    mine = dict(supernet.named_parameters())
    with torch.no_grad():
        for name, p in net.named_parameters():
            parts = name.split(".")
            if parts[0] == "body" and isinstance(net.body[int(parts[1])], Cell):  # body.i.ops.e.rest
                parts.insert(4, str(arch[int(parts[3])]))
            p.copy_(mine[".".join(parts)])
    return net


@pytest.fixture
def supernet():
    torch.manual_seed(0)
    return SuperNet(width=4, cells=2)


@pytest.mark.parametrize("arch", CELLS)
def test_a_masked_forward_equals_the_standalone_network_with_the_same_weights(supernet, arch):
    x = torch.randn(6, 3, 32, 32)
    net = standalone(supernet, arch)
    for mode in (True, False):  # no running statistics: train and eval agree
        supernet.train(mode), net.train(mode)
        assert torch.equal(supernet(x, arch), net(x))
    other = standalone(supernet, (4, 4, 4, 4, 4, 4))
    assert not torch.allclose(other(x), net(x))  # the path's weights matter: the test can fail


def _path_params(supernet: SuperNet, arch) -> set[str]:
    """Names of the supernet's parameters on ``arch``'s path (those its stand-alone network copies)."""
    net, names = standalone(supernet, arch), set()
    for name, _ in net.named_parameters():
        parts = name.split(".")
        if parts[0] == "body" and len(parts) > 4 and parts[2] == "ops":
            parts.insert(4, str(arch[int(parts[3])]))
        names.add(".".join(parts))
    return names


@pytest.mark.parametrize("arch", [(3, 1, 2, 0, 4, 3), (2, 0, 0, 0, 0, 3)])
def test_training_changes_only_the_sampled_paths_weights(supernet, fashion, arch):  # noqa: F811 (fixture)
    from benchmarks.trained.data import load
    from benchmarks.trained.pipeline import DeviceData

    data = DeviceData(load("fashion-mnist", valid_size=64, train_size=128, test_size=64), torch.device("cpu"))
    sched = Schedule(epochs=1, batch=64, width=4, cells=2, precision="fp32")
    plan = make_plan(len(data.train_y), sched, 0, data.device)
    before = {n: p.detach().clone() for n, p in supernet.named_parameters()}
    bufs = [torch.zeros_like(p) for p in supernet.parameters()]
    for t in range(2):
        train_step(supernet, bufs, data, plan, sched, t, arch)
    changed = {n for n, p in supernet.named_parameters() if not torch.equal(p, before[n])}
    path = _path_params(supernet, arch)
    assert changed and changed <= path
    assert any(".ops." in n for n in changed)  # the cell's own operations learned, not only the skeleton


def test_the_cache_is_reused_and_invalidated_by_a_changed_schedule(fashion, tmp_path):  # noqa: F811 (fixture)
    def bench(**opts):
        return TrainedBenchmark(
            dataset="fashion-mnist", cache=str(tmp_path / "store.sqlite"), evaluator="oneshot", **{**TINY, **opts}
        )

    first = bench().query(CELLS[0])
    assert not first.extra["supernet_from_cache"] and first.extra["supernet_train_s"] > 0
    files = sorted((tmp_path / "supernets").glob("*.pt"))
    assert len(files) == 1 and 0 <= first.valid <= 100 and first.test is None
    again = bench().query(CELLS[0])  # a new process would see the same file
    assert again.extra["supernet_from_cache"] and again.valid == first.valid
    assert not bench(epochs=2).query(CELLS[0]).extra["supernet_from_cache"]  # another schedule, another file
    assert len(list((tmp_path / "supernets").glob("*.pt"))) == 2
    assert not bench(seed=1).query(CELLS[0]).extra["supernet_from_cache"]
    assert not list((tmp_path / "supernets").glob("*.tmp"))


def test_a_search_runs_through_the_supernet(fashion, tmp_path):  # noqa: F811 (fixture)
    b = TrainedBenchmark(dataset="fashion-mnist", cache=str(tmp_path / "s.sqlite"), evaluator="oneshot", **TINY)
    b.name = "trained/nb201-fashion-mnist:evaluator=oneshot"
    out = run(b, "random", 0, 6)
    assert out.status == "budget" and b.trainings == 0
    assert out.rows["true_valid"] == out.rows["valid"] and all(0 <= v <= 100 for v in out.rows["valid"])
    assert np.isfinite(out.rows["cost_s"]).all()
