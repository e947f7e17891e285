"""The algorithm registry's public view: names with and without the named variants, and
registrations undone by ``scope()``."""

from __future__ import annotations

import pytest

from algorithms import registry as algorithms


def test_names_without_variants_are_the_registered_classes():
    with algorithms.scope():
        algorithms.register_variant("lanas-wide", "lanas:cp=0.5")
        classes = algorithms.names(variants=False)
        assert "lanas-wide" in algorithms.names() and "lanas-wide" not in classes
        assert "lanas" in classes and all(algorithms.resolve(n)[0] == n for n in classes)
    assert "lanas-wide" not in algorithms.names()


def test_one_registry_object_per_kind_scopes_a_registration(synthetic):
    from benchmarks import registry as benchmarks

    class Idle:
        def __init__(self, benchmark, rng):
            pass

        def ask(self):
            return None

        def tell(self, arch, result):
            pass

    with algorithms.REGISTRY.scope() as reg, benchmarks.REGISTRY.scope() as breg:
        algorithms.register("idle-in-scope")(Idle)
        benchmarks.register("scoped/table", lambda: synthetic, listed=False)
        assert reg.entries["idle-in-scope"].cls is Idle and "idle-in-scope" in algorithms.names()
        assert "scoped/table" in breg.entries and benchmarks.make("scoped/table") is synthetic
    assert "idle-in-scope" not in algorithms.names() and "scoped/table" not in benchmarks.entries()


def test_the_recommendation_has_a_name_and_lanas_plus_keeps_its_meaning():
    """``lanas-gp`` is ``lanas-plus:gp_until=100`` (a variant of a variant), the spec string takes
    its name, and ``lanas-plus`` is what it was."""
    plus = algorithms.resolve("lanas-plus")
    assert plus == ("lanas", {"inleaf": "localbo", "n_parents": 3, "restart": 50, "scale": "rank", "split": "svm"})
    assert algorithms.resolve("lanas-gp") == ("lanas", {**plus[1], "gp_until": 100})
    assert algorithms.check("lanas-plus:gp_until=100") == "lanas-gp"
    assert algorithms.check("lanas-gp:gp_until=0") == "lanas-plus"
    assert algorithms.check("lanas-gp:gp_until=40") == "lanas-plus:gp_until=40"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--algorithms", "lanass"], "unknown algorithm 'lanass'; did you mean 'lanas'"),
        (["--algorithms", "lanas:heigth=3"], "algorithm 'lanas' has no option 'heigth'; did you mean 'height'?"),
        (
            ["--benchmarks", "nb201/cifar10-vaild"],
            "unknown benchmark 'nb201/cifar10-vaild'; did you mean 'nb201/cifar10-valid'",
        ),
        (["--preset", "defualt"], "unknown preset 'defualt'; did you mean 'default'?"),
    ],
)
def test_a_typo_gets_did_you_mean_in_one_line(argv, expected, capsys, tmp_path):
    import run_all

    assert run_all.cli([*argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err
    assert not (tmp_path / "x").exists()


def test_a_name_far_from_every_known_one_lists_them():
    with pytest.raises(algorithms.SpecError, match=r"unknown algorithm 'zzzz'; known: .*random"):
        algorithms.check("zzzz")
