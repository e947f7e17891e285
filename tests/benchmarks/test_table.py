"""TableBenchmark lookups, ragged per-seed rows, and the npz cache (rebuilt when stale or corrupt)."""

import os

import numpy as np
import pytest

from benchmarks.base import BenchmarkError
from benchmarks.table import TableBenchmark, cached_arrays


def _table(noisy=False):
    archs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    runs = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, np.nan], [6.0, np.nan, np.nan], [7.0, 8.0, 9.0]])
    return TableBenchmark(
        choices=(2, 2), archs=archs[::-1], valid=np.nanmean(runs, 1)[::-1], valid_runs=runs[::-1], noisy=noisy
    )


def test_lookup_and_validity():
    t = _table()
    assert t.query((0, 1)).valid == pytest.approx(4.5)
    assert list(t.index([(1, 1), (0, 0), (2, 0)])) == [3, 0, -1]
    assert t.is_valid((1, 0)) and not t.is_valid((2, 0)) and not t.is_valid((0,))
    with pytest.raises(BenchmarkError):
        t.query((2, 0))


def test_noisy_draws_only_real_seeds_reproducibly():
    t = _table(noisy=True)
    rng = np.random.default_rng(3)
    draws = [t.query((0, 1), rng).valid for _ in range(50)]
    assert set(draws) == {4.0, 5.0}  # the NaN padding is never drawn
    assert {t.query((1, 0), rng).valid for _ in range(10)} == {6.0}
    again = np.random.default_rng(3)
    assert [t.query((0, 1), again).valid for _ in range(50)] == draws


def test_cache_rebuilt_when_corrupt_or_stale(monkeypatch, tmp_path):
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "source.bin"
    source.write_bytes(b"v1")
    calls = []

    def build():
        calls.append(1)
        return {"x": np.arange(len(calls) + 2)}

    first = cached_arrays("fam/tab", source, build)
    assert len(calls) == 1 and np.array_equal(cached_arrays("fam/tab", source, build)["x"], first["x"])
    assert len(calls) == 1  # served from the cache
    (cache,) = (tmp_path / "cache").glob("fam_tab.v1.npz")
    cache.write_bytes(cache.read_bytes()[:40])  # truncated
    assert len(cached_arrays("fam/tab", source, build)["x"]) == 4 and len(calls) == 2
    source.write_bytes(b"version 2")  # the packaged source changed
    os.utime(source, ns=(1, 1))
    assert len(cached_arrays("fam/tab", source, build)["x"]) == 5 and len(calls) == 3
