"""LaNAS options that take no effect in a configuration are rejected or canonicalised away, never
run as a separate algorithm with an identical history (issue 23, point 3)."""
from __future__ import annotations

import numpy as np
import pytest

import run_all
from algorithms import registry as algorithms
from algorithms.lanas.search import LaNAS
from algorithms.registry import SpecError

#: an alternative value for every option (all differ from the default)
OTHER = {"height": 3, "cp": 0.5, "n_init": 5, "rebuild_every": 7, "regressor": "ridge", "route": "predicted",
         "batch": 3, "sampler": "reject", "max_tries": 3, "ridge_alpha": 5.0, "adam_lr": 0.1, "adam_epochs": 7,
         "adam_refit_epochs": 3, "inleaf": "local", "split": "svm", "fallback": "bfs", "empty": "good",
         "parents": 2, "widen": 3, "inleaf_fallback": "near"}
#: options whose effect depends on the benchmark, not on the other options (enumerable or not,
#: how full the leaves get, whether the values are exactly linear: the synthetic table's are, so
#: routing by prediction is routing by value), so the registry cannot decide them from the configuration
BY_BENCHMARK = {"sampler", "max_tries", "fallback", "empty", "route"}


@pytest.mark.parametrize("spec, needs", [
    ("lanas:parents=3", "parents applies only with inleaf=local|localbo"),
    ("lanas:widen=50", "widen applies only with inleaf=local|localbo"),
    ("lanas:adam_lr=0.1", "adam_lr applies only with regressor=adam"),
    ("lanas:inleaf_fallback=near", "inleaf_fallback applies only with inleaf=local|bo|localbo"),
    ("lanas-release:ridge_alpha=2", "ridge_alpha applies only with regressor=ridge"),
])
def test_an_option_without_effect_is_rejected_in_one_line(spec, needs, tmp_path, capsys):
    with pytest.raises(SpecError, match=needs):
        algorithms.check(spec)
    code = run_all.main(["--benchmarks", "synthetic/linear", "--algorithms", spec, "--seeds", "1", "--budget", "5",
                         "--no-analysis", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and needs in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x").exists()


def test_options_that_take_effect_are_kept():
    assert algorithms.check("lanas:adam_lr=0.1,regressor=adam") == "lanas:adam_lr=0.1,regressor=adam"
    assert algorithms.check("lanas-release:adam_lr=0.1") == "lanas-release:adam_lr=0.1"
    assert algorithms.check("lanas-plus:widen=50") == "lanas-plus:widen=50"
    assert algorithms.check("lanas:inleaf=bo,inleaf_fallback=uniform") == "lanas:inleaf=bo,inleaf_fallback=uniform"


def test_a_variants_option_switched_off_by_the_spec_is_dropped_with_a_note():
    names, notes = algorithms.canonical(["lanas-plus:inleaf=uniform"])
    assert names == ["lanas:split=svm"]  # parents=3 of lanas-plus does nothing with uniform sampling
    assert notes == ["lanas-plus:inleaf=uniform is stored as lanas:split=svm "
                     "(options at their defaults or without effect are dropped, keys sorted)"]


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
