"""``nb101/cifar10``: NAS-Bench-101 (Ying et al., ICML 2019), the paper's main table (section 5.1).

Read from the official ``nasbench_only108.tfrecord`` without TensorFlow: each record is the
JSON list ``[module_hash, epochs, raw_adjacency, raw_operations, base64(ModelMetrics)]`` that
``nasbench.api.NASBench`` parses; ``ModelMetrics`` is decoded by hand (``nasbench/lib/
model_metrics.proto``: ``evaluation_data[2]`` is the end of training). A first load converts
the 423,624 cells x 3 repeats into an npz cache.

The space is the LaNAS release's encoding (``_nb101_graph``): 21 adjacency bits and 5 op
indices. Any valid encoding is accepted and mapped to the stored representative of its
isomorphism class by the official graph hash; ``all_archs``/``sample`` give the 423,624
representatives. A query answers the mean over the three training repeats of the final
validation accuracy (``repeat=random``: one repeat drawn by the run's rng); test accuracy is
reported. ``objective=test`` searches on mean test accuracy as the released LaNAS code does
(its target 0.943175752957662 is the best mean test accuracy); the default follows
NAS-Bench-101's guideline (select on validation, report test).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import struct
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import _nb101_graph as graph
from ._tfrecord import RecordError, iter_records
from .base import Arch, Benchmark, BenchmarkError, Result
from .registry import register
from .table import TableBenchmark, cached_arrays

log = logging.getLogger(__name__)

ENV = "NB101_PATH"
EPOCHS = 108
REPEATS = 3
DOWNLOAD = (
    "download nasbench_only108.tfrecord (499 MB) from "
    "https://storage.googleapis.com/nasbench/nasbench_only108.tfrecord "
    "and pass --nb101-path FILE or set NB101_PATH"
)


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def proto_fields(buf: bytes) -> dict[int, list[Any]]:
    """Fields of a serialized protobuf message: number -> values (varint int, fixed64 as double,
    fixed32 as float, length-delimited as bytes)."""
    out: dict[int, list[Any]] = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            (value,) = struct.unpack_from("<d", buf, pos)
            pos += 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value = buf[pos : pos + n]
            if len(value) != n:
                raise ValueError("truncated length-delimited field")
            pos += n
        elif wire == 5:
            (value,) = struct.unpack_from("<f", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def final_metrics(raw: bytes) -> tuple[float, float, float, float]:
    """(validation accuracy, test accuracy, training time, parameters) of a serialized
    ``ModelMetrics``: its ``evaluation_data[2]`` (the end of training, as the API reads it) and its
    ``trainable_parameters``, without decoding the other evaluations (the conversion's inner loop);
    fields in another order than the official writer's go through :func:`proto_fields`."""
    pos, n, k, params, final = 0, len(raw), 0, 0.0, b""
    while pos < n:
        key = raw[pos]
        if key == 0x0A:  # field 1, length-delimited: an evaluation
            size, pos = _varint(raw, pos + 1)
            if k == 2:
                final = raw[pos : pos + size]
            k, pos = k + 1, pos + size
        elif key == 0x10:  # field 2, varint: trainable parameters
            value, pos = _varint(raw, pos + 1)
            params = float(value)
        else:  # anything else (the total time, fields out of order): the generic parser
            rest = proto_fields(raw[pos:])
            params = float(rest.get(2, [params])[0])
            later = rest.get(1, [])
            if not final and 0 <= 2 - k < len(later):
                final = later[2 - k]
            break
    fields = proto_fields(final)
    return fields[4][0], fields[5][0], fields[2][0], params


def _record(record: bytes) -> tuple[str, int, str, str, str]:
    module_hash, epochs, raw_adjacency, raw_operations, raw_metrics = json.loads(record)
    return str(module_hash), int(epochs), raw_adjacency, raw_operations, raw_metrics


def _cells(adjacency: list[str], operations: list[str]) -> np.ndarray:
    """The LaNAS encodings of cells given as the file's matrix and op strings (as
    :func:`graph.encode_cell`, vectorised per number of vertices)."""
    out = np.zeros((len(adjacency), len(graph.CHOICES)), dtype=np.int8)
    dims = np.array([int(round(len(a) ** 0.5)) for a in adjacency])
    op_index = {op: i for i, op in enumerate(graph.OPS)}
    for d in np.unique(dims):
        rows = np.flatnonzero(dims == d)
        if d * d != len(adjacency[rows[0]]) or not 2 <= d <= graph.NODES:
            raise ValueError(f"an adjacency of length {len(adjacency[rows[0]])} is not a 2..7-vertex matrix")
        bits = np.frombuffer("".join(adjacency[r] for r in rows).encode("ascii"), dtype=np.uint8) - ord("0")
        if np.any(bits > 1):
            raise ValueError("an adjacency matrix holds a digit other than 0 and 1")
        place = [*range(d - 1), graph.NODES - 1]
        full = np.zeros((len(rows), graph.NODES, graph.NODES), dtype=np.int8)
        full[:, np.array(place)[:, None], np.array(place)[None, :]] = bits.reshape(-1, d, d)
        out[rows, : graph.N_BITS] = full[:, graph.TRIU[0], graph.TRIU[1]]
        ops = [[op_index[o] for o in operations[r].split(",")[1:-1]] for r in rows]
        out[rows, graph.N_BITS : graph.N_BITS + d - 2] = np.array(ops, dtype=np.int8).reshape(len(rows), d - 2)
    return out


def _build(path: Path) -> dict[str, np.ndarray]:
    log.info("converting %s into the cache (about a minute, once)", path)
    rows: dict[str, int] = {}
    adjacency: list[str] = []
    operations: list[str] = []
    row_of = array("l")  # per 108-epoch record: its cell's row
    values = array("d")  # per 108-epoch record: validation, test accuracy, training time
    params = array("d")  # per cell
    i = 0
    try:
        for chunk in iter_records(path):
            for record in chunk:
                try:
                    module_hash, epochs, raw_adjacency, raw_operations, raw_metrics = _record(record)
                    if epochs != EPOCHS:
                        i += 1
                        continue  # nasbench_full.tfrecord also holds the 4/12/36-epoch budgets
                    valid, test, time, n_params = final_metrics(base64.b64decode(raw_metrics, validate=True))
                except _PARSE_ERRORS as exc:
                    raise BenchmarkError(
                        f"{path}: record {i} is not a NAS-Bench-101 record ({type(exc).__name__}); {DOWNLOAD}"
                    ) from None
                row = rows.setdefault(module_hash, len(rows))
                if row == len(adjacency):  # first record of this cell: its representative, as the API keeps it
                    adjacency.append(raw_adjacency)
                    operations.append(raw_operations)
                    params.append(n_params)
                row_of.append(row)
                values.extend((valid, test, time))
                i += 1
    except RecordError as exc:
        raise BenchmarkError(f"{path} is not a readable NAS-Bench-101 TFRecord ({exc}); {DOWNLOAD}") from None
    if not adjacency:
        raise BenchmarkError(f"{path} has no {EPOCHS}-epoch records; {DOWNLOAD}")
    try:
        archs = _cells(adjacency, operations)
    except (ValueError, KeyError, TypeError) as exc:
        raise BenchmarkError(f"{path}: a cell is not a NAS-Bench-101 cell ({exc}); {DOWNLOAD}") from None
    hashes = list(rows)
    for h, arch in list(zip(hashes, archs))[:200]:  # the hashing must agree with the file's
        if graph.arch_hash(arch.tolist()) != h:
            raise BenchmarkError(f"{path}: cell {h} does not hash to its stored hash; not an official file?")
    return {
        "hashes": np.array(hashes, dtype="S32"),
        "archs": archs,
        **_repeats(row_of, values, len(hashes)),
        "params": np.asarray(params),
    }


#: what a malformed record raises while it is parsed
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError, binascii.Error, struct.error)


