"""anb201/*: analog-nasbench read without importing the package, in the nb201 encoding."""

import pickle
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr

from benchmarks import anb201, registry
from benchmarks._cell import connected, from_arch_str
from benchmarks.base import BenchmarkError
from benchmarks.table import cache_dir


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path_factory.getbasetemp() / "lanas-cache"))


@pytest.fixture(scope="module")
def tables():
    return registry.make("anb201/baseline"), registry.make("nb201/cifar10-valid")


def test_reads_without_the_package_or_pkg_resources(monkeypatch):
    monkeypatch.setitem(sys.modules, "pkg_resources", None)  # as with a setuptools that lacks it
    monkeypatch.delitem(sys.modules, "analognasbench", raising=False)
    arrays = anb201._build(anb201.package_file(anb201.PACKAGE, anb201.RELPATH, anb201.PIP))
    assert arrays["archs"].shape == (15_625, 6) and len(np.unique(arrays["archs"], axis=0)) == 15_625
    assert "analognasbench" not in sys.modules
    assert {"baseline_accuracy", "analog_accuracy", "analog_drift_60", "analog_drift_60_pm"} <= set(arrays)


def test_key_mapping_correlates_with_nb201(tables):
    base, nb = tables
    assert (base.all_archs() == nb.all_archs()).all()  # same encoding, same sorted cells
    rho = spearmanr(base.valid, nb.valid)[0]
    assert rho > 0.98
    # the same table read with other mappings: package order taken literally, the DAG's mirror,
    # the package's positions taken as arch-string order
    keys = np.array([anb201.package_key(tuple(a)) for a in base.all_archs()])
    for ops, positions in [
        ((0, 1, 2, 3, 4), (0, 1, 2, 3, 4, 5)),
        ((1, 0, 3, 2, 4), (5, 4, 3, 2, 1, 0)),
        ((1, 0, 3, 2, 4), (0, 1, 2, 3, 4, 5)),
    ]:
        other = np.asarray(ops)[keys][:, list(positions)]
        assert spearmanr(base.valid, nb.valid[nb.index(other)])[0] < rho - 0.015
    cut = ~connected(base.all_archs())
    assert cut.sum() == 341 and np.all(base.valid[cut] == 10.0) and base.valid[~cut].min() > 35


def test_package_keys_and_known_cells(tables):
    base, _ = tables
    assert anb201.package_key((1,) * 6) == (0,) * 6  # the all-zero key is the all-skip cell
    assert base.query((1,) * 6).valid == pytest.approx(60.7836)
    assert base.query((0,) * 6).valid == 10.0
    assert anb201.package_key((3, 3, 3, 1, 3, 2)) == (2, 2, 0, 2, 2, 3)
    keys = np.array([anb201.package_key(tuple(a)) for a in base.all_archs()[::50]])
    assert (anb201.from_package_keys(keys) == base.all_archs()[::50]).all()


def test_objectives_and_optima():
    base, analog = registry.make("anb201/baseline"), registry.make("anb201/analog")
    assert (
        base.arch_str(base.best())
        == "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
    )
    assert base.targets().optimum == pytest.approx(94.0664)
    assert analog.best() == from_arch_str(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"
    )
    assert analog.targets().optimum == pytest.approx(91.326)
    r = base.query(base.best())
    assert r.valid == pytest.approx(94.0664) and "baseline_accuracy" not in r.extra
    assert r.extra["analog_accuracy"] == analog.query(base.best()).valid
    assert "baseline_accuracy" in analog.query(base.best()).extra
    assert len(base) == 15_625 and base.value_range == (0.0, 100.0) and "baseline" in base.describe()


def test_corrupt_cache_is_rebuilt():
    first = anb201.load_arrays()
    cache = list(cache_dir().glob("anb201.*.npz"))
    assert len(cache) == 1
    cache[0].write_bytes(b"not a zip file")
    again = anb201.load_arrays()
    assert np.array_equal(first["baseline_accuracy"], again["baseline_accuracy"])
    assert np.array_equal(first["archs"], again["archs"])


def test_missing_and_corrupt_data_file(monkeypatch, tmp_path):
    monkeypatch.setattr(anb201, "RELPATH", "no-such-file.anb")
    with pytest.raises(BenchmarkError, match="analog-nasbench") as err:
        anb201.load_arrays()
    assert "\n" not in str(err.value)
    monkeypatch.undo()
    real = anb201.package_file(anb201.PACKAGE, anb201.RELPATH, anb201.PIP)
    bad = tmp_path / "data.anb"
    bad.write_bytes(real.read_bytes()[:100_000])
    with pytest.raises(BenchmarkError, match="pip install --force-reinstall analog-nasbench") as err:
        anb201._build(bad)
    assert "\n" not in str(err.value)
    foreign = tmp_path / "foreign.anb"
    foreign.write_bytes(
        pickle.dumps({(0,) * 6: anb201._Record()}, protocol=0)
        .replace(b"benchmarks.anb201", b"analognasbench.evil")
        .replace(b"_Record", b"Evil")
    )
    with pytest.raises(BenchmarkError, match="unexpected class"):
        anb201._build(foreign)
