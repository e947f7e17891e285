"""Regularized (aging) evolution: Real, Aggarwal, Huang, Le, "Regularized Evolution for Image
Classifier Architecture Search", AAAI 2019 (arXiv 1802.01548), Algorithm 1."""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._pending import Pending
from .registry import at_least, register


@register("evolution", limits={"population": at_least(1), "sample": at_least(1), "retries": at_least(0)})
class RegularizedEvolution:
    """Regularized evolution (Real et al. 2019, Algorithm 1).

    The first ``population`` architectures are drawn uniformly at random (without
    replacement). Each later one is a child: ``sample`` members are drawn uniformly *with*
    replacement from the population (the paper's tournament), the best of them is the parent,
    and the child is the parent with one decision changed (``benchmark.mutate``, which keeps
    the child valid and canonical). Every evaluated architecture joins the population and,
    once it is full, the *oldest* member leaves (aging, not the worst).

    Defaults ``population=50, sample=10`` are those of the regularized-evolution example
    released with NAS-Bench-101 (Ying et al., ICML 2019, google-research/nasbench:
    ``population_size=50, tournament_size=10``), the setting most NAS-Bench comparisons
    (LaNAS's included) reuse. NAS-Bench-201's own REA script (Dong & Yang, ICLR 2020) uses
    ``population=10, sample=3``; pass ``evolution:population=10,sample=3`` for that.

    Departure, for a harness that charges only distinct samples: the paper re-trains a
    child that repeats an earlier architecture; here a child already evaluated is redrawn
    (a new tournament and mutation, up to ``retries`` times) and, failing that, an
    unevaluated architecture is drawn at random, so the search never stalls on repeats.
    ``ask`` returns None once every architecture of an enumerable space is evaluated.

    Several proposals may be outstanding (``--parallel K``), as with the paper's asynchronous
    workers: the first ``population`` proposals are the random ones (a child needs at least
    one told member, so before that every proposal is random), no proposal repeats a pending
    one, and a member joins the population when its value is told, in any order, so aging
    follows the order of arrival. A ``tell`` of an architecture told before raises. With
    one proposal at a time nothing is pending and the algorithm is the sequential one above.

    A result it did not ask for (a zero-cost warm-up's cell, :mod:`algorithms._warmup`) joins the
    population as one of its ``population`` initial members, in place of a random one.
    """

    rank_invariant = True  # values are only compared (the tournament)

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        population: int = 50,
        sample: int = 10,
        retries: int = 100,
    ) -> None:
        if population < 1 or sample < 1 or retries < 0:
            raise ValueError("population and sample must be >= 1 and retries >= 0")
        self.benchmark = benchmark
        self.rng = rng
        self.population = population
        self.sample = sample
        self.retries = retries
        #: (arch, value) of the living members, oldest first
        self.members: deque[tuple[Arch, float]] = deque()
        self.seen: set[Arch] = set()  # told or pending
        self.told = 0  # values taken into the population
        self._pending = Pending()
        self._asked = 0
        self._fresh = benchmark.unseen(rng, self.seen)  # uniform draws of architectures not seen

    def ask(self) -> Arch | None:
        arch = self._child() if self._asked >= self.population and self.members else None
        arch = next(self._fresh) if arch is None else arch
        if arch is not None:
            self._asked += 1
            self.seen.add(arch)
            self._pending.add(arch)
        return arch

    def tell(self, arch: Arch, result: Result) -> None:
        arch, asked = self._pending.settle(arch, self.seen)
        if not asked:  # a warm start: one of the initial members
            self.seen.add(arch)
            self._asked += 1
        self.told += 1
        self.members.append((arch, float(result.valid)))
        while len(self.members) > self.population:
            self.members.popleft()

    def _child(self) -> Arch | None:
        for _ in range(self.retries + 1):
            child = self.benchmark.mutate(self._tournament(), self.rng)
            if child not in self.seen:
                return child
        return None

    def _tournament(self) -> Arch:
        picks = self.rng.integers(len(self.members), size=self.sample)
        best = max(picks, key=lambda i: self.members[i][1])  # first of equal values wins
        return self.members[best][0]
