"""The persistent table of trainings: one SQLite row per (arch, dataset, schedule, seed, version).

Each training is written in its own transaction once it ends, so a crash loses at most the
trainings under way; failures are rows too (``status`` diverged or error, with ``reason``). The
table grows into a tabular benchmark; ``export`` writes it as Parquet or CSV.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..table import cache_dir

#: bump when the model, data pipeline or trainer change what a training returns
CODE_VERSION = "1"
COLUMNS = (
    "arch",
    "dataset",
    "schedule",
    "seed",
    "version",
    "status",
    "valid",
    "test",
    "train_loss",
    "cost_s",
    "epochs",
    "params",
    "reason",
    "device",
    "created",
)
_SCHEMA = """CREATE TABLE IF NOT EXISTS trainings (
    arch TEXT NOT NULL, dataset TEXT NOT NULL, schedule TEXT NOT NULL, seed INTEGER NOT NULL,
    version TEXT NOT NULL, status TEXT NOT NULL, valid REAL, test REAL, train_loss REAL,
    cost_s REAL, epochs INTEGER, params INTEGER, reason TEXT, device TEXT, created REAL,
    PRIMARY KEY (arch, dataset, schedule, seed, version))"""


def default_path() -> Path:
    """``$TRAINED_CACHE`` (a ``.sqlite``/``.db`` file or a folder), else the harness cache folder."""
    env = os.environ.get("TRAINED_CACHE")
    if env:
        p = Path(env).expanduser()
        return p if p.suffix in (".sqlite", ".db", ".sqlite3") else p / "trained.sqlite"
    return cache_dir() / "trained.sqlite"


def arch_key(arch: Iterable[int]) -> str:
    return "-".join(str(int(a)) for a in arch)


class Store:
    """SQLite table of trainings; safe for several processes (WAL, busy timeout)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=120)

    def get(self, arch: Iterable[int], dataset: str, schedule: str, seed: int) -> dict[str, Any] | None:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            row = con.execute(
                "SELECT * FROM trainings WHERE arch=? AND dataset=? AND schedule=? AND seed=? AND version=?",
                (arch_key(arch), dataset, schedule, int(seed), CODE_VERSION),
            ).fetchone()
        return dict(row) if row is not None else None

    def put(self, arch: Iterable[int], dataset: str, schedule: str, seed: int, **fields: Any) -> None:
        row = {c: None for c in COLUMNS} | {
            "arch": arch_key(arch),
            "dataset": dataset,
            "schedule": schedule,
            "seed": int(seed),
            "version": CODE_VERSION,
            "created": time.time(),
        }
        unknown = set(fields) - set(COLUMNS)
        if unknown:
            raise KeyError(f"unknown store columns {sorted(unknown)}")
        row.update(fields)
        with self._connect() as con:  # one transaction per training
            con.execute(
                f"INSERT OR REPLACE INTO trainings ({','.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})",
                [row[c] for c in COLUMNS],
            )

    def rows(self) -> list[dict[str, Any]]:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM trainings ORDER BY dataset, schedule, seed, arch")]

    def __len__(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM trainings").fetchone()[0])

    def export(self, path: str | Path) -> Path:
        """Write every row to ``path`` (.parquet or .csv), via a temporary file and a rename."""
        import pandas as pd

        path = Path(path)
        frame = pd.DataFrame(self.rows(), columns=list(COLUMNS))
        tmp = path.with_name(path.name + ".tmp")
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        elif path.suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            raise ValueError(f"export to .parquet or .csv, not {path.suffix!r}")
        os.replace(tmp, path)
        return path
