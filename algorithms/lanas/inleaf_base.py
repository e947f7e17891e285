"""What every in-leaf search of LaNAS shares (:class:`InLeaf`, :mod:`.inleaf` has the searches):
the model, the widening neighbourhood and the restarts, the GP of ``gp_until``, the climb, the
handover when the selected leaf gives no candidate, and the leaf's samples best first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.base import Arch, Benchmark

from .bandit import ARMS, Bandit
from .climb import Climb
from .gp import LeafGP
from .options import InLeafOptions
from .pool import Pool
from .samples import SampleView, encode
from .surrogate import PairwiseThompson
from .tree import Tree

SCAN = 20  # at least this many of the leaf's best samples are scanned for unevaluated neighbours
HANDOVERS = ("first_leaf", "leaf_draw", "neighbours")  # ``handover``: see :class:`InLeaf`
Found = tuple[Arch, int | None]  # an architecture and its table row (None when not enumerable)


class InLeaf:
    """An in-leaf search: what the kinds share (the model, the widening neighbourhood, the
    handover); a subclass per space type supplies ``_local``, ``_bo`` and ``_take``."""

    def __init__(
        self,
        options: InLeafOptions,
        benchmark: Benchmark,
        rng: np.random.Generator,
        pool: Pool | None,
        samples: SampleView,
        max_tries: int,
    ) -> None:
        self.benchmark, self.rng, self.pool, self.samples, self.max_tries = benchmark, rng, pool, samples, max_tries
        self.kind, self.widen, self._stall, self._best = options.kind, options.widen, 0, -np.inf
        self.restart, self._climb_stall, self._climb_best = options.restart, 0, -np.inf
        self._first_parent = 0  # samples before this index are no parents (``restart``)
        self.base_n_parents = self.n_parents = options.n_parents  # grows with ``widen``
        self.tree: Tree  # set by refresh(), after each rebuild and before any proposal
        self._routed = 0  # samples told since the rebuild and routed to their predicted leaf
        self._new_members: dict[int, list[int]] = {}  # leaf -> the indices of those routed to it
        #: leaf -> ((new members, first parent), its samples best first): kept until either changes
        self._leaf_cache: dict[int, tuple[tuple[int, int], np.ndarray]] = {}
        with_model = options.kind in ("bo", "localbo", "climbbo", "bandit")
        self.model = PairwiseThompson(benchmark.choices) if with_model else None
        self.model_picks = self.model is not None  # the local searches: the model picks (``localbo``)
        self.local = options.kind in ("local", "localbo", "climb", "climbbo", "bandit")
        self.bandit = Bandit() if options.kind == "bandit" else None
        self.gp_until, self.leaf_gp = options.gp_until, LeafGP(samples)
        self.climber = Climb(benchmark, rng, samples, self.model) if options.kind in ("climb", "climbbo") else None
        self.fallbacks = 0  # proposals handed over (see ``handover``)
        # the two choices made once: which search, and what happens when it finds nothing
        self._search: Callable[[int, bool], Any] = self._local if self.local else self._bo
        if self.climber is not None:
            self._search = self._climb
        if self.bandit is not None:
            self._search = self._bandit
            searches = {"localbo": self._local, "local": self._local, "bo": self._bo, "uniform": self._uniform}
            self._arms = [searches[arm] for arm in ARMS]
        self._handover: Callable[[int], tuple[Arch, int, int | None] | None] = dict(
            zip(HANDOVERS, (self._first_leaf, self._leaf_draw, self._neighbours))
        )[options.handover]

    # ----- feeding the model --------------------------------------------------------------
    def tell(self, arch: Arch, y: float) -> None:
        if self.model is not None:
            self.model.add(arch, y)
        if y > self._best:  # a new best: back to the narrow neighbourhood
            self._best, self._stall, self.n_parents = y, 0, self.base_n_parents
        elif self.widen:
            self._stall += 1
            if self._stall >= self.widen:  # stalled: widen (twice the parents)
                self._stall, self.n_parents = 0, 2 * self.n_parents
        if self.restart:
            if y > self._climb_best:
                self._climb_best, self._climb_stall = y, 0
            else:
                self._climb_stall += 1
                if self._climb_stall >= self.restart:  # the climb is stuck: start a new one
                    self._climb_best, self._climb_stall = -np.inf, 0
                    self._first_parent = len(self.samples.archs)
                    if self.climber is not None:
                        self.climber.center = None
        if self.climber is not None:
            self.climber.tell(arch, y)
        if self.bandit is not None:
            self.bandit.tell(arch, y)

    def refresh(self, tree: Tree) -> None:
        """After a rebuild: the new tree, and the model refitted."""
        self.tree = tree
        self._routed, self._new_members, self._leaf_cache = 0, {}, {}
        if self.model is not None:
            self.model.refresh()

    # ----- proposals ------------------------------------------------------------------------
    def propose_from(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """(architecture, leaf credited, table row) from the selected ``leaf``; when it has no
        candidate (counted in :attr:`fallbacks`), what ``handover`` says; None: the caller
        draws uniformly from the selected leaf (the paper's sampler)."""
        found = self.propose(leaf)
        out = (found[0], leaf, found[1]) if found is not None else None
        if out is None:
            self.fallbacks += 1
            out = self._handover(leaf)
        if self.bandit is not None:
            self.bandit.settle(None if out is None else out[0])
        return out

    def propose(self, leaf: int, in_region: bool = True) -> Found | None:
        """An unevaluated architecture inside ``leaf``'s region (anywhere, for the local
        searches with ``in_region=False``) and its table row, or None when this search has none."""
        found = None
        if 2 <= len(self.samples) < self.gp_until and in_region:
            found = self._gp(leaf)
        if found is None:
            found = self._search(leaf, in_region)
        return None if found is None else self._take(found)

    def _gp(self, leaf: int) -> Any:
        raise NotImplementedError

    def _bandit(self, leaf: int, in_region: bool = True) -> Any:
        """``inleaf=bandit``: the search of the bandit's arm for this proposal (:mod:`.bandit`)."""
        assert self.bandit is not None
        arm = self.bandit.choose()
        self.model_picks = ARMS[arm] == "localbo"
        found = self._arms[arm](leaf, in_region)
        self.bandit.found |= found is not None
        return found

    def _uniform(self, leaf: int, in_region: bool = True) -> Any:
        raise NotImplementedError

    def _climb(self, leaf: int, in_region: bool = True) -> Any:
        """The climb's next architecture (``climb``, ``climbbo``); a restart takes the selected
        leaf's best samples as starts. ``in_region=False`` (handover): no new start."""
        assert self.climber is not None
        starts = self.leaf_samples(leaf)[: max(self.n_parents, SCAN)] if in_region else np.zeros(0, dtype=np.int64)
        arch = self.climber.next(starts)
        return None if arch is None else self._from_arch(arch)

    def _from_arch(self, arch: Arch) -> Any:
        """What ``_take`` takes for ``arch`` (a table row, or the architecture)."""
        raise NotImplementedError

    def _first_leaf(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """The first other leaf in breadth-first order that gives a candidate, credited to it
        (the release's rule for an empty leaf)."""
        for other in range(self.tree.n_leaves):
            found = self.propose(other) if other != leaf else None
            if found is not None:
                return found[0], other, found[1]
        return None

    def _leaf_draw(self, leaf: int) -> None:
        """The paper's uniform draw from the selected leaf (LaNAS makes it)."""

    def _neighbours(self, leaf: int) -> tuple[Arch, int, int | None] | None:
        """Local searches: the pick among the neighbours of the leaf's best samples wherever
        they lie, credited to the selected leaf; else (or for ``bo``) the uniform draw."""
        found = self.propose(leaf, in_region=False) if self.local else None
        return None if found is None else (found[0], leaf, found[1])

    def _scores(self, archs: np.ndarray) -> np.ndarray:
        """The model's Thompson draw of the value of each of ``archs`` (``bo`` and ``localbo``)."""
        assert self.model is not None, "only the kinds with a model score candidates"
        return self.model.sample_scores(self.rng, archs)

    def _take(self, found: Any) -> Found:
        raise NotImplementedError

    def _local(self, leaf: int, in_region: bool = True) -> Any:
        raise NotImplementedError

    def _bo(self, leaf: int, in_region: bool = True) -> Any:
        raise NotImplementedError

    def leaf_samples(self, leaf: int) -> np.ndarray:
        """Indices of the leaf's evaluated samples, best first (read-only: the same array is
        returned until the leaf gains a sample, a climb restarts or the tree is rebuilt)."""
        tree, archs = self.tree, self.samples.archs
        built = len(tree.members[0])
        start = built + self._routed
        if start < len(archs):  # told since the rebuild: by their predicted leaf, each routed once per rebuild
            for i, other in enumerate(tree.route(encode(self.benchmark, archs[start:])).tolist()):
                self._new_members.setdefault(other, []).append(start + i)
            self._routed = len(archs) - built
        new = self._new_members.get(leaf, [])
        key = (len(new), self._first_parent)
        cached = self._leaf_cache.get(leaf)
        if cached is not None and cached[0] == key:
            return cached[1]
        members = tree.members[leaf + tree.n_internal]
        if len(archs) > built:
            members = np.concatenate([members, np.asarray(new, dtype=np.int64)])
        if self._first_parent:
            members = members[members >= self._first_parent]
        y = np.asarray(self.samples.y)[members]
        order = members[np.argsort(-y, kind="stable")]
        order.flags.writeable = False
        self._leaf_cache[leaf] = (key, order)
        return order
