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
