"""Local search: White, Zela, Ru, Liu, Hutter, "Local Search is State of the Art for Neural
Architecture Search Benchmarks" (ICML 2020 AutoML workshop, arXiv 2005.02960), Algorithm 1, as in
its released code (naszilla, ``local_search`` with ``query_full_nbhd=False, stop_at_minimum=True``)."""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._pending import Pending
from .registry import at_least, register


@register("local-search", limits={"n_init": at_least(1)})
class LocalSearch:
    """First-improvement hill climbing on one-decision neighbours, restarted at local optima.

    A climb starts from the best of ``n_init`` uniformly random architectures (the release's
    ``num_init=10``). The current architecture's neighbours (``benchmark.neighbours``: every
    architecture one decision away) are evaluated in a random order, skipping those already
    evaluated (the release's ``query_dict``); the first one strictly better than the current
    architecture becomes the current one and its neighbourhood is walked next. When a whole
    neighbourhood holds no improvement, the climb has reached a local optimum and a new climb
    starts from the best of ``n_init`` new random architectures (the release restarts the
    whole procedure, random initial set included).

    Only comparisons of values are used, so any strictly increasing transform of the values
    leaves the history unchanged (:attr:`rank_invariant`; tested in tests/algorithms/test_rank_invariance.py).

    Several proposals may be outstanding (``--parallel K``): proposals are the next untried
    neighbours of the current architecture; an initial set is complete once all its members are
    told (until then further random architectures join it); any told neighbour better than the
    current architecture, in order of arrival, becomes the current one; and a neighbourhood used
    up while some of it is pending starts the next climb's random set. With one proposal at a time
    this is the sequential algorithm above. A ``tell`` that answers no pending ``ask`` raises.
    """

    rank_invariant = True

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, *, n_init: int = 10) -> None:
        if n_init < 1:
            raise ValueError("n_init must be >= 1")
        self.benchmark = benchmark
        self.rng = rng
        self.n_init = n_init
        self.seen: set[Arch] = set()  # told or pending
        self.told = 0
        self.restarts = 0  # climbs started after the first
        self.current: tuple[Arch, float] | None = None
        self._queue: deque[Arch] = deque()  # untried neighbours of the current architecture
        self._init_left = n_init  # random proposals still to make for the current initial set
        self._init: set[Arch] = set()  # the current initial set (told or pending)
        self._init_told: list[tuple[float, Arch]] = []
        self._pending = Pending()
        self._fresh = benchmark.unseen(rng, self.seen)

    def ask(self) -> Arch | None:
        if self.current is not None:
            while self._queue:
                nearby = self._queue.popleft()
                if nearby not in self.seen:
                    return self._propose(nearby)
            self._restart()  # local optimum (sequential) or neighbourhood used up while pending
        arch = next(self._fresh)
        if arch is None:
            return None
        self._init_left = max(self._init_left - 1, 0)
        self._init.add(arch)
        return self._propose(arch)

    def tell(self, arch: Arch, result: Result) -> None:
        arch = self._pending.answer(arch)
        self.told += 1
        value = float(result.valid)
        if value != value:  # NaN: never an improvement
            value = -np.inf
        if arch in self._init:
            self._init_told.append((value, arch))
            if self.current is None and self._init_left == 0 and len(self._init_told) == len(self._init):
                best = max(self._init_told, key=lambda t: t[0])  # first of equal values wins
                self._move(best[1], best[0])
        elif self.current is not None and value > self.current[1]:
            self._move(arch, value)

    def _propose(self, arch: Arch) -> Arch:
        self.seen.add(arch)
        self._pending.add(arch)
        return arch

    def _move(self, arch: Arch, value: float) -> None:
        self.current = (arch, value)
        nbrs = self.benchmark.neighbours(arch)
        self._queue = deque(nbrs[i] for i in self.rng.permutation(len(nbrs)))

    def _restart(self) -> None:
        self.restarts += 1
        self.current = None
        self._queue.clear()
        self._init, self._init_told, self._init_left = set(), [], self.n_init
