"""NAS-Bench-101 from a small TFRecord in the official format (framing, CRCs, JSON, ModelMetrics)."""

from __future__ import annotations

import itertools
import struct

import numpy as np
import pytest

from benchmarks import _nb101_graph as graph
from benchmarks import nb101, registry
from benchmarks._tfrecord import RecordError, crc32c, frame, iter_records, read_records
from benchmarks.base import BenchmarkError
from tests import nb101_space
from tests.official_fixtures import nb101_record, write_records

# the inception-like cell of the NAS-Bench-101 README (7 vertices, 9 edges)
INCEPTION = (
    [
        [0, 1, 1, 1, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
    ],
    [1, 0, 0, 0, 2],
)
# the same cell with vertices 1 and 2 swapped (an isomorphic duplicate)
INCEPTION_SWAPPED = (
    [
        [0, 1, 1, 1, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
    ],
    [0, 1, 0, 0, 2],
)
CHAIN5 = ([[0, 1, 0, 0, 1], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]], [0, 2, 1])
TINY = ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], [0])
TINY_SKIP = ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], [0])
CELLS = {"inception": INCEPTION, "chain5": CHAIN5, "tiny": TINY, "tiny_skip": TINY_SKIP}
VALID = {
    "inception": (0.93, 0.94, 0.95),
    "chain5": (0.90, 0.91, 0.89),
    "tiny": (0.80, 0.82, 0.81),
    "tiny_skip": (0.85, 0.86, 0.84),
}


def _records() -> list[bytes]:
    out = []
    for name, (m, ops) in CELLS.items():
        h = graph.cell_hash(np.array(m), ops)
        for k, v in enumerate(VALID[name]):
            # the third repeat of the inception cell is stored in its isomorphic form
            mm, oo = INCEPTION_SWAPPED if (name == "inception" and k == 2) else (m, ops)
            out.append(nb101_record(h, mm, oo, v, v - 0.01, time=1000.0 + k, params=123_456))
    out.append(nb101_record("f" * 32, TINY[0], TINY[1], 0.1, 0.1).replace(b", 108,", b", 36,"))
    return out


@pytest.fixture
def tfrecord(tmp_path, monkeypatch):
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "nasbench_only108.tfrecord"
    write_records(path, _records())
    monkeypatch.setenv(nb101.ENV, str(path))
    return path


def _enc(cell) -> tuple[int, ...]:
    return graph.encode_cell(np.array(cell[0]), cell[1])


def test_crc32c_and_framing(tmp_path):
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    rec = frame(b"hello")
    assert struct.unpack("<Q", rec[:8])[0] == 5 and len(rec) == 8 + 4 + 5 + 4
    write_records(tmp_path / "x", [b"a", b"", b"bc" * 300, b"d"])
    assert read_records(tmp_path / "x") == [b"a", b"", b"bc" * 300, b"d"]


def test_hash_is_isomorphism_invariant_and_prunes():
    h = graph.cell_hash(np.array(INCEPTION[0]), INCEPTION[1])
    assert graph.cell_hash(np.array(INCEPTION_SWAPPED[0]), INCEPTION_SWAPPED[1]) == h
    assert graph.arch_hash(_enc(INCEPTION)) == h and graph.arch_hash(_enc(CHAIN5)) != h
    assert graph.cell_hash(np.array(INCEPTION[0]), [1, 0, 0, 0, 1]) != h  # another label
    dangling = list(_enc(TINY))
    dangling[1] = 1  # bit 1 is edge 0->2, into a padded vertex that never reaches the output
    assert graph.arch_hash(dangling) == graph.arch_hash(_enc(TINY))
    too_many = np.triu(np.ones((7, 7), dtype=int), 1)
    assert graph.cell_hash(too_many, [0] * 5) is None  # 21 edges > 9
    assert graph.cell_hash(np.zeros((7, 7), dtype=int), [0] * 5) is None  # disconnected


def test_hash_agrees_with_the_official_file():
    """Values published from the official API: the first row of nasbench_only108.tfrecord, and
    the README's inception-like query cell with the representative the API returned for it."""
    first = [
        [0, 1, 0, 0, 1, 1, 0],
        [0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 1],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0] * 7,
    ]
    assert graph.cell_hash(np.array(first), [0, 2, 0, 0, 1]) == "00005c142e6f48ac74fdcf73e3439874"
    stored = [
        [0, 1, 1, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0] * 7,
    ]
    assert graph.cell_hash(np.array(stored), [0, 1, 2, 0, 0]) == graph.cell_hash(np.array(INCEPTION[0]), INCEPTION[1])


