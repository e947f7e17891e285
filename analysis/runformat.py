"""The results format, in one place: written by :mod:`harness.results`, read by the analysis.

An experiment folder holds ``manifest.json`` and one Parquet file per (benchmark, spec, seed)
at ``runs/<benchmark>/<spec>/seed-<k>.parquet`` (names escaped by :func:`escape`), with the
columns :data:`COLUMNS` (more may follow, e.g. the simulated clock's) and the run's metadata as
JSON under the key :data:`META_KEY`; a LaNAS run's final partition sits beside it in
``seed-<k>.partition.parquet``, a failed run's traceback in ``seed-<k>.traceback.txt``. Simulated-time runs live under ``sim/workers-K/runs/``.
The key is ``lanas`` for historical reasons: it labels every run, whatever its algorithm, and
renaming it would make older folders unreadable.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Any

import pyarrow as pa

#: the key of a run file's JSON metadata (benchmark, spec, seed, budget, status, error, ...)
META_KEY = b"lanas"
#: the columns of a run's table, in order, each with its Arrow type (:data:`COLUMNS` and :data:`SCHEMA`
#: are derived from it). ``valid``/``test`` are what the search saw; ``true_valid``/``true_test`` the
#: benchmark's value of that architecture, which the analysis judges (they differ on noisy and proxy
#: benchmarks, see ``benchmarks/table.py``). Folders written before ``true_valid`` hold ``valid_mean``
#: (noisy runs only).
COLUMN_TYPES: dict[str, pa.DataType] = {
    "step": pa.int32(),  # distinct samples so far
    "proposal": pa.int32(),  # the proposal's number, in ask order
    "arch": pa.string(),  # :func:`arch_key`
    "valid": pa.float64(),
    "test": pa.float64(),
    "cost_s": pa.float64(),  # training seconds the answer represents (0 for a repeat)
    "cached": pa.bool_(),  # a repeat, answered from the run's cache
    "best_valid": pa.float64(),
    "algo_s": pa.float64(),  # seconds spent in ask/tell so far
    "true_valid": pa.float64(),
    "true_test": pa.float64(),
}
COLUMNS = tuple(COLUMN_TYPES)
SCHEMA = pa.schema(list(COLUMN_TYPES.items()))


class Status(str, Enum):
    """How a run ended, stored in a run file's metadata as the member's string (``"budget"``, ...);
    a member equals its string, and prints as it."""

    RUNNING = "running"  #: not ended yet (never stored)
    BUDGET = "budget"  #: the sample budget was reached
    EXHAUSTED = "exhausted"  #: the algorithm had nothing more to propose, or the space is used up
    STUCK = "stuck"  #: too many repeated proposals in a row
    FAILED = "failed"  #: an exception; its first line is the run's ``error``
    TIME = "time"  #: simulated time: the next result would arrive after the time budget

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


#: the ``worker`` column's value of a repeat (no worker trains it) in simulated-time runs
NO_WORKER = -1
#: the judged-value column of folders written before ``true_valid`` (noisy runs; null otherwise)
OLD_TRUE_VALID = "valid_mean"
#: a multi-objective run's column of each objective (``objective_latency``; benchmarks/objectives.py)
OBJECTIVE_PREFIX = "objective_"
PARTITION_SUFFIX = ".partition.parquet"
#: a failed run's full traceback, beside its file (``seed-<k>.traceback.txt``)
TRACEBACK_SUFFIX = ".traceback.txt"


def arch_key(arch: tuple[int, ...]) -> str:
    """The ``arch`` column's form of an encoding: ``(1, 2, 3)`` -> ``"1-2-3"``."""
    return "-".join(map(str, arch))


def escape(part: str) -> str:
    """A benchmark or spec name as a folder name: ``/`` -> ``+``, ``:`` -> ``@``, other unsafe -> ``_``."""
    return re.sub(r"[^A-Za-z0-9_.,=\-]", lambda m: {"/": "+", ":": "@"}.get(m.group(), "_"), part)


def run_path(exp_dir: Path, benchmark: str, spec: str, seed: int) -> Path:
    return Path(exp_dir) / "runs" / escape(benchmark) / escape(spec) / f"seed-{seed}.parquet"


def partition_path(path: Path) -> Path:
    """The side file holding the learned partition of the run stored at ``path``."""
    return Path(path).with_name(Path(path).stem + PARTITION_SUFFIX)


def traceback_path(path: Path) -> Path:
    """The side file holding the traceback of the failed run stored at ``path``."""
    return Path(path).with_name(Path(path).stem + TRACEBACK_SUFFIX)


def is_partition(path: Path) -> bool:
    return Path(path).name.endswith(PARTITION_SUFFIX)


def meta_bytes(meta: dict[str, Any]) -> dict[bytes, bytes]:
    """The Parquet key-value metadata holding ``meta``."""
    return {META_KEY: json.dumps(meta).encode()}


def read_meta(schema: pa.Schema) -> dict[str, Any]:
    """The run metadata of a run file's schema; KeyError when it has none."""
    return json.loads((schema.metadata or {})[META_KEY])
