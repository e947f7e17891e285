"""Searching inside the selected LaNAS leaf (``lanas:inleaf=...``), a departure from the paper.

LaNAS (TPAMI, Sec. 3) draws uniformly from the selected leaf's region (``inleaf=uniform``, the
default). Its follow-up LA-MCTS (Wang, Fonseca, Tian, NeurIPS 2020) keeps the partition and the UCB
walk but runs an optimiser inside the region. An in-leaf search here is a candidate source
(:mod:`.inleaf_source`: the pool's rows on an enumerable space, else the rejection sampler's
in-region candidates) combined with a picker (:mod:`.inleaf_pickers`), both chosen once, at
construction; :data:`KINDS` names every picker and the in-leaf options that take effect with it
(the registry's ``applies``, :data:`APPLIES`, is derived from it):

- ``local``: a uniform pick among the unevaluated in-region one-decision neighbours of the best
  of the leaf's samples that has any;
- ``localbo``: the model's Thompson pick among those of the best ``n_parents`` that have any;
- ``bo``: the model's Thompson pick among the whole region's candidates;
- ``climb``, ``climbbo``: first-improvement hill climbing restarted from the leaf's best samples
  (``climbbo``: the model picks each next neighbour);
- ``bandit``: one of ``localbo``, ``local``, ``bo`` and the uniform draw per proposal, chosen by a
  discounted-UCB bandit.

``gp_until=N`` (any of them): while fewer than N samples are told, a Hamming-kernel GP picks the
leaf's candidate of largest expected improvement first (``gp_scope=space``: the whole space's);
``restart_pick=gp``: that GP also picks, over the whole space, where a stopped climb starts again;
``near_scope=space`` (``local``, ``localbo``): the neighbours of the leaf's best samples wherever they lie. ``widen`` and ``restart`` change which
samples are parents (:class:`InLeaf`). When the selected leaf gives no candidate, ``handover``
decides (counted in ``LaNAS.inleaf_fallbacks``; see :class:`~algorithms.lanas.options.InLeafOptions`).

The leaf's samples are those routed to it at the last rebuild and those told since whose predicted
leaf it is, best first. A search gets the pool (None on a space that is not enumerable), the tree
(at each rebuild) and a read-only view of the samples; it never sees the LaNAS object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from benchmarks.base import Arch, Benchmark

from .inleaf_pickers import BO, BanditPicker, ClimbBO, ClimbPicker, GPFirst, Local, LocalBO, Picker
from .inleaf_source import PoolSource, RegionSource
from .pool import Pool
from .samples import SampleView, encode
from .surrogate import PairwiseThompson
from .tree import Tree

__all__ = ["APPLIES", "HANDOVERS", "KINDS", "InLeaf", "PaperDraw", "make_inleaf"]


class Kind(NamedTuple):
    """One value of ``inleaf``: how its picker is made (None: the paper's draw, by LaNAS's walk) and
    the in-leaf options that take effect with it."""

    make: Callable[[Benchmark, np.random.Generator, SampleView], Picker] | None
    options: tuple[str, ...]


def _model(benchmark: Benchmark) -> PairwiseThompson:
    return PairwiseThompson(benchmark.choices)


_LOCAL = (
    "n_parents",
    "restart",
    "handover",
    "gp_until",
    "gp_scope",
    "restart_pick",
)  # what the searches from the best samples take
KINDS: dict[str, Kind] = {
    "uniform": Kind(None, ()),
    "local": Kind(lambda bench, rng, samples: Local(), (*_LOCAL, "widen", "near_scope")),
    "bo": Kind(lambda bench, rng, samples: BO(_model(bench)), ("handover", "gp_until", "gp_scope")),
    "localbo": Kind(lambda bench, rng, samples: LocalBO(_model(bench)), (*_LOCAL, "widen", "near_scope")),
    "climb": Kind(ClimbPicker, _LOCAL),
    "climbbo": Kind(lambda bench, rng, samples: ClimbBO(bench, rng, samples, _model(bench)), _LOCAL),
    "bandit": Kind(lambda bench, rng, samples: BanditPicker(_model(bench)), _LOCAL),
}
#: option -> the ``inleaf`` values it takes effect with (the registry's ``applies``)
APPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    option: {"inleaf": tuple(name for name, kind in KINDS.items() if option in kind.options)}
    for option in ("n_parents", "widen", "restart", "handover", "gp_until", "gp_scope", "restart_pick", "near_scope")
}
HANDOVERS = ("first_leaf", "leaf_draw", "neighbours")  # ``handover``: see :class:`InLeaf`
SCAN = 20  # at least this many of the leaf's best samples are scanned for unevaluated neighbours
Proposal = tuple[Arch, int, int | None]  # (architecture, leaf credited, table row)


def make_inleaf(
    benchmark: Benchmark,
    rng: np.random.Generator,
    pool: Pool | None,
    pool_mode: bool,
    samples: SampleView,
    max_tries: int,
    *,
    kind: str,
    gp_until: int,
    gp_scope: str = "leaf",
    restart_pick: str = "leaf",
    **parents: Any,
) -> InLeaf | PaperDraw:
    """The in-leaf search of one LaNAS run for the in-leaf options (``kind`` is ``inleaf``;
    ``parents``: ``n_parents``, ``widen``, ``restart``, ``handover``, see :class:`InLeaf`).
    ``pool_mode``: candidates come from the pool's buckets (else from the rejection sampler)."""
    make = KINDS[kind].make
    if make is None:
        return PaperDraw()
    picker = make(benchmark, rng, samples)
    if gp_until or restart_pick == "gp":
        picker = GPFirst(gp_until, picker, samples, gp_scope, restart_pick)
    if pool_mode and pool is not None:
        source: PoolSource | RegionSource = PoolSource(benchmark, rng, pool, samples)
    else:
        source = RegionSource(benchmark, rng, pool, samples, max_tries)
    return InLeaf(picker, source, benchmark, rng, samples, **parents)


