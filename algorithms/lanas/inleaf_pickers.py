"""How an in-leaf search chooses among a source's candidates (:mod:`.inleaf_source`): the pickers
that :data:`algorithms.lanas.inleaf.KINDS` names.

- :class:`Uniform`: the paper's uniform draw from the region (the bandit's ``uniform`` arm);
- :class:`Local` (``local``): a uniform pick among the unevaluated in-region one-decision
  neighbours of the best of the leaf's samples that has any (a stochastic hill climb restricted
  to the region);
- :class:`LocalBO` (``localbo``): the model's Thompson pick among those of the best
  ``n_parents`` samples that have any (a trust region, as TuRBO, which LA-MCTS runs in its leaves);
- :class:`BO` (``bo``): the model's Thompson pick among the whole region's candidates;
- :class:`ClimbPicker` (``climb``), :class:`ClimbBO` (``climbbo``): the climb of :mod:`.climb`,
  restarted from the leaf's best samples; ``climbbo``: the model picks each next neighbour;
- :class:`BanditPicker` (``bandit``): one of ``localbo``, ``local``, ``bo`` and the uniform draw
  per proposal, the arm of :mod:`.bandit`'s discounted UCB;
- :class:`GPFirst` (``gp_until=N``, over any of them): while fewer than N samples are told, the
  candidate of largest expected improvement under :mod:`.gp`'s GP first (``gp_scope``: in the
  leaf or over the whole space); ``restart_pick=gp``: the GP also picks where a climb restarts.

The model is :mod:`.surrogate`'s pairwise Bayesian linear model, fitted on every sample. A picker
is told every value (:meth:`Picker.tell`), hears of rebuilds, restarts and the end of each proposal,
and reads the search's state (its source, the leaf's best samples, ``n_parents``) from the
:class:`~algorithms.lanas.inleaf.InLeaf` that calls it (:class:`Search`).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from benchmarks.base import Arch, Benchmark

from .bandit import ARMS, Bandit
from .climb import Climb
from .gp import LeafGP
from .inleaf_source import Candidates, Found, PoolSource, RegionSource
from .samples import SampleView
from .surrogate import PairwiseThompson


class Search(Protocol):
    """What a picker reads from the in-leaf search that calls it (:class:`.inleaf.InLeaf`)."""

    source: PoolSource | RegionSource
    rng: np.random.Generator
    samples: SampleView
    n_parents: int  # the leaf's best samples whose neighbours are candidates
    near_in_region: bool  # ``near_scope=leaf``: those neighbours only in the leaf's region

    @property
    def scan(self) -> int:
        """How many of a leaf's best samples are scanned for unevaluated neighbours."""
        ...

    def leaf_samples(self, leaf: int) -> np.ndarray:
        """Indices of the leaf's samples, best first."""
        ...


class Picker:
    """The proposal among a leaf's candidates; what it learns from the run (nothing here)."""

    #: ``handover=neighbours`` runs it outside the selected region (``bo``: the uniform draw instead)
    moves_locally = True

    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        """An unevaluated architecture in ``leaf``'s region (anywhere, where ``in_region`` is False
        and the picker moves locally) and its table row, taken; None when it has none."""
        raise NotImplementedError

    def tell(self, arch: Arch, y: float) -> None:
        """A told value (``y`` orders samples)."""

    def refresh(self) -> None:
        """The tree was rebuilt."""

    def restart(self) -> None:
        """``restart``: the climb stalled; the samples so far are no parents any more."""

    def settle(self, arch: Arch | None) -> None:
        """The proposal under way ended with ``arch`` (None: LaNAS's walk draws instead)."""


class Uniform(Picker):
    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        return search.source.draw(leaf) if in_region else None


class Local(Picker):
    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        cands = search.source.near(leaf, search.leaf_samples(leaf), search.scan, 1, in_region and search.near_in_region)
        return None if cands is None else search.source.take(cands, int(search.rng.integers(len(cands))))


class Modelled(Picker):
    """A picker that the model guides: it tells the model every value and refits it at rebuilds."""

    def __init__(self, model: PairwiseThompson) -> None:
        self.model = model

    def tell(self, arch: Arch, y: float) -> None:
        self.model.add(arch, y)

    def refresh(self) -> None:
        self.model.refresh()

    def best(self, search: Search, cands: Candidates | None) -> Found | None:
        """The candidate of largest value under one Thompson draw of the model, taken."""
        if cands is None:
            return None
        return search.source.take(cands, int(np.argmax(self.model.sample_scores(search.rng, cands.archs))))


