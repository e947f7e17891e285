"""NAS-Bench-Graph (Qin et al., NeurIPS 2022 Datasets & Benchmarks): GNN architectures on 9 graph
datasets, as shipped in PyPI ``nas-bench-graph`` (``nas_bench_graph/light/<name>.bench``: a dict
from the package's ``hash_arch`` to ``valid_perf``, ``perf``, ``latency``, ``para``). A further
space for the LaNAS comparison beyond the paper's own benchmarks.

An architecture is ``(link, op1, op2, op3, op4)``: ``link`` indexes the package's ``link_list``
(which earlier node feeds each of the 4 layers) and each op indexes its GNN operation list
(``gnn_list``, 9 ops; proteins uses ``gnn_list_proteins``, 5 ops, but its table is hashed with
``gnn_list`` indices, which is how it is decoded here). Choices (9, 9, 9, 9, 9), proteins
(9, 5, 5, 5, 5). The tables hold one entry per isomorphism class: ``all_archs()`` is exactly the
stored set (26,206 archs; proteins 2,021), each the canonical representative that the package's
``all_archs()``/``check_isomorph()`` keeps. ``canonical()`` sends any other encoding to its stored
representative with the package's own rules (``regularize``, ``move_skip_op``,
``equalpart_sort``, i.e. ``Arch.valid_hash``), where one exists (every encoding but the
all-``skip`` ones); ``is_valid`` accepts stored archs only. Objective ``valid_perf`` in [0, 1];
``perf`` is the test value; ``latency`` (s) and ``para`` (M parameters) are in ``Result.extra``.
Loading a table takes ~0.03 s, so no cache is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache, partial

import numpy as np

from ._data import PICKLE_ERRORS, corrupt, load_pickle, package_file, package_unavailable
from .base import Arch, BenchmarkError, cannot
from .registry import register
from .table import TableBenchmark

PACKAGE, PIP = "nas_bench_graph", "nas-bench-graph"
DATASETS = ("cora", "citeseer", "pubmed", "cs", "physics", "photo", "computers", "arxiv", "proteins")
N_LINKS = 9
#: gnn_list of the package (hash digits), and the proteins ops as indices into it
GNN_OPS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
PROTEINS_OPS = (1, 4, 5, 7, 8)  # gcn, sage, arma, fc, skip


def _ops(dataset: str) -> tuple[int, ...]:
    """Index in GNN_OPS of each op choice of ``dataset``."""
    return PROTEINS_OPS if dataset == "proteins" else tuple(range(len(GNN_OPS)))


def _unavailable(dataset: str) -> str | None:
    return package_unavailable(PACKAGE, _relpath(dataset), PIP)


def _relpath(dataset: str) -> str:
    return f"light/{dataset}.bench"


@cache
def load_arrays(dataset: str) -> dict[str, np.ndarray]:
    """archs (N, 5) in this module's encoding and the four columns of the stored table."""
    path = package_file(PACKAGE, _relpath(dataset), PIP)
    raw = load_pickle(path, PIP)
    ops = np.full(len(GNN_OPS), -1)
    ops[list(_ops(dataset))] = np.arange(len(_ops(dataset)))
    try:
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"expected a dict of architectures, got {type(raw).__name__}")
        hashes = np.array(list(raw), dtype=np.int64)
        digits = (hashes[:, None] // 10 ** np.arange(4, -1, -1)) % 10  # hash_arch: base len(gnn_list)+1
        if (
            hashes.min() < 0
            or hashes.max() >= N_LINKS * 10**4
            or digits[:, 1:].max() >= len(GNN_OPS)
            or np.any(ops[digits[:, 1:]] < 0)
        ):
            raise ValueError("a hash outside the package's encoding")
        rows = list(raw.values())
        out = {"archs": np.column_stack([digits[:, 0], ops[digits[:, 1:]]]).astype(np.int8)}
        for name in ("valid_perf", "perf", "latency", "para"):
            out[name] = np.array([float(r[name]) for r in rows])
    except PICKLE_ERRORS as exc:
        raise corrupt(path, PIP, f"{type(exc).__name__}: {str(exc)[:80]}") from None
    return out


class NBGraph(TableBenchmark):
    """``nbgraph/<dataset>``: validation performance of a GNN of NAS-Bench-Graph."""

    def __init__(self, dataset: str) -> None:
        t = load_arrays(dataset)
        n_ops = len(_ops(dataset))
        super().__init__(
            choices=(N_LINKS,) + (n_ops,) * 4,
            archs=t["archs"],
            valid=t["valid_perf"],
            test=t["perf"],
            extra={"latency": t["latency"], "para": t["para"]},
            value_range=(0.0, 1.0),
            objective=f"{dataset} validation performance",
        )
        self.dataset = dataset
        self.name = f"nbgraph/{dataset}"

    def canonical(self, arch: Sequence[int]) -> Arch:
        arch = tuple(int(a) for a in arch)
        if (
            not TableBenchmark.is_valid(self, arch)
            and len(arch) == len(self.choices)
            and all(0 <= a < c for a, c in zip(arch, self.choices))
        ):
            stored = _package_canonical(arch[0], tuple(_ops(self.dataset)[o] for o in arch[1:]))
            if stored is not None:
                rep = (stored[0],) + tuple(_ops(self.dataset).index(o) for o in stored[1:])
                if TableBenchmark.is_valid(self, rep):
                    return rep
        return arch

    def move(self, arch: Arch, i: int, v: int) -> Arch | None:
        """Change one decision, then take the stored representative of the result (if any)."""
        child = self.canonical(arch[:i] + (v,) + arch[i + 1 :])
        return child if child != tuple(arch) and self.is_valid(child) else None

    def describe(self) -> str:
        return (
            f"{len(self):,} archs, NAS-Bench-Graph {self.dataset} validation performance; "
            f"optimum {self.valid.max():.4f} (nas-bench-graph)"
        )


@lru_cache(maxsize=65536)
def _package_canonical(link: int, gnn_ops: tuple[int, ...]) -> tuple[int, ...] | None:
    """(link, gnn_list op indices) of the package's representative, or None if it has none."""
    try:
        from nas_bench_graph import architecture as nbg
    except ImportError as exc:
        raise BenchmarkError(cannot(f"import {PACKAGE}", exc, f"pip install {PIP}")) from None
    arch = nbg.Arch(list(nbg.link_list[link]), [nbg.gnn_list[o] for o in gnn_ops])
    rep = arch.regularize()
    rep.move_skip_op()
    rep.equalpart_sort()
    if rep.link not in nbg.link_list:
        return None
    return (nbg.link_list.index(rep.link),) + tuple(nbg.gnn_list.index(o) for o in rep.ops)


def _factory(dataset: str):
    def make() -> NBGraph:
        return NBGraph(dataset)

    return make


for _dataset in DATASETS:
    register(f"nbgraph/{_dataset}", _factory(_dataset), unavailable=partial(_unavailable, _dataset))
