"""nbgraph/*: NAS-Bench-Graph tables, one stored entry per canonical architecture."""

import contextlib
import io
import pickle

import numpy as np
import pytest

from benchmarks import nbgraph, registry
from benchmarks.base import BenchmarkError


def _package_archs(dataset):
    """The package's own enumeration, in this module's encoding (restricted to the dataset's ops)."""
    from nas_bench_graph import architecture as nbg

    with contextlib.redirect_stdout(io.StringIO()):  # all_archs() prints its count
        archs = nbg.all_archs()
    ops = nbgraph._ops(dataset)
    out = set()
    for a in archs:
        gnn = [nbg.gnn_list.index(o) for o in a.ops]
        if all(o in ops for o in gnn):
            out.add((nbg.link_list.index(a.link),) + tuple(ops.index(o) for o in gnn))
    return out


@pytest.mark.parametrize("dataset", nbgraph.DATASETS)
def test_counts_choices_and_targets(dataset):
    bench = registry.make(f"nbgraph/{dataset}")
    expected = 2_021 if dataset == "proteins" else 26_206
    assert len(bench) == len(bench.all_archs()) == expected
    assert bench.choices == ((9, 5, 5, 5, 5) if dataset == "proteins" else (9,) * 5)
    t = bench.targets()
    assert 0 < t.top1 < t.top0_1 < t.optimum <= 1 and bench.value_range == (0.0, 1.0)
    r = bench.query(bench.sample(np.random.default_rng(0)))
    assert r.test is not None and set(r.extra) == {"latency", "para"}
    assert dataset in bench.describe()


@pytest.mark.parametrize("dataset", ["cora", "proteins"])
def test_enumeration_is_the_packages_and_one_to_one(dataset):
    bench = registry.make(f"nbgraph/{dataset}")
    mine = {tuple(int(x) for x in a) for a in bench.all_archs()}
    assert mine == _package_archs(dataset)
    raw = pickle.loads(nbgraph.package_file(nbgraph.PACKAGE, nbgraph._relpath(dataset), nbgraph.PIP).read_bytes())
    assert len(raw) == len(mine)
    from nas_bench_graph import architecture as nbg

    ops = nbgraph._ops(dataset)
    for arch in list(mine)[::37]:
        entry = raw[nbg.Arch(list(nbg.link_list[arch[0]]), [nbg.gnn_list[ops[o]] for o in arch[1:]]).hash_arch()]
        assert bench.query(arch).valid == entry["valid_perf"] and bench.query(arch).test == entry["perf"]


def test_known_optimum_cora():
    bench = registry.make("nbgraph/cora")
    best = tuple(int(a) for a in bench.all_archs()[int(np.argmax(bench.valid))])
    assert best == (8, 7, 0, 7, 2)  # link [0,1,2,3]: fc, gat, fc, gin
    assert bench.targets().optimum == pytest.approx(0.819333, abs=1e-6)


@pytest.mark.parametrize("dataset", ["cora", "proteins"])
def test_canonical_and_mutate(dataset):
    bench = registry.make(f"nbgraph/{dataset}")
    rng = np.random.default_rng(1)
    moved = 0
    for _ in range(300):
        arch = tuple(int(rng.integers(c)) for c in bench.choices)
        rep = bench.canonical(arch)
        if bench.is_valid(arch):
            assert rep == arch
        elif rep != arch:
            moved += 1
            assert bench.is_valid(rep) and bench.canonical(rep) == rep
    assert moved > 100
    skip = len(nbgraph._ops(dataset)) - 1
    assert not bench.is_valid((0,) + (skip,) * 4) and bench.canonical((0,) + (skip,) * 4) == (0,) + (skip,) * 4
    # layers 2-4 all read the input in link 0 ([0,0,0,0]): op order among them is not canonical
    assert bench.canonical((0, 3, 2, 1, 0)) == (0, 0, 1, 2, 3)
    arch = bench.sample(rng)
    for _ in range(300):
        child = bench.mutate(arch, rng)
        assert child != arch and bench.is_valid(child) and bench.canonical(child) == child
        arch = child


def test_loads_and_missing_or_corrupt_file(monkeypatch, tmp_path):
    """The load time is measured by studies/bench_load_stop.py, not asserted here."""
    arrays = nbgraph.load_arrays.__wrapped__("arxiv")
    assert arrays["archs"].shape == (26_206, 5) and all(len(arrays[k]) == 26_206 for k in ("valid_perf", "perf"))
    monkeypatch.setattr(nbgraph, "_relpath", lambda d: "light/no-such.bench")
    with pytest.raises(BenchmarkError, match="nas-bench-graph") as err:
        nbgraph.load_arrays.__wrapped__("cora")
    assert "\n" not in str(err.value)
    assert "nas-bench-graph" in registry.entries()["nbgraph/cora"].unavailable()
    monkeypatch.undo()
    bad = tmp_path / "cora.bench"
    bad.write_bytes(b"\x80\x04garbage")
    monkeypatch.setattr(nbgraph, "package_file", lambda *a: bad)
    with pytest.raises(BenchmarkError, match="pip install --force-reinstall nas-bench-graph"):
        nbgraph.load_arrays.__wrapped__("cora")