def test_load_enumerate_encode_query(tfrecord):
    bench = registry.entries()["nb101/cifar10"].factory()
    assert len(bench) == 4 and bench.choices == (2,) * 21 + (3,) * 5
    for name, cell in CELLS.items():
        arch = _enc(cell)
        res = bench.query(arch)
        assert res.valid == pytest.approx(np.mean(VALID[name]))
        assert res.test == pytest.approx(np.mean(VALID[name]) - 0.01)
        assert res.cost_s == pytest.approx(1001.0) and res.extra["params"] == 123_456
        assert res.extra["hash"] == graph.arch_hash(arch)
    swapped = _enc(INCEPTION_SWAPPED)
    assert swapped not in {tuple(a) for a in bench.all_archs().tolist()}
    assert bench.is_valid(swapped) and bench.canonical(swapped) == _enc(INCEPTION)
    assert bench.query(swapped) == bench.query(_enc(INCEPTION))
    assert not bench.is_valid(_enc(([[0, 1], [0, 0]], [])))  # a valid cell the file lacks
    x = bench.encode(bench.all_archs())
    assert (
        x.shape == (4, 36)
        and np.all(x[:, 21:].sum(1) == 5)
        and np.all(x[:, :21].sum(1) == bench.all_archs()[:, :21].sum(1))
    )
    rng = np.random.default_rng(0)
    tiny = bench.canonical(_enc(TINY))
    assert bench.mutate(tiny, rng) == bench.canonical(_enc(TINY_SKIP))  # the one neighbour in the file
    assert bench.targets().optimum == pytest.approx(0.94)


def test_repeat_random_and_objective_test(tfrecord):
    factory = registry.entries()["nb101/cifar10"].factory
    noisy = factory(repeat="random")
    seen = {noisy.query(_enc(CHAIN5), np.random.default_rng(s)).valid for s in range(40)}
    assert seen == set(VALID["chain5"])
    paper = factory(objective="test")
    assert paper.query(_enc(TINY)).valid == pytest.approx(np.mean(VALID["tiny"]) - 0.01)
    with pytest.raises(BenchmarkError, match="repeat"):
        factory(repeat="median")


