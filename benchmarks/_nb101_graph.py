"""NAS-Bench-101 cells: pruning, the isomorphism-invariant hash, and the LaNAS encoding.

Ying et al., "NAS-Bench-101", ICML 2019, section 2.2. A cell is a DAG on at most 7 vertices
(input, up to 5 operations, output) with at most 9 edges. The official API prunes vertices
not on an input->output path (``ModelSpec._prune``), then looks the cell up by
``graph_util.hash_module``: an iterated MD5 of (out-degree, in-degree, label) neighbourhoods,
labels -1 (input), -2 (output) and the op's index in ``OPS``. This module re-implements both
so that any 7-vertex encoding maps to the hash stored in the official file.

Encoding (the LaNAS release, via AlphaX): the 21 bits of the strict upper triangle of the 7x7
adjacency matrix in row-major order, then the op index of the 5 intermediate vertices. A
stored cell with fewer than 7 vertices is padded with isolated vertices (op 0) placed just
before the output; pruning removes them again, so the padded encoding hashes to the cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
NODES = 7
MAX_EDGES = 9
N_BITS = NODES * (NODES - 1) // 2  # 21
TRIU = np.triu_indices(NODES, 1)
CHOICES = (2,) * N_BITS + (len(OPS),) * (NODES - 2)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def hash_module(matrix: np.ndarray, labels: Sequence[int]) -> str:
    """The official graph hash of a (pruned) cell; ``labels`` = [-1, op indices..., -2]."""
    m = np.asarray(matrix).astype(bool)
    n = len(m)
    in_deg = m.sum(0).tolist()
    out_deg = m.sum(1).tolist()
    hashes = [_md5(str((int(o), int(i), int(lab)))) for o, i, lab in zip(out_deg, in_deg, labels)]
    preds = [[w for w in range(n) if m[w, v]] for v in range(n)]
    succs = [[w for w in range(n) if m[v, w]] for v in range(n)]
    for _ in range(n):
        hashes = [
            _md5(
                "".join(sorted(hashes[w] for w in preds[v]))
                + "|"
                + "".join(sorted(hashes[w] for w in succs[v]))
                + "|"
                + hashes[v]
            )
            for v in range(n)
        ]
    return _md5(str(sorted(hashes)))


def prune(matrix: np.ndarray, ops: Sequence[int]) -> tuple[np.ndarray, list[int]] | None:
    """Drop vertices not on an input->output path (as ``ModelSpec._prune``); None if disconnected.

    ``ops`` are the labels of all vertices, input and output included."""
    m = np.asarray(matrix, dtype=np.int8)
    n = len(m)
    fwd, stack = {0}, [0]
    while stack:
        top = stack.pop()
        for v in range(top + 1, n):
            if m[top, v] and v not in fwd:
                fwd.add(v)
                stack.append(v)
    bwd, stack = {n - 1}, [n - 1]
    while stack:
        top = stack.pop()
        for v in range(top):
            if m[v, top] and v not in bwd:
                bwd.add(v)
                stack.append(v)
    keep = sorted(fwd & bwd)
    if len(keep) < 2 or 0 not in keep or n - 1 not in keep:
        return None
    return m[np.ix_(keep, keep)], [int(ops[k]) for k in keep]


def cell_hash(matrix: np.ndarray, ops: Sequence[int]) -> str | None:
    """Hash of a cell given by its matrix and the op index of its intermediate vertices, or None
    when it is not a valid NAS-Bench-101 cell (disconnected, or more than 9 edges once pruned)."""
    m = np.asarray(matrix, dtype=np.int8)
    if m.shape[0] < 2 or np.any(np.tril(m)):
        return None
    pruned = prune(m, [-1, *ops, -2])
    if pruned is None or int(pruned[0].sum()) > MAX_EDGES:
        return None
    return hash_module(*pruned)


def decode(arch: Sequence[int]) -> tuple[np.ndarray, list[int]]:
    """26-int encoding -> (7x7 matrix, 5 op indices)."""
    m = np.zeros((NODES, NODES), dtype=np.int8)
    m[TRIU] = np.asarray(arch[:N_BITS], dtype=np.int8)
    return m, [int(a) for a in arch[N_BITS:]]


def encode_cell(matrix: np.ndarray, ops: Sequence[int]) -> tuple[int, ...]:
    """(d x d matrix, d-2 op indices) -> 26-int encoding, padding with isolated vertices."""
    m = np.asarray(matrix, dtype=np.int8)
    d = len(m)
    if not 2 <= d <= NODES or len(ops) != d - 2:
        raise ValueError(f"a cell has 2..7 vertices and one op per inner vertex, got {d} and {len(ops)}")
    place = list(range(d - 1)) + [NODES - 1]  # old vertex -> new position; the output goes last
    full = np.zeros((NODES, NODES), dtype=np.int8)
    full[np.ix_(place, place)] = m
    full_ops = [0] * (NODES - 2)
    full_ops[: d - 2] = [int(o) for o in ops]
    return tuple(int(b) for b in full[TRIU]) + tuple(full_ops)


def arch_hash(arch: Sequence[int]) -> str | None:
    """Hash of the cell a 26-int encoding denotes, or None when it is not a valid cell."""
    if len(arch) != len(CHOICES) or any(not 0 <= int(a) < c for a, c in zip(arch, CHOICES)):
        return None
    return cell_hash(*decode(arch))


def features(archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
    """LaNAS's feature vector: 21 adjacency bits + one-hot op of the 5 inner vertices (36 floats)."""
    a = np.asarray(archs, dtype=np.int64).reshape(-1, len(CHOICES))
    out = np.zeros((len(a), N_BITS + len(OPS) * (NODES - 2)), dtype=np.float32)
    out[:, :N_BITS] = a[:, :N_BITS]
    rows = np.arange(len(a))[:, None]
    out[rows, N_BITS + len(OPS) * np.arange(NODES - 2) + a[:, N_BITS:]] = 1.0
    return out
