"""The proxies on NAS-Bench-201's network, the resumable table, and a proxy as a table's evaluator."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from benchmarks import registry  # noqa: E402
from benchmarks.base import BenchmarkError  # noqa: E402
from benchmarks.trained.model import Network  # noqa: E402
from benchmarks.zerocost import DATA, DEFAULT, Setting, evaluator, network, table  # noqa: E402
from benchmarks.zerocost.scores import score  # noqa: E402


def test_flops_span_nas_bench_201s_published_range() -> None:
    # NAS-Bench-201, CIFAR-10, C=16, N=5: 7.78 to 220.11 MFLOPs (multiply-accumulates)
    low, high = score((0,) * 6, ["flops"])[0]["flops"], score((3,) * 6, ["flops"])[0]["flops"]
    assert 7.78 <= low < 7.79 and 220.11 <= high < 220.12


@pytest.mark.parametrize(
    "arch, published", [((0,) * 6, 73_306), ((3, 0, 0, 0, 0, 0), 316_346), ((1, 2, 3, 4, 1, 2), 372_346)]
)
def test_params_are_nas_bench_201s_model_size(arch, published) -> None:
    assert score(arch, ["params"])[0]["params"] == pytest.approx(published / 1e6)


def test_the_full_cell_computes_the_cells_function() -> None:
    arch = (3, 0, 2, 1, 0, 4)  # node 2 reaches the output only through a none edge: dead, yet computed
    full = network.build(arch, 0)
    live = Network(arch)
    live.load_state_dict(full.state_dict())
    x = torch.randn(4, 3, 32, 32)
    assert torch.allclose(full.eval()(x), live.eval()(x), atol=1e-6)


def test_scores_are_reproducible_and_leave_the_global_torch_state() -> None:
    state = torch.get_rng_state()
    a, b = score((3, 1, 2, 0, 4, 3), ["synflow"])[0], score((3, 1, 2, 0, 4, 3), ["synflow"])[0]
    assert a == b and torch.equal(state, torch.get_rng_state())
    assert score((3, 1, 2, 0, 4, 3), ["synflow"], Setting(seed=1))[0] != a


def test_unknown_proxy_or_dataset_is_one_clear_error() -> None:
    with pytest.raises(BenchmarkError, match="unknown zero-cost proxy 'zen'"):
        score((0,) * 6, ["zen"])
    with pytest.raises(BenchmarkError, match="unknown dataset 'mnist'"):
        score((0,) * 6, ["synflow"], Setting("mnist"))


@pytest.mark.slow  # a minute on a loaded machine
def test_data_proxies_score_a_minibatch_of_fashion_mnist(fashion) -> None:
    cell = (2, 1, 0, 1, 4, 1)  # one 1x1 convolution per cell: cheap
    values, seconds = score(cell, DATA, Setting(batch_size=4))
    assert all(np.isfinite(values[p]) and seconds[p] > 0 for p in DATA)
    other, _ = score(cell, ["naswot"], Setting(batch_size=4, seed=1))
    assert other["naswot"] != values["naswot"]  # the seed draws the minibatch and the weights


def _build(path, n: int, setting: Setting = DEFAULT) -> table.Table:
    return table.build(path, setting, [(("synflow", "params", "flops"), n)], chunk=2)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A table with synflow of the first 3 cells of the build order (and params, flops of all)."""
    path = tmp_path_factory.mktemp("zc") / "t.npz"
    return path, _build(path, 3)


@pytest.mark.slow  # a minute on a loaded machine
def test_the_build_resumes_covers_params_and_flops_everywhere_and_keeps_its_setting(built, tmp_path) -> None:
    path = tmp_path / "t.npz"
    path.write_bytes(built[0].read_bytes())
    first = built[1]
    done = table.order(0)[:3]
    assert first.covered("synflow") == 3 and first.done["synflow"][done].all()
    assert first.covered("params") == first.covered("flops") == table.N_CELLS
    cells = table.all_cells()
    for c in (5, 777, 15_000):  # params, flops from one cell per conv-count pair equal the cell's own
        assert score(cells[c], ["params", "flops"])[0] == {p: first.values[p][c] for p in ("params", "flops")}
    again = _build(path, 4)
    assert again.count["synflow"] == 4
    np.testing.assert_array_equal(again.values["synflow"][done], first.values["synflow"][done])
    with pytest.raises(BenchmarkError, match="holds scores of"):
        _build(path, 4, Setting(seed=3))


@pytest.mark.slow  # a minute on a loaded machine
def test_a_proxy_evaluator_searches_the_percentile_and_judges_the_table(built, monkeypatch) -> None:
    t = built[1]
    monkeypatch.setattr(evaluator, "shipped", lambda: t)
    evaluator._sorted_scores.cache_clear()
    bench = registry.make("nb201/cifar100:evaluator=zc-synflow")
    truth = registry.make("nb201/cifar100")
    cells = table.all_cells()
    for c in table.order(0)[:3]:
        arch = tuple(int(a) for a in cells[c])
        r = bench.query(arch)
        assert r.extra["true_valid"] == truth.query(arch).valid and r.test is None
        assert r.valid == evaluator.percentile("synflow", t.values["synflow"][[c]])[0]
    outside = tuple(int(a) for a in cells[table.order(0)[10]])
    expect = evaluator.percentile("synflow", np.array([score(outside, ["synflow"])[0]["synflow"]]))[0]
    assert bench.query(outside).valid == expect  # scored on demand with the table's setting
    assert bench.proxy_cost_s == pytest.approx(t.cpu_s["synflow"] / 3)
    evaluator._sorted_scores.cache_clear()
    evaluator.on_demand.cache_clear()


@pytest.mark.slow  # spawns two processes
def test_a_parallel_build_scores_as_the_serial_one(built, tmp_path) -> None:
    path = tmp_path / "t.npz"
    path.write_bytes(built[0].read_bytes())
    t = table.build(path, DEFAULT, [(("synflow",), 5)], chunk=2, workers=2)
    cells = table.all_cells()
    for c in table.order(0)[3:5]:
        assert t.values["synflow"][c] == score(cells[c], ["synflow"])[0]["synflow"]


def test_an_unknown_proxy_evaluator_is_one_clear_line() -> None:
    with pytest.raises(Exception, match="evaluator=zc-zen is not allowed: evaluator must be one of table, oneshot"):
        registry.make("nb201/cifar10-valid:evaluator=zc-zen")