class LocalBO(Modelled):
    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        inside = in_region and search.near_in_region
        return self.best(
            search, search.source.near(leaf, search.leaf_samples(leaf), search.scan, search.n_parents, inside)
        )


class BO(Modelled):
    moves_locally = False

    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        return self.best(search, search.source.region(leaf))


class ClimbPicker(Picker):
    """The climb's next architecture (``climb``); its restarts take the selected leaf's best
    samples as starts (``in_region=False``, the handover: no new start)."""

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, samples: SampleView) -> None:
        self.climber = Climb(benchmark, rng, samples, self._next_of)

    def _next_of(self, untried: list[Arch]) -> int:
        """Index of the next neighbour to try: the last (they are in a random order)."""
        return len(untried) - 1

    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        starts = search.leaf_samples(leaf)[: search.scan] if in_region else np.zeros(0, dtype=np.int64)
        arch = self.climber.next(starts)
        return None if arch is None else search.source.take_arch(arch)

    def tell(self, arch: Arch, y: float) -> None:
        self.climber.tell(arch, y)

    def restart(self) -> None:
        self.climber.restart()


class ClimbBO(ClimbPicker):
    """``climbbo``: the climb with the model's Thompson pick of each next neighbour."""

    def __init__(
        self, benchmark: Benchmark, rng: np.random.Generator, samples: SampleView, model: PairwiseThompson
    ) -> None:
        self.model, self.rng = model, rng
        super().__init__(benchmark, rng, samples)

    def _next_of(self, untried: list[Arch]) -> int:
        return int(np.argmax(self.model.sample_scores(self.rng, np.asarray(untried))))

    def tell(self, arch: Arch, y: float) -> None:
        self.model.add(arch, y)
        super().tell(arch, y)

    def refresh(self) -> None:
        self.model.refresh()


class BanditPicker(Modelled):
    """Each proposal made by the arm (:data:`.bandit.ARMS`) of the bandit's choice; the arms share
    the model, told once here."""

    def __init__(self, model: PairwiseThompson) -> None:
        super().__init__(model)
        arms: dict[str, Picker] = {"localbo": LocalBO(model), "local": Local(), "bo": BO(model), "uniform": Uniform()}
        self.arms = [arms[name] for name in ARMS]
        self.bandit = Bandit(len(self.arms))

    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        found = self.arms[self.bandit.choose()](search, leaf, in_region)
        if found is not None:
            self.bandit.found_one()
        return found

    def tell(self, arch: Arch, y: float) -> None:
        super().tell(arch, y)
        self.bandit.tell(arch, y)

    def settle(self, arch: Arch | None) -> None:
        self.bandit.settle(arch)


class GPFirst(Picker):
    """``gp_until``: while ``2 <= samples < until``, the GP's pick among the source's GP candidates
    (the in-region neighbours of the leaf's best ``n_parents`` samples and a random part of the
    region on a pool; ``scope="space"``: a random part of the whole space and those neighbours
    wherever they lie) comes first; otherwise, and when it finds none, ``then``'s.
    ``restart_pick="gp"``: the first proposal after a ``restart`` from ``until`` samples on is the
    GP's pick over the whole space (fitted on every sample, (θ, η) as last chosen)."""

    def __init__(
        self, until: int, then: Picker, samples: SampleView, scope: str = "leaf", restart_pick: str = "leaf"
    ) -> None:
        self.until, self.then, self.gp = until, then, LeafGP(samples)
        self.scope, self.restart_pick, self._restarted = scope, restart_pick, False
        self.moves_locally = then.moves_locally

    def __call__(self, search: Search, leaf: int, in_region: bool) -> Found | None:
        n = len(search.samples)
        if in_region and 2 <= n < self.until:
            parents = search.leaf_samples(leaf)[: search.n_parents]
            if self.scope == "space":
                cands = search.source.anywhere(parents)
            else:
                cands = search.source.for_gp(leaf, parents)
            if cands is not None:
                self._restarted = False  # the GP picks every proposal here anyway
                return search.source.take(cands, self.gp.pick(cands.archs))
        if in_region and self._restarted and n >= max(self.until, 2):
            self._restarted = False
            cands = search.source.anywhere(np.zeros(0, dtype=np.int64))
            if cands is not None:
                return search.source.take(cands, self.gp.pick(cands.archs, regrid=False))
        return self.then(search, leaf, in_region)

    def tell(self, arch: Arch, y: float) -> None:
        self.then.tell(arch, y)

    def refresh(self) -> None:
        self.then.refresh()

    def restart(self) -> None:
        self._restarted = self.restart_pick == "gp"
        self.then.restart()

    def settle(self, arch: Arch | None) -> None:
        self.then.settle(arch)
