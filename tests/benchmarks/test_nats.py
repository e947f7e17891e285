"""NATS-Bench from small files in the real formats (nats_bench's own classes and pickle_save)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from benchmarks import nats, registry
from benchmarks.base import BenchmarkError
from tests.official_fixtures import SETS, arch_results

nats_bench = pytest.importorskip("nats_bench")
from nats_bench import api_utils  # noqa: E402

SSS = ["8:16:24:32:40", "64:64:64:64:64", "8:8:8:8:8", "16:32:64:48:56"]
TSS = [
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|skip_connect~2|",
]


def _hp_results(index: int, arch_str: str, epochs: int, shift: float) -> dict:
    trials = {}
    for dataset, k in itertools.product(("cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"), range(3)):
        v = 40.0 + 10 * index + shift + k
        trials[(dataset, 777 + 111 * k)] = ({name: v - (name != "x-valid") for name in SETS[dataset]}, 100.0 * epochs)
    return arch_results(api_utils, index, arch_str, trials, epochs).state_dict()


@pytest.fixture
def nats_root(tmp_path, monkeypatch):
    """NATS_PATH with the size space as one ``.pickle.pbz2`` file and the topology space as a
    fast-mode folder (``meta.pickle.pbz2`` + one file per architecture), as released."""
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "nats"
    root.mkdir()
    sss = {
        i: {"01": _hp_results(i, s, 1, -30.0), "12": _hp_results(i, s, 12, -10.0), "90": _hp_results(i, s, 90, 0.0)}
        for i, s in enumerate(SSS)
    }
    nats_bench.pickle_save(
        {"meta_archs": SSS, "arch2infos": sss, "evaluated_indexes": set(sss)}, str(root / "NATS-sss-v1_0-50262.pickle")
    )
    folder = root / "NATS-tss-v1_0-3ffb9-simple"
    folder.mkdir()
    nats_bench.pickle_save({"meta_archs": TSS}, str(folder / "meta.pickle"))
    for i, s in enumerate(TSS[:2]):  # the third architecture has no file: not evaluated
        nats_bench.pickle_save(
            {"12": _hp_results(i, s, 12, -10.0), "200": _hp_results(i, s, 200, 0.0)}, str(folder / f"{i:06d}.pickle")
        )
    monkeypatch.setenv(nats.ENV, str(root))
    return root


def test_size_space_is_8_channels_for_5_layers():
    assert nats.CHANNELS == tuple(nats_bench.search_space_info("nats-bench", "sss")["candidates"])
    assert len(nats.CHANNELS) ** nats_bench.search_space_info("nats-bench", "sss")["num_layers"] == 32_768


def test_sss_file_matches_the_official_api(nats_root):
    api = nats_bench.create(str(nats_root / "NATS-sss-v1_0-50262.pickle.pbz2"), "sss", verbose=False)
    bench = registry.entries()["nats-sss/cifar100"].factory()
    assert bench.choices == (8,) * 5 and len(bench) == len(SSS)
    for i, s in enumerate(SSS):
        arch = tuple(nats.CHANNELS.index(int(c)) for c in s.split(":"))
        info = api.get_more_info(i, "cifar100", hp="90", is_random=False)
        res = bench.query(arch)
        assert res.valid == pytest.approx(info["valid-accuracy"])
        assert res.test == pytest.approx(info["test-accuracy"])
        assert res.cost_s == pytest.approx(info["train-all-time"])
    short = registry.entries()["nats-sss/cifar100"].factory(hp=1)  # the 01-epoch schedule
    assert np.allclose(np.sort(short.valid), np.sort(bench.valid) - 30.0)


def test_tss_fast_mode_folder(nats_root):
    bench = registry.entries()["nats-tss/ImageNet16-120"].factory(hp=12, noisy=True)
    assert bench.choices == (5,) * 6 and len(bench) == 2  # only evaluated architectures
    best = (3, 3, 3, 1, 3, 2)  # the first arch string in NAS-Bench-201's encoding
    assert bench.is_valid(best)
    values = {bench.query(best, np.random.default_rng(s)).valid for s in range(30)}
    assert values == {30.0, 31.0, 32.0}
    with pytest.raises(BenchmarkError, match="hp"):
        registry.entries()["nats-tss/cifar100"].factory(hp=90)


def test_missing_and_corrupt(nats_root, monkeypatch, tmp_path):
    monkeypatch.delenv(nats.ENV)
    reason = registry.entries()["nats-sss/cifar100"].unavailable()
    assert "NATS_PATH" in reason and "NATS-sss-v1_0-50262" in reason and "\n" not in reason
    monkeypatch.setenv(nats.ENV, str(tmp_path / "elsewhere"))
    assert "does not exist" in registry.entries()["nats-tss/cifar100"].unavailable()
    bad = nats_root / "NATS-sss-v1_0-50262.pickle.pbz2"
    bad.write_bytes(bad.read_bytes()[:200])
    monkeypatch.setenv(nats.ENV, str(nats_root))
    with pytest.raises(BenchmarkError, match="not a readable NATS-Bench sss file") as err:
        registry.entries()["nats-sss/cifar100"].factory()
    assert "\n" not in str(err.value)
    assert not list(tmp_path.glob("cache/*sss*"))  # no partial cache of the bad file