class PaperDraw:
    """``inleaf=uniform`` (the paper): no in-leaf search; LaNAS's walk draws from the leaf."""

    fallbacks = 0

    def tell(self, arch: Arch, y: float) -> None:
        pass

    def refresh(self, tree: Tree) -> None:
        pass

    def propose_from(self, leaf: int) -> Proposal | None:
        return None


class InLeaf:
    """An in-leaf search: ``picker`` choosing among ``source``'s candidates, the parents it may
    start from (``n_parents``, widened by ``widen``; after a ``restart`` only samples told since),
    and the ``handover`` when the selected leaf gives the picker no candidate."""

    def __init__(
        self,
        picker: Picker,
        source: PoolSource | RegionSource,
        benchmark: Benchmark,
        rng: np.random.Generator,
        samples: SampleView,
        *,
        n_parents: int,
        widen: int,
        restart: int,
        handover: str,
        near_scope: str = "leaf",
    ) -> None:
        self.picker, self.source, self.benchmark, self.rng, self.samples = picker, source, benchmark, rng, samples
        self.widen, self._stall, self._best = widen, 0, -np.inf
        self.restart, self._climb_stall, self._climb_best = restart, 0, -np.inf
        self._first_parent = 0  # samples before this index are no parents (``restart``)
        self.base_n_parents = self.n_parents = n_parents  # grows with ``widen``
        self.near_in_region = near_scope == "leaf"
        self.tree: Tree  # set by refresh(), after each rebuild and before any proposal
        self._routed = 0  # samples told since the rebuild and routed to their predicted leaf
        self._new_members: dict[int, list[int]] = {}  # leaf -> the indices of those routed to it
        #: leaf -> ((new members, first parent), its samples best first): kept until either changes
        self._leaf_cache: dict[int, tuple[tuple[int, int], np.ndarray]] = {}
        self.fallbacks = 0  # proposals handed over (see ``handover``)
        handovers = dict(zip(HANDOVERS, (self._first_leaf, self._leaf_draw, self._neighbours)))
        self._handover: Callable[[int], Proposal | None] = handovers[handover]

    @property
    def scan(self) -> int:
        """How many of a leaf's best samples are scanned for unevaluated neighbours."""
        return max(self.n_parents, SCAN)

    def tell(self, arch: Arch, y: float) -> None:
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
                    self.picker.restart()
        self.picker.tell(arch, y)

    def refresh(self, tree: Tree) -> None:
        """After a rebuild: the new tree, and the picker's model refitted."""
        self.tree = tree
        self._routed, self._new_members, self._leaf_cache = 0, {}, {}
        self.source.refresh(tree)
        self.picker.refresh()

    def propose_from(self, leaf: int) -> Proposal | None:
        """(architecture, leaf credited, table row) from the selected ``leaf``; when it has no
        candidate (counted in :attr:`fallbacks`), what ``handover`` says; None: the caller
        draws uniformly from the selected leaf (the paper's sampler)."""
        found = self.picker(self, leaf, True)
        out = (found[0], leaf, found[1]) if found is not None else None
        if out is None:
            self.fallbacks += 1
            out = self._handover(leaf)
        self.picker.settle(None if out is None else out[0])
        return out

    def _first_leaf(self, leaf: int) -> Proposal | None:
        """The first other leaf in breadth-first order that gives a candidate, credited to it
        (the release's rule for an empty leaf)."""
        for other in range(self.tree.n_leaves):
            found = self.picker(self, other, True) if other != leaf else None
            if found is not None:
                return found[0], other, found[1]
        return None

    def _leaf_draw(self, leaf: int) -> None:
        """The paper's uniform draw from the selected leaf (LaNAS makes it)."""

    def _neighbours(self, leaf: int) -> Proposal | None:
        """Pickers that move locally: their pick among the neighbours of the leaf's best samples
        wherever they lie, credited to the selected leaf; else (or for ``bo``) the uniform draw."""
        found = self.picker(self, leaf, False) if self.picker.moves_locally else None
        return None if found is None else (found[0], leaf, found[1])

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
