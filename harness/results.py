"""Writing and checking the result files of an experiment (format: :mod:`analysis.runformat`).

One Parquet file per (benchmark, spec, seed) (a failed run's traceback beside it), written under a temporary name and renamed, so a
file that exists is complete; a file that does not read back (truncated, corrupt, another
budget) is treated as missing and the run is redone; so is a run whose partition side file
(``seed-<k>.partition.parquet``) does not read back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import runformat
from analysis.errors import cannot_write
from analysis.runformat import SCHEMA, partition_path, run_path, traceback_path
from benchmarks.base import cannot

from .runner import RunResult

__all__ = [
    "check_writable",
    "clean_temporaries",
    "partition_path",
    "read_meta",
    "run_path",
    "traceback_path",
    "write_run",
]


def _write_atomic(path: Path, table: pa.Table | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(table, str):
            tmp.write_text(table)
        else:
            pq.write_table(table, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_run(
    path: Path, result: RunResult, partition: np.ndarray | None = None, partition_values: np.ndarray | None = None
) -> None:
    """Write the run (and its partition, and a failed run's traceback: a traceback left by an earlier
    failure of the same run is removed); an OSError says in one line which folder failed."""
    meta = {
        "benchmark": result.benchmark,
        "spec": result.spec,
        "seed": result.seed,
        "budget": result.budget,
        "status": result.status,
        "error": result.error,
        "wall_s": result.wall_s,
        "samples": result.samples,
        **result.meta,
    }
    has_partition = partition is not None and partition_values is not None
    try:
        if has_partition:
            part = pa.table(
                {"leaf": pa.array(partition, pa.int32()), "valid": pa.array(partition_values, pa.float64())}
            )
            _write_atomic(partition_path(path), part.replace_schema_metadata(runformat.meta_bytes(meta)))
        meta["partition"] = has_partition
        schema = SCHEMA.with_metadata(runformat.meta_bytes(meta))
        table = pa.Table.from_pydict({c: result.rows[c] for c in SCHEMA.names}, schema=schema)
        for column in (c for c in result.rows if c not in SCHEMA.names):  # e.g. the simulated clock
            table = table.append_column(column, pa.array(result.rows[column]))
        _write_atomic(path, table)
        if result.traceback:
            _write_atomic(traceback_path(path), result.traceback)
        else:
            traceback_path(path).unlink(missing_ok=True)
    except OSError as exc:
        raise OSError(
            cannot(
                f"write results in {path.parent}",
                exc,
                "runs already on disk are kept; make the folder writable and run the same command again",
            )
        ) from None


def read_meta(path: Path, budget: int | None = None) -> dict[str, Any] | None:
    """The run's metadata if ``path`` holds a complete, readable run (of ``budget``) whose partition
    file, when it has one, reads back too; else None."""
    try:
        table = pq.read_table(path)
        meta = runformat.read_meta(table.schema)
        if budget is not None and meta["budget"] != budget:
            return None
        if table.num_rows and int(table.column("step")[-1].as_py()) != meta["samples"]:
            return None
        side = partition_path(path)
        if meta.get("partition") or side.exists():
            pq.read_table(side, columns=["leaf", "valid"])
        return meta
    except (OSError, KeyError, ValueError, TypeError, pa.ArrowException):
        return None


def check_writable(paths: Iterable[Path]) -> None:
    """Raise a one-line OSError unless a file can be created beside each of ``paths`` (the run
    files about to be written): their folder, or the nearest one that exists."""
    folders = set()
    for path in paths:
        folder = Path(path).parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        folders.add(folder)
    for folder in sorted(folders):
        reason = cannot_write(folder)
        if reason:
            raise OSError(cannot(f"write results in {folder}", reason, "make it writable or choose another --out"))


def _writer_alive(tmp: Path) -> bool:
    """Whether the process named in the temporary's name (``.<file>.<pid>.tmp``), other than this
    one, is still running here: another command writing to the same experiment folder."""
    try:
        pid = int(tmp.name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return False  # this process writes one file at a time, never while cleaning
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def clean_temporaries(exp_dir: Path) -> int:
    """Remove temporaries left by an interrupted experiment (those whose writer is no longer
    running, so that two commands can share a folder); returns how many."""
    n = 0
    for tmp in Path(exp_dir).glob("runs/**/.*.tmp"):
        if _writer_alive(tmp):
            continue
        try:
            tmp.unlink(missing_ok=True)
            n += 1
        except OSError:  # a read-only folder: check_writable says so before any run starts
            pass
    return n
