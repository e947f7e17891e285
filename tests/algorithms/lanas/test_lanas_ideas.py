"""The in-leaf GP for the first samples (``gp_until``) and the climb restarted from the selected
leaf (``inleaf=climb|climbbo``) as LaNAS runs them, on the synthetic table (their parts:
test_gp.py, test_climb.py)."""

from __future__ import annotations

import pytest

from algorithms import registry as algorithms
from algorithms.registry import SpecError
from benchmarks.base import Result
from harness.runner import run


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


@pytest.mark.parametrize("spec", ["lanas-plus:gp_until=40", "lanas-plus:inleaf=climb", "lanas-plus:inleaf=climbbo"])
def test_new_options_are_deterministic_and_never_repeat(spec, synthetic):
    first = run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert first == run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert len(set(first)) == len(first) == 120
    assert first != run(synthetic, spec, seed=5, budget=120).rows["arch"]


def test_gp_until_changes_only_what_it_says(synthetic):
    """gp_until=N changes the history from the first proposal after the n_init random ones;
    the random ones are the same."""
    plain = run(synthetic, "lanas-plus", seed=0, budget=60).rows["arch"]
    with_gp = run(synthetic, "lanas-plus:gp_until=40", seed=0, budget=60).rows["arch"]
    assert plain[:10] == with_gp[:10] and plain != with_gp


def test_new_options_are_checked():
    for spec in ("lanas:gp_until=10", "lanas-plus:gp_until=-1", "lanas:inleaf=bo,widen=5"):  # uniform has no GP
        with pytest.raises(SpecError):
            algorithms.check(spec)
    algorithms.check("lanas-plus:inleaf=climbbo,gp_until=20")
