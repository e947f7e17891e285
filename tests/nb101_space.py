"""Every NAS-Bench-101 cell, enumerated exactly, and full-size synthetic tables over them (tests only).

The official space (Ying et al., ICML 2019, section 2.2; ``nasbench/scripts/generate_graphs.py``):
DAGs on 2..7 vertices whose every vertex lies on an input->output path ("full"), at most 9 edges,
each of the inner vertices labelled with one of 3 operations, counted once per isomorphism class:
423,624 cells. Here classes are found exactly and vectorised: a matrix's canonical form is the
smallest code over the permutations of its inner vertices that keep it upper triangular; two
labellings of one canonical matrix are the same cell when an automorphism of the matrix maps one
to the other. ``tests/benchmarks/test_nb101_scale.py`` checks the count and the agreement with the
official hash on a sample.

:func:`nb101_arrays` gives the converted table (what ``benchmarks.nb101.load_nb101`` returns) with
synthetic accuracies; :func:`write_nb101_tfrecord` writes it as a ``nasbench_only108.tfrecord`` in
the official format, 3 records per cell. Never used by production code.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from benchmarks import _nb101_graph as graph
from benchmarks._tfrecord import masked
from tests.official_fixtures import OP_NAMES, model_metrics

N_CELLS = 423_624  # the official count of unique cells (Ying et al., Table 1)


def _full_dags(n: int) -> np.ndarray:
    """Every upper-triangular n x n 0/1 matrix with at most 9 edges whose every vertex but the
    input has an in-edge and every vertex but the output an out-edge: an (m, n, n) int8 array."""
    iu = np.triu_indices(n, 1)
    k = len(iu[0])
    codes = np.arange(2**k, dtype=np.int64)
    bits = ((codes[:, None] >> np.arange(k)) & 1).astype(np.int8)
    bits = bits[bits.sum(1) <= graph.MAX_EDGES]
    mats = np.zeros((len(bits), n, n), dtype=np.int8)
    mats[:, iu[0], iu[1]] = bits
    ok = np.all(mats.sum(1)[:, 1:] > 0, axis=1) & np.all(mats.sum(2)[:, :-1] > 0, axis=1)
    return mats[ok]


def _inner_perms(n: int) -> np.ndarray:
    """Every permutation of 0..n-1 fixing the input (0) and the output (n-1): (p, n)."""
    inner = list(itertools.permutations(range(1, n - 1)))
    return np.array([(0, *p, n - 1) for p in inner], dtype=np.int64).reshape(len(inner), n)


def _codes(mats: np.ndarray) -> np.ndarray:
    n = mats.shape[-1]
    flat = mats.reshape(*mats.shape[:-2], n * n).astype(np.int64)
    return flat @ (1 << np.arange(n * n, dtype=np.int64))


def _cells_of_size(n: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(matrix, op labels (c, n-2)) of every cell with n vertices, one labelling per class."""
    mats, perms = _full_dags(n), _inner_perms(n)
    if n == 2:
        yield mats[0], np.zeros((1, 0), dtype=np.int64)
        return
    # permuted[i, p] = perms[p] applied to mats[i]; kept only where it stays upper triangular
    permuted = mats[:, perms[:, :, None], perms[:, None, :]]
    upper = ~np.any(np.tril(np.ones((n, n), dtype=bool)) & (permuted > 0), axis=(2, 3))
    codes = np.where(upper, _codes(permuted), np.iinfo(np.int64).max)
    best = codes.argmin(1)
    canon = permuted[np.arange(len(mats)), best]
    _, first = np.unique(codes[np.arange(len(mats)), best], return_index=True)
    labels = np.array(list(itertools.product(range(len(graph.OPS)), repeat=n - 2)), dtype=np.int64)
    radix = len(graph.OPS) ** np.arange(n - 2, dtype=np.int64)
    for m in canon[first]:
        auts = perms[[np.array_equal(m[p][:, p], m) for p in perms]]
        inner = auts[:, 1:-1] - 1  # automorphisms as permutations of the inner vertices
        # a labelling's class: the smallest code of its images under the automorphisms
        keys = (labels[:, inner] @ radix).min(1)
        _, keep = np.unique(keys, return_index=True)
        yield m, labels[np.sort(keep)]


@lru_cache(maxsize=2)
def all_cells(max_vertices: int = graph.NODES) -> tuple[np.ndarray, np.ndarray]:
    """Every NAS-Bench-101 cell (of at most ``max_vertices`` vertices) as (LaNAS encodings (N, 26)
    int8, vertex counts (N,)), in a fixed order (by vertex count, canonical matrix, labelling)."""
    archs, sizes = [], []
    for n in range(2, max_vertices + 1):
        place = [*range(n - 1), graph.NODES - 1]  # as graph.encode_cell pads
        for m, labels in _cells_of_size(n):
            full = np.zeros((graph.NODES, graph.NODES), dtype=np.int8)
            full[np.ix_(place, place)] = m
            enc = np.zeros((len(labels), len(graph.CHOICES)), dtype=np.int8)
            enc[:, : graph.N_BITS] = full[graph.TRIU]
            enc[:, graph.N_BITS : graph.N_BITS + n - 2] = labels
            archs.append(enc)
            sizes.append(np.full(len(labels), n))
    return np.concatenate(archs), np.concatenate(sizes)


