"""Builds ``benchmarks/data/fewshot_nb201.npz`` from the files Zhao et al. published (run once; kept
for provenance): ``python -m benchmarks._fewshot_build DIR`` where ``DIR`` holds ``one-shot-supernet``,
``few-shot-supernet`` and ``nasbench201`` from github.com/aoiang/few-shot-NAS, folder
``Few-Shot_NasBench201/supernet_info/`` (commit ec366c1c5ca23fe4e9bdd1ec869753739b196ed5).

Each file is JSON: a cell's key ``"[((op, 0),), ((op, 0), (op, 1)), ((op, 0), (op, 1), (op, 2))]"``
(node 1, 2, 3; each pair is the operation on the edge from that input node) to an accuracy in %
with two decimals. That is the order of NAS-Bench-201's arch string, so edge ``j`` of the key is
decision ``j`` of the harness's encoding (:data:`benchmarks._cell.EDGES`). Values are stored exactly
as int16 hundredths of a percent, row ``i`` = the cell whose mixed-radix code is ``i``.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import numpy as np

from ._cell import EDGES, OPS
from .base import arch_codes
from .fewshot import COLUMNS, DATA

FILES = {"oneshot": "one-shot-supernet", "fewshot": "few-shot-supernet", "cifar10_test": "nasbench201"}


def cell_of(key: str) -> tuple[int, ...]:
    """The harness encoding of one of their keys; ValueError when it is not a cell in arch-string order."""
    pairs = [pair for node in ast.literal_eval(key) for pair in node]
    if [src for _, src in pairs] != [src for _, src in EDGES]:
        raise ValueError(f"unexpected key order {key!r}")
    return tuple(OPS.index(op) for op, _ in pairs)


def convert(folder: Path) -> dict[str, np.ndarray]:
    out = {}
    for name in COLUMNS:
        raw = json.loads((folder / FILES[name]).read_text())
        archs = np.array([cell_of(k) for k in raw])
        values = np.round(np.array(list(raw.values()), dtype=float) * 100)
        column = np.full(len(OPS) ** len(EDGES), -1, dtype=np.int16)
        column[arch_codes(archs, (len(OPS),) * len(EDGES))] = values
        if (column < 0).any():
            raise ValueError(f"{FILES[name]}: {int((column < 0).sum())} cells missing")
        out[name] = column
    return out


if __name__ == "__main__":
    np.savez_compressed(DATA, **convert(Path(sys.argv[1])))  # type: ignore[arg-type]  # numpy stubs
    print(f"wrote {DATA}")
