"""LaMOO's options beyond the release (``rebuild_every``, ``svm_max``) and ``lamoo-plus``."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms.lamoo.tree import region
from harness.runner import run
from tests.mo_synthetic import two_objective_table


@pytest.fixture(scope="module")
def table():
    return two_objective_table(choices=(6, 6, 5, 5))


@pytest.mark.parametrize(("every", "builds"), [(1, 20), (5, 20), (20, 5), (200, 1)])
def test_the_tree_is_rebuilt_once_k_samples_were_told_since_the_last_build(table, every, builds):
    """Serial run, 10 initial samples, batches of 5, budget 110: a build at 10 told samples and then
    whenever a batch is needed with at least ``every`` told since the last build."""
    r = run(table, f"lamoo:rebuild_every={every}", seed=0, budget=110)
    assert r.status == "budget"
    assert r.algorithm.builds == builds
    assert r.algorithm.built_at == 10 + (builds - 1) * max(every, 5)


def test_batches_between_rebuilds_use_the_same_tree(table):
    algo = algorithms.make("lamoo:rebuild_every=20", table, np.random.default_rng(0))
    trees = []
    for _ in range(60):
        arch = algo.ask()
        algo.tell(arch, table.query(arch))
        trees.append((id(algo.nodes[0]) if algo.nodes else None, algo.builds))
    ids = {}
    for root, builds in trees:
        ids.setdefault(builds, set()).add(root)
    assert all(len(v) == 1 for v in ids.values())  # one tree per build
    assert sorted(ids) == [0, 1, 2, 3]  # built at 10, 30 and 50 told samples


def test_kept_region_masks_are_the_regions(table):
    """The masks kept between rebuilds (``rebuild_every > 1``) hold exactly the rows that the path's
    SVMs send to the node, as the chunked filter (``rebuild_every=1``) computes them."""
    algo = algorithms.make("lamoo:rebuild_every=20", table, np.random.default_rng(1))
    for _ in range(100):
        arch = algo.ask()
        algo.tell(arch, table.query(arch))
    E = table.encode(table.all_archs())
    leaves = [n for n in algo.nodes if not n.kids]
    assert len(leaves) > 2
    for leaf in leaves:
        path = leaf.path()
        assert np.array_equal(algo._region_rows(path), region(path, E))


def test_svm_max_caps_the_samples_each_svm_is_fit_on(table):
    algo = run(table, "lamoo:svm_max=30", seed=0, budget=111).algorithm
    split = [n for n in algo.nodes if n.kids]
    assert split and all(n.svm.shape_fit_[0] == min(30, len(n.rows)) for n in split)
    root = algo.nodes[0]
    assert len(root.rows) == 110 and len(root.kids[0].rows) + len(root.kids[1].rows) == 110  # every sample


def _near_earlier(table, rows: list[str]) -> float:
    """The share of the architectures ``rows`` (``"1-0-2-2"``) after the 10 initial ones that are one
    decision from an earlier one."""
    archs = [tuple(int(v) for v in row.split("-")) for row in rows]
    near = [any(b in set(table.neighbours(a)) for b in archs[:i]) for i, a in enumerate(archs) if i >= 10]
    return float(np.mean(near))


def test_lamoo_plus_searches_near_its_front_and_rebuilds_less(table):
    """``lamoo-plus``: the in-leaf local search proposes neighbours of earlier samples, the tree is
    rebuilt less often than the release's before every batch, each SVM fit on at most 100 samples."""
    plus = run(table, "lamoo-plus", seed=0, budget=150)
    release = run(table, "lamoo", seed=0, budget=150)
    assert plus.algorithm.builds < release.algorithm.builds / 3
    assert all(n.svm.shape_fit_[0] <= 100 for n in plus.algorithm.nodes if n.kids)
    assert _near_earlier(table, plus.rows["arch"]) == 1.0 and _near_earlier(table, release.rows["arch"]) < 0.9


@pytest.mark.parametrize("spec", ["lamoo", "lamoo-plus"])
def test_lamoo_proposes_every_row_once_then_none(spec):
    """Regions empty out as the table is used up: the path is shortened until the root's region, the
    whole table, holds an unevaluated row; every row is proposed once, then ask() answers None."""
    small = two_objective_table(choices=(4, 3, 3, 3))
    algo = algorithms.make(spec, small, np.random.default_rng(0))
    proposed = []
    while (arch := algo.ask()) is not None:
        proposed.append(arch)
        algo.tell(arch, small.query(arch))
    assert sorted(proposed) == sorted(map(tuple, small.all_archs().tolist()))
    assert algo.ask() is None and algo.builds > 1
