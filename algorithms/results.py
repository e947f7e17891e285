"""Writing and checking the result files of an experiment (format: DESIGN.md, "Results").

One Parquet file per (benchmark, spec, seed), written under a temporary name and renamed, so a
file that exists is complete; a file that does not read back (truncated, corrupt, another
budget) is treated as missing and the run is redone.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .runner import RunResult

META_KEY = b"lanas"
_SCHEMA = pa.schema([("step", pa.int32()), ("proposal", pa.int32()), ("arch", pa.string()),
                     ("valid", pa.float64()), ("test", pa.float64()), ("cost_s", pa.float64()),
                     ("cached", pa.bool_()), ("best_valid", pa.float64()), ("algo_s", pa.float64()),
                     ("valid_mean", pa.float64())])  # null unless the benchmark is noisy


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.,=\-]", lambda m: {"/": "+", ":": "@"}.get(m.group(), "_"), part)


def run_path(exp_dir: Path, benchmark: str, spec: str, seed: int) -> Path:
    return Path(exp_dir) / "runs" / _safe(benchmark) / _safe(spec) / f"seed-{seed}.parquet"


def _write_atomic(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_run(path: Path, result: RunResult, partition: np.ndarray | None = None,
              partition_values: np.ndarray | None = None) -> None:
    meta = {"benchmark": result.benchmark, "spec": result.spec, "seed": result.seed, "budget": result.budget,
            "status": result.status, "error": result.error, "wall_s": result.wall_s, "samples": result.samples,
            **result.meta}
    schema = _SCHEMA.with_metadata({META_KEY: json.dumps(meta).encode()})
    if partition is not None and partition_values is not None:
        part = pa.table({"leaf": pa.array(partition, pa.int32()), "valid": pa.array(partition_values, pa.float64())})
        _write_atomic(path.with_name(path.stem + ".partition.parquet"),
                      part.replace_schema_metadata({META_KEY: json.dumps(meta).encode()}))
    table = pa.Table.from_pydict(result.rows, schema=schema)
    for column in (c for c in result.rows if c not in _SCHEMA.names):  # e.g. the simulated clock
        table = table.append_column(column, pa.array(result.rows[column]))
    _write_atomic(path, table)


def read_meta(path: Path, budget: int | None = None) -> dict[str, Any] | None:
    """The run's metadata if ``path`` holds a complete, readable run (of ``budget``), else None."""
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[META_KEY])
        if budget is not None and meta["budget"] != budget:
            return None
        if table.num_rows and int(table.column("step")[-1].as_py()) != meta["samples"]:
            return None
        return meta
    except (OSError, KeyError, ValueError, TypeError, pa.ArrowException):
        return None


def clean_temporaries(exp_dir: Path) -> int:
    """Remove temporaries left by an interrupted experiment; returns how many."""
    n = 0
    for tmp in Path(exp_dir).glob("runs/**/.*.tmp"):
        tmp.unlink(missing_ok=True)
        n += 1
    return n