def _repeats(row_of: array, values: array, n_cells: int) -> dict[str, np.ndarray]:
    """(cells, REPEATS) arrays of each metric, records in file order; every cell has 3 repeats in
    the official file, fewer are cycled so that a draw stays uniform."""
    rows = np.frombuffer(row_of, dtype=np.int64) if row_of.itemsize == 8 else np.asarray(row_of, dtype=np.int64)
    v = np.frombuffer(values, dtype=np.float64).reshape(-1, 3)
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n_cells)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    take = order[first[:, None] + np.arange(REPEATS)[None, :] % counts[:, None]]
    return {"valid_runs": v[take, 0], "test_runs": v[take, 1], "time_runs": v[take, 2]}


def load_nb101(path: str | Path) -> dict[str, np.ndarray]:
    """The converted table of the official file (from the npz cache after the first load)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BenchmarkError(f"{path} does not exist; {DOWNLOAD}")
    return cached_arrays(f"nb101-{path.name}", path, lambda: _build(path))


class NB101(TableBenchmark):
    """NAS-Bench-101 as a table over the LaNAS encoding, with isomorphism-aware validity."""

    def __init__(self, arrays: dict[str, np.ndarray], *, repeat: str = "mean", objective: str = "valid") -> None:
        if repeat not in ("mean", "random"):
            raise BenchmarkError(f"nb101: repeat is 'mean' or 'random', not {repeat!r}")
        if objective not in ("valid", "test"):
            raise BenchmarkError(f"nb101: objective is 'valid' or 'test', not {objective!r}")
        runs = arrays["valid_runs" if objective == "valid" else "test_runs"]
        super().__init__(
            choices=graph.CHOICES,
            archs=arrays["archs"],
            valid=runs.mean(1),
            test=arrays["test_runs"].mean(1),
            cost_s=arrays["time_runs"].mean(1),
            extra={"params": arrays["params"], "hash": arrays["hashes"]},
            valid_runs=runs,
            noisy=repeat == "random",
            value_range=(0.0, 1.0),
            objective="mean validation accuracy" if objective == "valid" else "mean test accuracy",
        )
        self._hash_row: dict[bytes, int] | None = None

    def _row(self, arch: Sequence[int]) -> int:
        """Table row of the cell ``arch`` denotes (any isomorphic encoding), -1 if none."""
        if Benchmark.is_valid(self, arch):
            row = int(self.index([arch])[0])
            if row >= 0:
                return row
        h = graph.arch_hash([int(a) for a in arch])
        if h is None:
            return -1
        if self._hash_row is None:
            self._hash_row = {bytes(k): i for i, k in enumerate(self.extra["hash"])}
        return self._hash_row.get(h.encode(), -1)

    def is_valid(self, arch: Sequence[int]) -> bool:
        return self._row(arch) >= 0

    def canonical(self, arch: Sequence[int]) -> Arch:
        row = self._row(arch)
        if row < 0:
            raise BenchmarkError(f"{self.name}: {tuple(arch)!r} is not a valid NAS-Bench-101 cell")
        return tuple(int(a) for a in self._archs[row])

    def encode(self, archs: np.ndarray | Sequence[Arch]) -> np.ndarray:
        """The LaNAS release's features: 21 adjacency bits + one-hot ops (36 columns)."""
        return graph.features(archs)

    def query(self, arch: Arch, rng: np.random.Generator | None = None) -> Result:
        result = super().query(self.canonical(arch), rng)
        extra = dict(result.extra)
        extra["hash"] = extra["hash"].decode() if isinstance(extra["hash"], bytes) else extra["hash"]
        return Result(result.valid, result.test, result.cost_s, extra)


def unavailable() -> str | None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return f"NB101_PATH is not set; {DOWNLOAD}"
    if not Path(value).expanduser().is_file():
        return f"{value} does not exist; {DOWNLOAD}"
    return None


def nb101(repeat: str = "mean", objective: str = "valid") -> NB101:
    """NAS-Bench-101 on CIFAR-10, 108 epochs; see the module docstring for the options."""
    reason = unavailable()
    if reason:
        raise BenchmarkError(reason)
    return NB101(load_nb101(os.environ[ENV].strip()), repeat=repeat, objective=objective)


register("nb101/cifar10", nb101, unavailable=unavailable)
