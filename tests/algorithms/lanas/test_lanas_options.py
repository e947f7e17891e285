"""LaNAS options that take no effect in a configuration are rejected or canonicalised away, never
run as a separate algorithm with an identical history."""

from __future__ import annotations

import numpy as np
import pytest

import run_all
from algorithms import registry as algorithms
from algorithms.lanas.search import LaNAS
from algorithms.registry import SpecError

#: an alternative value for every option (all differ from the default)
OTHER = {
    "height": 3,
    "cp": 0.5,
    "n_init": 5,
    "rebuild_every": 7,
    "regressor": "ridge",
    "route": "predicted",
    "batch": 3,
    "sampler": "reject",
    "max_tries": 3,
    "ridge_alpha": 5.0,
    "adam_lr": 0.1,
    "adam_epochs": 7,
    "adam_refit_epochs": 3,
    "inleaf": "local",
    "split": "svm",
    "empty_leaf": "first_leaf",
    "unsampled_node": "all_good",
    "n_parents": 2,
    "widen": 3,
    "handover": "neighbours",
}
#: options whose effect depends on the benchmark, not on the other options (enumerable or not,
#: how full the leaves get, whether the values are exactly linear: the synthetic table's are, so
#: routing by prediction is routing by value), so the registry cannot decide them from the configuration
BY_BENCHMARK = {"sampler", "max_tries", "empty_leaf", "unsampled_node", "route"}


