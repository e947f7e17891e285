"""A bandit over in-leaf searches (``lanas:inleaf=bandit``): which search pays is learnt within a run.

No single in-leaf search wins everywhere (results/reference/peers.md): the model's pick among the neighbours
of the leaf's best samples (``localbo``) exploits, a uniform draw in the region explores. With
``inleaf=bandit`` each proposal is made by one of the searches in :data:`ARMS`, the arm of
largest discounted UCB index (Garivier and Moulines, ALT 2011), and the told value rewards it:

- ``localbo``: the model's Thompson pick among the in-region neighbours of the leaf's best
  ``n_parents`` samples (``lanas-plus``'s search); ``local``: a uniform pick among those of the
  best parent that has any; ``bo``: the model's pick among the whole region's candidates;
  ``uniform``: the paper's uniform draw from the region.
- Reward: the quantile of the told value among the values told before it (the share below it,
  ties counting half), in [0, 1]. It depends on the values' order only, so the history is the same
  under any strictly increasing transform of the values (tests/algorithms/test_rank_invariance.py).
  A proposal the arm could not make (no candidate anywhere: the walk's uniform draw instead)
  rewards it 0; one made by the GP of ``gp_until`` rewards no arm.
- Index: ``mean + EXPLORE * sqrt(log(total) / weight)`` on counts and rewards discounted by
  :data:`DISCOUNT` at every update (the arms' worth changes as the search narrows); an arm never
  rewarded comes first, ties go to the first arm in :data:`ARMS`. No randomness of its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

import numpy as np

from benchmarks.base import Arch

ARMS = ("localbo", "local", "bo", "uniform")
DISCOUNT = 0.98  # per update: about the last 50 proposals count
EXPLORE = 0.5  # rewards lie in [0, 1] with a spread well below 1


class Bandit:
    """Discounted UCB over :data:`ARMS` (indices into it), rewarded by the told value's quantile."""

    def __init__(self, n_arms: int = len(ARMS)) -> None:
        self.weight = np.zeros(n_arms)  # discounted number of rewards
        self.gain = np.zeros(n_arms)  # discounted sum of rewards
        self.pulls = np.zeros(n_arms, dtype=np.int64)  # proposals made (and misses) per arm, for inspection
        self.arm: int | None = None  # the arm of the proposal under way (None: not asked yet)
        self.found = False  # whether that arm found the proposal (:meth:`found_one`)
        self._pending: dict[Arch, int] = {}  # proposed architecture -> its arm, until told
        self._values: list[float] = []  # every value told, sorted

    def choose(self) -> int:
        """The arm of the proposal under way (chosen at the first call of the proposal)."""
        if self.arm is None:
            never = np.flatnonzero(self.weight == 0)
            if len(never):
                self.arm = int(never[0])
            else:
                bonus = np.sqrt(np.log(self.weight.sum()) / self.weight)
                self.arm = int(np.argmax(self.gain / self.weight + EXPLORE * bonus))
            self.found = False
        return self.arm

    def found_one(self) -> None:
        """The arm of the proposal under way found a candidate."""
        self.found = True

    def settle(self, arch: Arch | None) -> None:
        """The proposal under way ended with ``arch`` (None: the walk's own draw): credit the
        arm that found it once its value is told, reward 0 to an arm that found nothing."""
        if self.arm is not None:
            self.pulls[self.arm] += 1
            if self.found and arch is not None:
                self._pending[arch] = self.arm
            else:
                self._update(self.arm, 0.0)
        self.arm = None

    def tell(self, arch: Arch, y: float) -> None:
        n = len(self._values)
        reward = 0.5 if n == 0 else (bisect_left(self._values, y) + bisect_right(self._values, y)) / (2 * n)
        insort(self._values, y)
        arm = self._pending.pop(arch, None)
        if arm is not None:
            self._update(arm, reward)

    def _update(self, arm: int, reward: float) -> None:
        self.weight *= DISCOUNT
        self.gain *= DISCOUNT
        self.weight[arm] += 1.0
        self.gain[arm] += reward
