"""Options typed from signatures (annotations, defaults) and the limits a registration declares."""

from __future__ import annotations

from typing import Literal

import pytest

from benchmarks.specs import (
    SpecError,
    above,
    at_least,
    between,
    one_of,
    typed_options,
    typed_parameters,
    without_defaults,
)


def factory(
    *,
    n: int = 3,
    rate: float = 0.5,
    flag: bool = False,
    mode: Literal["fast", "slow"] = "fast",
    size: int | None = None,
    hp: int | str | None = None,
    untyped=None,
    opaque: tuple = (1,),
) -> None:
    """A made-up constructor with one option of each kind."""


OPTIONS = typed_parameters(factory, {"n": at_least(1), "rate": between(0, 1), "size": above(0)}, keyword_only=True)


@pytest.mark.parametrize(
    "key, text, value",
    [
        ("n", "7", 7),
        ("rate", "1", 1.0),
        ("rate", "1e-3", 0.001),
        ("flag", "on", True),
        ("flag", "0", False),
        ("flag", "No", False),
        ("mode", "slow", "slow"),
        ("size", "none", None),
        ("size", "4", 4),
        ("hp", "12", 12),
        ("hp", "x", "x"),
        ("untyped", "2.5", 2.5),
        ("untyped", "abc", "abc"),
        ("opaque", "5", 5),
    ],
)
def test_values_are_typed(key, text, value):
    got = typed_options("algorithm", "f", {key: text}, OPTIONS)[key]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "key, text, says",
    [
        ("n", "0", "n must be an integer >= 1"),
        ("n", "2.0", "an integer"),
        ("n", "true", "an integer"),
        ("rate", "nan", "a finite number >= 0 and <= 1"),
        ("rate", "inf", "finite"),
        ("rate", "1.5", "<= 1"),
        ("flag", "maybe", "true or false"),
        ("flag", "2", "true or false"),
        ("mode", "medium", "one of fast, slow"),
        ("size", "0", "> 0 or none"),
        ("n", "none", "an integer >= 1"),
        ("nope", "1", "has no option 'nope'"),
    ],
)
def test_bad_values_name_the_option_and_what_it_accepts(key, text, says):
    with pytest.raises(SpecError, match=says) as info:
        typed_options("algorithm", "f", {key: text}, OPTIONS)
    assert "\n" not in str(info.value) and "'f'" in str(info.value)


def test_defaults_are_dropped_by_value_not_by_spelling():
    defaults = {k: o.default for k, o in OPTIONS.items()}
    typed = typed_options(
        "algorithm", "f", {"n": "3", "rate": "0.50", "flag": "off", "size": "null", "mode": "slow"}, OPTIONS
    )
    assert without_defaults(typed, defaults) == {"mode": "slow"}
    assert one_of("a", "b") == ("a", "b")
