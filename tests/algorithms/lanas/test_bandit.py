"""The bandit over in-leaf searches (``lanas:inleaf=bandit``, :mod:`algorithms.lanas.bandit`)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from algorithms.lanas import LaNAS
from algorithms.lanas.bandit import ARMS, Bandit
from benchmarks.base import Result
from harness.runner import run


def pull(bandit: Bandit, arch, found: bool = True) -> int:
    """One proposal: the arm chosen, then settled with ``arch`` (found or not)."""
    arm = bandit.choose()
    if found:
        bandit.found_one()
    bandit.settle(arch)
    return arm


def test_each_arm_is_tried_first_in_order():
    bandit = Bandit()
    arms = []
    for i in range(len(ARMS)):
        arms.append(pull(bandit, (i,)))
        bandit.tell((i,), float(i))
    assert arms == list(range(len(ARMS)))


def test_the_arm_whose_proposals_rank_high_is_pulled_most():
    """Arm 2's proposals are told better than every value so far, the others' worse than every
    value: arm 2 is pulled more than any other, and the others are still tried now and then."""
    bandit = Bandit()
    low, high = 0.0, 1.0
    for t in range(300):
        arm = pull(bandit, (t,))
        if arm == 2:
            high += 1.0
            bandit.tell((t,), high)
        else:
            low -= 1.0
            bandit.tell((t,), low)
    others = np.delete(bandit.pulls, 2)
    assert bandit.pulls[2] > others.sum() and (others > 1).all()


def test_the_discount_follows_an_arm_that_becomes_the_best():
    """The best arm changes after 300 proposals (arm 2, then arm 1): within the next 60, arm 1 is
    pulled in most (without the discount, arm 2's 300 good rewards would keep it first for all 60)."""
    bandit = Bandit()
    low, high = 0.0, 1.0
    after = []
    for t in range(360):
        arm = pull(bandit, (t,))
        if t >= 300:
            after.append(arm)
        if arm == (2 if t < 300 else 1):
            high += 1.0
            bandit.tell((t,), high)
        else:
            low -= 1.0
            bandit.tell((t,), low)
    assert after.count(1) > len(after) / 2


def test_an_arm_that_finds_nothing_is_rewarded_zero():
    bandit = Bandit()
    for t in range(200):
        arm = bandit.choose()
        if arm != 0:  # arm 0 never has a candidate
            bandit.found_one()
        bandit.settle((t,) if arm != 0 else None)
        if arm != 0:
            bandit.tell((t,), float(t % 7))
    assert bandit.pulls[0] < bandit.pulls[1:].min()
    assert bandit.gain[0] == 0.0


def test_the_reward_is_the_quantile_among_earlier_values():
    bandit = Bandit()
    for i, y in enumerate([3.0, 1.0, 2.0]):
        bandit.tell((9, i), y)  # not proposed by an arm: no reward, but counted as earlier values
    pull(bandit, (0,))
    bandit.tell((0,), 2.0)  # above 1, tied with 2, below 3: (1 + 0.5) / 3
    assert bandit.gain[0] == pytest.approx(0.5)
    assert bandit.weight[0] == 1.0 and bandit.weight[1:].sum() == 0.0


def test_bandit_runs_every_arm_and_never_repeats(synthetic):
    algo = LaNAS(synthetic, np.random.default_rng(3), inleaf="bandit", n_parents=3, scale="rank", split="svm")
    seen = []
    for _ in range(150):
        arch = algo.ask()
        algo.tell(arch, Result(float(synthetic.valid[synthetic.index([arch])[0]])))
        seen.append(arch)
    assert len(set(seen)) == 150
    bandit = algo._inleaf.picker.bandit
    assert (bandit.pulls > 0).all()
    assert bandit.pulls.sum() == 150 - algo.n_init  # every proposal after the random ones settles an arm


@pytest.mark.parametrize("spec", ["lanas-plus:inleaf=bandit", "lanas-plus:gp_until=40,inleaf=bandit"])
def test_bandit_is_deterministic_and_differs_from_localbo(spec, synthetic):
    first = run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert first == run(synthetic, spec, seed=4, budget=120).rows["arch"]
    assert first != run(synthetic, spec, seed=5, budget=120).rows["arch"]
    plain = run(synthetic, spec.replace("inleaf=bandit", "inleaf=localbo"), seed=4, budget=120).rows["arch"]
    assert first[:10] == plain[:10] and first != plain


def test_bandit_on_a_space_that_is_not_enumerable(synthetic):
    """``sampler=reject``: the region variants of the arms (the rejection sampler's candidates)."""
    result = run(synthetic, "lanas-plus:inleaf=bandit,sampler=reject", seed=0, budget=80)
    assert result.status == "budget" and len(set(result.rows["arch"])) == 80


def test_bandit_options_are_checked(synthetic):
    """Options of the bandit's searches are accepted, ``widen`` (``local`` and ``localbo`` only) is
    not; the stored name runs the same history as the spec."""
    from algorithms import registry as algorithms
    from algorithms.registry import SpecError

    with pytest.raises(SpecError, match=re.escape("widen applies only with inleaf=local|localbo")):
        algorithms.check("lanas-plus:inleaf=bandit,widen=5")
    spec = "lanas-plus:gp_until=100,inleaf=bandit"
    stored = algorithms.check(spec)
    assert (
        run(synthetic, stored, seed=1, budget=40).rows["arch"] == run(synthetic, spec, seed=1, budget=40).rows["arch"]
    )
