"""LaNAS's options have one source, the option groups: the constructor's signature, the registry's
typed options (what ``--list`` prints) and the docstring follow them, and an option added to a group
alone is a full option (so none can be added in one place only)."""

from __future__ import annotations

import inspect
from typing import NamedTuple

import numpy as np
import pytest

from algorithms import registry as algorithms
from algorithms.lanas import options
from algorithms.lanas.options import APPLIES, LIMITS
from algorithms.lanas.search import LaNAS


def _group_options() -> dict[str, object]:
    """Every option the groups define -> its default, read from the groups alone."""
    out = {}
    for group in options.GROUPS.values():
        for field in group._fields:
            out[options.SPEC_NAMES.get((group, field), field)] = group._field_defaults[field]
    return out


def test_the_signature_and_the_registry_are_the_groups():
    defaults = _group_options()
    params = inspect.signature(LaNAS).parameters
    keyword = {k: p.default for k, p in params.items() if p.kind is p.KEYWORD_ONLY}
    assert keyword == defaults
    assert algorithms.defaults("lanas") == defaults
    assert list(algorithms.defaults("lanas")) == list(defaults)  # --list's order is the groups'
    assert not [k for k in LIMITS if k not in defaults]  # no limit for an option that does not exist
    assert not [k for k in APPLIES if k not in defaults]


def test_the_docstring_names_every_option():
    missing = [k for k in _group_options() if f"``{k}``" not in (LaNAS.__doc__ or "")]
    assert not missing, f"LaNAS's docstring does not name {missing}"


def test_every_option_has_a_type_the_spec_can_check():
    typed = algorithms.options("lanas")
    assert all(o.kinds for o in typed.values()), [k for k, o in typed.items() if not o.kinds]


def test_an_unknown_keyword_is_refused(synthetic):
    with pytest.raises(TypeError, match="unexpected options nope"):
        LaNAS(synthetic, np.random.default_rng(0), nope=1)


def test_the_constructor_puts_each_option_in_its_group(synthetic):
    algo = LaNAS(synthetic, np.random.default_rng(0), regressor="ridge", restart=7, cp=1, n_init=3)
    assert algo.regressor_options.kind == "ridge" and algo.inleaf_options.restart == 7
    assert algo.tree_options.cp == 1.0 and isinstance(algo.tree_options.cp, float)
    assert algo.run_options.n_init == 3 == algo.n_init


def test_an_option_added_to_a_group_is_an_option_everywhere(monkeypatch):
    class Tree(NamedTuple):
        height: int = 5
        brand_new: float = 0.25

    groups = {k: (Tree if v is options.TreeOptions else v) for k, v in options.GROUPS.items()}
    monkeypatch.setattr(options, "GROUPS", groups)
    sig = options.signature()
    assert sig.parameters["brand_new"].default == 0.25 and sig.parameters["brand_new"].annotation is float
    assert options.build({"brand_new": 2})["tree_options"].brand_new == 2.0