@pytest.mark.parametrize(
    "spec, needs",
    [
        ("lanas:n_parents=3", "n_parents applies only with inleaf=local|localbo"),
        ("lanas:parents=3", "n_parents applies only with inleaf=local|localbo"),  # the old name
        ("lanas:widen=50", "widen applies only with inleaf=local|localbo"),
        ("lanas:adam_lr=0.1", "adam_lr applies only with regressor=adam"),
        ("lanas:handover=neighbours", "handover applies only with inleaf=local|bo|localbo"),
        ("lanas-release:ridge_alpha=2", "ridge_alpha applies only with regressor=ridge"),
    ],
)
def test_an_option_without_effect_is_rejected_in_one_line(spec, needs, tmp_path, capsys):
    with pytest.raises(SpecError, match=needs):
        algorithms.check(spec)
    code = run_all.main(
        [
            "--benchmarks",
            "synthetic/linear",
            "--algorithms",
            spec,
            "--seeds",
            "1",
            "--budget",
            "5",
            "--no-analysis",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and needs in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x").exists()


def test_options_that_take_effect_are_kept():
    assert algorithms.check("lanas:adam_lr=0.1,regressor=adam") == "lanas:adam_lr=0.1,regressor=adam"
    assert algorithms.check("lanas-release:adam_lr=0.1") == "lanas-release:adam_lr=0.1"
    assert algorithms.check("lanas-plus:widen=50") == "lanas-plus:widen=50"
    assert algorithms.check("lanas:inleaf=bo,handover=leaf_draw") == "lanas:handover=leaf_draw,inleaf=bo"


def test_a_variants_option_switched_off_by_the_spec_is_dropped_with_a_note():
    from harness.grids import canonical

    names, notes = canonical(["lanas-plus:inleaf=uniform"])
    assert names == ["lanas:scale=rank,split=svm"]  # n_parents, restart: nothing with uniform sampling
    assert notes == [
        "lanas-plus:inleaf=uniform is stored as lanas:scale=rank,split=svm "
        "(options at their defaults or without effect are dropped, keys sorted)"
    ]


def _history(bench, **options) -> list:
    algo = LaNAS(bench, np.random.default_rng(3), **options)
    out = []
    for _ in range(45):
        arch = algo.ask()
        out.append(arch)
        algo.tell(arch, bench.query(arch))
    return out


def test_the_declared_conditions_match_what_the_code_does(synthetic):
    """Every option changes plain ``lanas``'s history on the synthetic table unless the registry
    declares when it applies (or it depends on the benchmark); and a declared idle option really
    leaves the history unchanged."""
    plain = _history(synthetic)
    for option, value in OTHER.items():
        same = _history(synthetic, **{option: value}) == plain
        idle = option in algorithms.idle_options("lanas", {option: value})
        assert same == idle or (same and option in BY_BENCHMARK), (option, same, idle)


# ----- old spellings (options named for what they decide) ----------------------------------------
OLD_AND_NEW = [
    ("lanas:fallback=bfs", "lanas:empty_leaf=first_leaf"),
    ("lanas:fallback=skip", "lanas:empty_leaf=avoid"),
    ("lanas:empty=good", "lanas:unsampled_node=all_good"),
    ("lanas:inleaf=local,parents=3,inleaf_fallback=near", "lanas:handover=neighbours,inleaf=local,n_parents=3"),
    ("lanas:inleaf=bo,inleaf_fallback=uniform", "lanas:handover=leaf_draw,inleaf=bo"),
    ("lanas-plus:inleaf_fallback=near", "lanas-plus:handover=neighbours"),
    ("lanas:inleaf=localbo,parents=3,restart=50,scale=rank,split=svm", "lanas-plus"),
    ("lanas:regressor=adam,fallback=bfs,empty=zero", "lanas-release"),
]


@pytest.mark.parametrize("old, new", OLD_AND_NEW)
def test_an_old_spelling_is_the_new_configuration(old, new, synthetic):
    from harness.runner import run

    assert algorithms.check(old) == new
    assert algorithms.resolve(old) == algorithms.resolve(new)
    if "adam" not in old:  # (the release's Adam is slow; its options resolve the same)
        assert run(synthetic, old, 1, 40).rows["arch"] == run(synthetic, new, 1, 40).rows["arch"]


def test_an_option_given_in_both_spellings_is_rejected():
    with pytest.raises(SpecError, match="empty_leaf given twice"):
        algorithms.check("lanas:fallback=bfs,empty_leaf=anywhere")
    with pytest.raises(SpecError, match="handover must be one of first_leaf, leaf_draw, neighbours"):
        algorithms.check("lanas:inleaf=local,handover=near")  # old values only with the old name


def _grid(out, spec: str, seeds: str) -> list[str]:
    return [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        spec,
        "--seeds",
        seeds,
        "--budget",
        "30",
        "--out",
        str(out),
        "--no-analysis",
    ]


def test_a_folder_written_with_an_old_spelling_resumes_and_loads(tmp_path, capsys, monkeypatch):
    """A folder written before the rename holds ``lanas:fallback=bfs`` (its file names, run
    metadata and manifest): resuming it with either spelling finds its runs and keeps that
    spelling, and the analysis loads it."""
    import harness.plan
    from analysis.load import load
    from harness.results import read_meta, run_path

    out = tmp_path / "old"
    with monkeypatch.context() as m:  # the old registry: that spelling was canonical
        m.setattr(harness.plan, "canonical", lambda specs: (list(specs), []))
        assert run_all.cli(_grid(out, "lanas:fallback=bfs", "0-1")) == 0
    capsys.readouterr()
    for spec in ("lanas:fallback=bfs", "lanas:empty_leaf=first_leaf"):
        assert run_all.cli(_grid(out, spec, "0-2")) == 0
        err = capsys.readouterr().err
        assert "already on disk" in err and "keeps this folder's spelling lanas:fallback=bfs" in err, err
    assert run_all.cli(_grid(out, "lanas:empty_leaf=first_leaf", "0-2")) == 0
    assert "3 runs (1 benchmarks x 1 algorithms x 3 seeds, budget 30); 3 already on disk" in capsys.readouterr().err
    assert not (out / "runs" / "synthetic+linear" / "lanas@empty_leaf=first_leaf").exists()
    assert read_meta(run_path(out, "synthetic/linear", "lanas:fallback=bfs", 2))["spec"] == "lanas:fallback=bfs"
    exp = load(out)
    assert exp.specs() == ["lanas:fallback=bfs"] and len(exp.runs) == 3


# ----- the strategies, chosen once -------------------------------------------------------------
def test_the_strategies_are_chosen_at_construction(synthetic):
    from algorithms.lanas.empty_leaf import Anywhere, Avoid, FirstLeaf
    from algorithms.lanas.inleaf import InLeaf, PaperDraw
    from algorithms.lanas.inleaf_pickers import BO, Local
    from algorithms.lanas.inleaf_source import PoolSource, RegionSource
    from algorithms.lanas.svm_split import SvmSplit

    rng = np.random.default_rng(0)
    assert type(LaNAS(synthetic, rng)._empty_leaf) is Anywhere
    assert type(LaNAS(synthetic, rng, empty_leaf="first_leaf")._empty_leaf) is FirstLeaf
    assert type(LaNAS(synthetic, rng, empty_leaf="avoid")._empty_leaf) is Avoid
    # avoid needs the walk to draw every proposal from the pool: with an in-leaf search it is first_leaf
    assert type(LaNAS(synthetic, rng, empty_leaf="avoid", inleaf="bo")._empty_leaf) is FirstLeaf
    assert type(LaNAS(synthetic, rng)._inleaf) is PaperDraw and LaNAS(synthetic, rng)._splitter is None
    assert isinstance(LaNAS(synthetic, rng, split="svm")._splitter, SvmSplit)
    local = LaNAS(synthetic, rng, inleaf="local", handover="neighbours")._inleaf
    assert type(local) is InLeaf and type(local.source) is PoolSource and type(local.picker) is Local
    assert local._handover == local._neighbours
    bo = LaNAS(synthetic, rng, inleaf="bo", sampler="reject")._inleaf
    assert type(bo) is InLeaf and type(bo.source) is RegionSource and type(bo.picker) is BO
    assert bo._handover == bo._first_leaf


def test_the_groups_hold_the_options_as_given(synthetic):
    algo = algorithms.make(
        "lanas:fallback=bfs,inleaf=localbo,parents=4,widen=9,regressor=ridge,ridge_alpha=2",
        synthetic,
        np.random.default_rng(0),
    )
    assert algo.sampling_options.empty_leaf == "first_leaf" and algo.sampling_options.max_tries == 1000
    assert tuple(algo.inleaf_options) == ("localbo", 4, 9, 0, "first_leaf", 0, "leaf", "leaf", "leaf")
    assert algo.regressor_options.kind == "ridge" and algo.regressor_options.ridge_alpha == 2.0
    assert algo.tree_options.unsampled_node == "by_sign" and algo.tree_options.height == 5
