"""The space operations every algorithm shares (benchmarks/base.py): neighbours, the valid canonical
form of an encoding, rows in an enumerable space, and uniform draws without repeats."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import registry
from benchmarks.base import Benchmark
from tests.synthetic import linear_table

TABLES = ["nb201/cifar10-valid", "nbgraph/cora"]


def _bench(name):
    entry = registry.entries().get(name.split(":")[0])
    if entry is None or entry.unavailable():
        pytest.skip(f"{name} is not available here")
    return registry.make(name)


@pytest.mark.parametrize("name", ["synthetic/linear", *TABLES])
def test_neighbours_are_what_mutate_returns(name):
    bench = _bench(name)
    rng = np.random.default_rng(0)
    for _ in range(5):
        arch = bench.sample(rng)
        near = bench.neighbours(arch)
        assert near and len(near) == len(set(near)) and arch not in near
        assert all(bench.is_valid(a) and bench.canonical(a) == a for a in near)
        drawn = {bench.mutate(arch, rng) for _ in range(200)}
        assert drawn <= set(near)
        # one decision away, before canonicalisation: every neighbour is reached by some move
        assert all(
            bench.move(arch, i, v) in near
            for i, c in enumerate(bench.choices)
            for v in range(c)
            if v != arch[i] and bench.move(arch, i, v) is not None
        )


def test_neighbours_of_a_full_grid_change_one_decision():
    bench = linear_table()
    arch = (0, 1, 2, 3, 0)
    near = bench.neighbours(arch)
    assert len(near) == sum(c - 1 for c in bench.choices)
    assert all(sum(a != b for a, b in zip(n, arch)) == 1 for n in near)


@pytest.mark.parametrize("name", ["synthetic/linear", *TABLES])
def test_valid_canonical(name):
    bench = _bench(name)
    arch = bench.sample(np.random.default_rng(1))
    assert bench.valid_canonical(arch) == arch
    assert bench.valid_canonical(tuple(c for c in bench.choices)) is None  # out of every range


@pytest.mark.slow
def test_valid_canonical_maps_an_isomorphic_encoding_to_its_stored_form():
    bench = _bench("nbgraph/cora")
    stored = {tuple(int(v) for v in a) for a in bench.all_archs()}
    found = 0
    for arch in bench.all_archs()[:2000]:
        arch = tuple(int(v) for v in arch)
        for i, c in enumerate(bench.choices):
            for v in range(c):
                enc = arch[:i] + (v,) + arch[i + 1 :]
                if enc not in stored and (rep := bench.valid_canonical(enc)) is not None:
                    assert rep in stored and bench.canonical(enc) == rep
                    found += 1
    assert found  # the space has encodings outside the table that stand for a stored one


@pytest.mark.parametrize("name", ["synthetic/linear", *TABLES])
def test_index_of_the_generic_space_is_the_tables(name):
    bench = _bench(name)
    archs = bench.all_archs()
    rows = np.random.default_rng(2).permutation(len(archs))[:500]
    probe = np.vstack([archs[rows], [list(bench.choices)], [[0] * len(bench.choices)]])
    generic = Benchmark.index(bench, probe)  # the base class's code index over all_archs()
    assert generic[:500].tolist() == rows.tolist()
    assert generic[500] == -1  # out of range
    assert generic.tolist() == bench.index(probe).tolist()


def test_index_needs_an_enumerable_space():
    class Open(Benchmark):
        choices = (3, 3)

    with pytest.raises(Exception, match="not enumerable"):
        Open().index([(0, 1)])


def test_unseen_walks_every_architecture_once_then_none():
    bench = linear_table()
    seen: set = {tuple(int(v) for v in bench.all_archs()[0])}
    stream = bench.unseen(np.random.default_rng(3), seen)
    out = [next(stream) for _ in range(len(bench) - 1)]
    assert len(set(out)) == len(bench) - 1 and not (set(out) & seen)
    assert next(stream) is None and next(stream) is None
    again = bench.unseen(np.random.default_rng(3), set())
    first = [next(again) for _ in range(5)]
    order = np.random.default_rng(3).permutation(len(bench))[:5]
    assert first == [tuple(int(v) for v in bench.all_archs()[r]) for r in order]  # same seed, same order


def test_unseen_on_an_open_space_rejects_what_it_has_seen():
    class Open(Benchmark):
        choices = (2, 2)

    seen: set = set()
    stream = Open().unseen(np.random.default_rng(4), seen, tries=200)
    for _ in range(4):
        arch = next(stream)
        assert arch is not None and arch not in seen
        seen.add(arch)
    assert next(stream) is None  # all four seen: every try is a repeat