def test_cache_reused(tfrecord, monkeypatch):
    first = nb101.load_nb101(tfrecord)
    monkeypatch.setattr(nb101, "_build", lambda p: (_ for _ in ()).throw(AssertionError("rebuilt")))
    second = nb101.load_nb101(tfrecord)
    assert all(np.array_equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize("damage", ["truncate", "flip_data", "flip_length", "not_json"])
def test_corrupt_file_one_line_and_no_cache(tfrecord, tmp_path, damage):
    raw = bytearray(tfrecord.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip_data":
        raw[40] ^= 0xFF
    elif damage == "flip_length":
        raw[9] ^= 0x01
    else:
        raw = bytearray(frame(b"not json at all"))
    tfrecord.write_bytes(bytes(raw))
    with pytest.raises(BenchmarkError) as err:
        nb101.load_nb101(tfrecord)
    msg = str(err.value)
    assert "\n" not in msg and "nasbench_only108.tfrecord" in msg and "NB101_PATH" in msg
    cache = tmp_path / "cache"
    assert not cache.exists() or not list(cache.iterdir())


def test_missing_path_message(monkeypatch, tmp_path):
    monkeypatch.delenv(nb101.ENV, raising=False)
    entry = registry.entries()["nb101/cifar10"]
    reason = entry.unavailable()
    assert "nasbench_only108.tfrecord" in reason and "--nb101-path" in reason and "NB101_PATH" in reason
    monkeypatch.setenv(nb101.ENV, str(tmp_path / "missing.tfrecord"))
    assert "does not exist" in entry.unavailable()
    with pytest.raises(BenchmarkError, match="does not exist"):
        nb101.load_nb101(tmp_path / "missing.tfrecord")


def test_record_error_is_specific(tmp_path):
    write_records(tmp_path / "r", [b"x" * 10])
    (tmp_path / "r").write_bytes((tmp_path / "r").read_bytes()[:-2])
    with pytest.raises(RecordError, match="truncated"):
        read_records(tmp_path / "r")


def test_padding_places_output_last():
    arch = _enc(TINY)
    m, ops = graph.decode(arch)
    assert m[0, 1] == 1 and m[1, 6] == 1 and m.sum() == 2 and ops == [0, 0, 0, 0, 0]
    assert list(itertools.islice(graph.CHOICES, 20, 22)) == [2, 3]


# ----- the whole space (tests/nb101_space.py) ---------------------------------------------
def _small_valid_encodings(rng: np.random.Generator, count: int, max_vertices: int) -> list[list[int]]:
    """Random valid encodings whose pruned cell has at most ``max_vertices`` vertices."""
    out: list[list[int]] = []
    while len(out) < count:
        arch = [int(rng.random() < 0.25) for _ in range(graph.N_BITS)] + [int(rng.integers(3)) for _ in range(5)]
        m, ops = graph.decode(arch)
        pruned = graph.prune(m, [-1, *ops, -2])
        if pruned is not None and len(pruned[1]) <= max_vertices and int(pruned[0].sum()) <= graph.MAX_EDGES:
            out.append(arch)
    return out


def test_enumerated_cells_are_the_official_hash_classes():
    """Up to 5 vertices: one enumerated cell per official hash, and every random valid encoding of
    that size hashes to one of them (so no class is missing and none is split)."""
    archs, sizes = nb101_space.all_cells(5)
    assert np.bincount(sizes).tolist() == [0, 0, 1, 6, 84, 2441]
    hashes = {graph.arch_hash(a.tolist()) for a in archs}
    assert len(hashes) == len(archs) and None not in hashes
    drawn = _small_valid_encodings(np.random.default_rng(0), 300, 5)
    assert {graph.arch_hash(a) for a in drawn} <= hashes


@pytest.mark.slow
def test_the_enumeration_has_the_official_423624_cells():
    archs, sizes = nb101_space.all_cells()
    assert len(archs) == nb101_space.N_CELLS and len(np.unique(archs, axis=0)) == len(archs)
    rng = np.random.default_rng(1)
    sample = archs[rng.choice(len(archs), 2000, replace=False)]
    assert len({graph.arch_hash(a.tolist()) for a in sample}) == 2000  # distinct classes


def test_a_synthetic_file_in_the_official_format_loads_back(tmp_path, monkeypatch):
    """The helper's file (3 records per cell) converts to the helper's arrays, bit for bit."""
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    arrays = nb101_space.nb101_arrays(300, seed=2, hashes=True, max_vertices=6)
    path = tmp_path / "nasbench_only108.tfrecord"
    assert nb101_space.write_nb101_tfrecord(path, arrays, chunk=128) == 900
    loaded = nb101.load_nb101(path)
    assert sorted(loaded) == sorted(arrays)
    for key, value in arrays.items():
        np.testing.assert_array_equal(loaded[key], value, err_msg=key)
    bench = nb101.NB101(loaded)
    assert len(bench) == 300 and all(bench.is_valid(tuple(a)) for a in arrays["archs"][:20].tolist())


def test_fewer_repeats_are_cycled_in_file_order(tmp_path, monkeypatch):
    """Repeats of a cell may lie anywhere in the file; a cell with fewer than 3 repeats cycles them."""
    monkeypatch.setenv("LANAS_CACHE", str(tmp_path / "cache"))
    h = {name: graph.cell_hash(np.array(m), ops) for name, (m, ops) in CELLS.items()}
    order = [("tiny", 0.1), ("chain5", 0.5), ("tiny", 0.2), ("chain5", 0.6), ("inception", 0.9), ("chain5", 0.7)]
    records = [nb101_record(h[name], *CELLS[name], v, v) for name, v in order]
    write_records(tmp_path / "f.tfrecord", records)
    arrays = nb101.load_nb101(tmp_path / "f.tfrecord")
    assert arrays["hashes"].astype(str).tolist() == [h["tiny"], h["chain5"], h["inception"]]
    np.testing.assert_allclose(arrays["valid_runs"], [[0.1, 0.2, 0.1], [0.5, 0.6, 0.7], [0.9, 0.9, 0.9]])


@pytest.mark.parametrize("chunk", [1, 30, 1000, 1 << 20])
def test_records_read_in_chunks_are_the_records_and_errors_name_the_record(tmp_path, chunk):
    records = [bytes([i]) * (i * 7 % 50) for i in range(40)]
    write_records(tmp_path / "r", records)
    assert [r for part in iter_records(tmp_path / "r", chunk) for r in part] == records
    raw = bytearray((tmp_path / "r").read_bytes())
    at = sum(16 + len(r) for r in records[:25]) + 12  # the first data byte of record 25
    raw[at] ^= 0xFF
    (tmp_path / "r").write_bytes(bytes(raw))
    with pytest.raises(RecordError, match=f"corrupt data CRC of record 25 \\(byte {at - 12}\\)"):
        for _ in iter_records(tmp_path / "r", chunk):
            pass


def test_final_metrics_are_those_of_the_generic_decoding_in_any_field_order():
    from tests.official_fixtures import _double, _message, _varint, model_metrics

    raw = model_metrics(0.91, 0.9, 1234.5, 777)
    metrics = nb101.proto_fields(raw)
    final = nb101.proto_fields(metrics[1][2])
    expected = (final[4][0], final[5][0], final[2][0], float(metrics[2][0]))
    assert nb101.final_metrics(raw) == expected == (0.91, 0.9, 1234.5, 777.0)
    evals = metrics[1]
    shuffled = (
        _double(3, 99.0)
        + _message(1, evals[0])
        + _varint(2 << 3)
        + _varint(777)
        + b"".join(_message(1, e) for e in evals[1:])
    )
    assert nb101.final_metrics(shuffled) == expected
    with pytest.raises(KeyError):
        nb101.final_metrics(_message(1, evals[0]) + _message(1, evals[1]))  # no end of training
