"""The algorithm registry's public view: names with and without the named variants, and
registrations undone by ``scope()``."""

from __future__ import annotations

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