def synthetic_accuracy(archs: np.ndarray, seed: int = 0) -> np.ndarray:
    """Three repeats of a planted accuracy per cell, (N, 3) in (0, 1): a random linear score of
    the LaNAS features plus a pairwise term and per-cell noise (not the real table's values)."""
    rng = np.random.default_rng(seed)
    x = graph.features(archs).astype(np.float64)
    score = x @ rng.normal(0.0, 1.0, x.shape[1])
    score += 0.5 * (x[:, :21] @ rng.normal(0.0, 1.0, (21, 4))).prod(1) / 4.0
    z = (score - score.mean()) / score.std()
    mean = 0.9 + 0.02 * np.tanh(z) + 0.003 * rng.standard_normal(len(archs))
    return np.clip(mean[:, None] + 0.002 * rng.standard_normal((len(archs), 3)), 0.05, 0.99)


def nb101_arrays(
    n: int | None = None, seed: int = 0, hashes: bool = False, max_vertices: int = graph.NODES
) -> dict[str, np.ndarray]:
    """The converted table of ``n`` cells (all by default; a seeded sample otherwise) of at most
    ``max_vertices`` vertices, as ``load_nb101`` returns it. ``hashes``: the official hash of each
    cell (Python MD5, about 0.15 ms a cell); otherwise a distinct placeholder per cell (its row
    number in hex)."""
    archs, _ = all_cells(max_vertices)
    rng = np.random.default_rng(seed)
    if n is not None and n < len(archs):
        archs = archs[np.sort(rng.choice(len(archs), n, replace=False))]
    valid = synthetic_accuracy(archs, seed)
    if hashes:
        hs = [graph.arch_hash(a.tolist()) for a in archs]
    else:
        hs = [f"{i:032x}" for i in range(len(archs))]
    return {
        "hashes": np.array(hs, dtype="S32"),
        "archs": archs.copy(),
        "valid_runs": valid,
        "test_runs": valid - 0.005,
        "time_runs": 1000.0 + 100.0 * graph.features(archs)[:, :21].sum(1)[:, None] + np.zeros((1, 3)),
        "params": 1e6 + 1e5 * archs[:, graph.N_BITS :].sum(1).astype(np.float64),
    }


def _framed(records: list[bytes]) -> bytes:
    """The TFRecord framing of ``records``, CRCs vectorised over records of equal length."""
    from benchmarks._tfrecord import crc32c_rows

    lengths = np.array([len(r) for r in records], dtype=np.int64)
    headers = lengths.astype("<u8").view(np.uint8).reshape(-1, 8)
    head_crc = masked(crc32c_rows(headers)).astype("<u4")
    data_crc = np.zeros(len(records), dtype="<u4")
    for length in np.unique(lengths):
        idx = np.flatnonzero(lengths == length)
        rows = np.frombuffer(b"".join(records[i] for i in idx), dtype=np.uint8).reshape(len(idx), int(length))
        data_crc[idx] = masked(crc32c_rows(rows))
    out = bytearray()
    for i, rec in enumerate(records):
        out += headers[i].tobytes() + head_crc[i].tobytes() + rec + data_crc[i].tobytes()
    return bytes(out)


def write_nb101_tfrecord(path: str | Path, arrays: dict[str, np.ndarray], chunk: int = 20_000) -> int:
    """Write ``arrays`` (from :func:`nb101_arrays`) as an official ``nasbench_only108.tfrecord``:
    3 records per cell (one per repeat), the cell's stored matrix unpadded; returns the records."""
    count = 0
    with open(path, "wb") as f:
        for start in range(0, len(arrays["archs"]), chunk):
            records = []
            for i in range(start, min(start + chunk, len(arrays["archs"]))):
                m, ops = graph.decode(arrays["archs"][i].tolist())
                pruned = graph.prune(m, [-1, *ops, -2])
                assert pruned is not None, "every enumerated cell is valid"
                pm, labels = pruned
                raw_ops = ",".join(["input", *(OP_NAMES[o] for o in labels[1:-1]), "output"])
                adjacency = "".join(map(str, pm.ravel().tolist()))
                for k in range(3):
                    metrics = model_metrics(
                        float(arrays["valid_runs"][i, k]),
                        float(arrays["test_runs"][i, k]),
                        float(arrays["time_runs"][i, k]),
                        int(arrays["params"][i]),
                    )
                    h = arrays["hashes"][i].decode()
                    records.append(
                        json.dumps([h, 108, adjacency, raw_ops, base64.b64encode(metrics).decode()]).encode()
                    )
            f.write(_framed(records))
            count += len(records)
    return count
