"""Local search: White, Nolen, Savani, "Local Search is State of the Art for Neural Architecture
Search Benchmarks" (arXiv 2005.02960, 2020), Algorithm 1, as in its released code.

Two variants of the release's ``local_search`` (realityengines/local_search ``nas_algorithms.py``
and its successor naszilla/naszilla ``naszilla/nas_algorithms.py``, function ``local_search``):

- ``local-search`` (the default): ``query_full_nbhd=False, stop_at_minimum=True, num_init=10``
  (naszilla's defaults), first improvement: the neighbourhood is walked until a better
  neighbour turns up;
- ``local-search-release`` (``local-search:full_nbhd=true,n_init=1``): the paper's setting, from
  the release's first commit (realityengines/local_search 43f383c ``params.py``,
  ``algo_params('local_search')``: ``query_full_nbhd=True, stop_at_minimum=True, num_init=1``,
  ``total_queries=500``): the whole neighbourhood is evaluated before the climb moves to its
  best. The release's later ``params.py`` passes only ``total_queries``, so the function's
  defaults apply there: ``query_full_nbhd=True`` with ``num_init=10``
  (``local-search:full_nbhd=true``; docs/peers.md measures both).

The default stays first improvement so that earlier results keep their histories.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._pending import Pending
from .registry import at_least, register, register_variant


@register("local-search", limits={"n_init": at_least(1)})
class LocalSearch:
    """Hill climbing on one-decision neighbours, restarted at local optima.

    A climb starts from the best of ``n_init`` uniformly random architectures (the release's
    ``num_init=10``). The current architecture's neighbours (``benchmark.neighbours``: every
    architecture one decision away) are evaluated in a random order (the release shuffles
    ``get_neighborhood``), skipping those already evaluated (the release's ``query_dict``).
    First improvement (``full_nbhd=False``): the first neighbour strictly better than the current
    architecture becomes the current one. Full neighbourhood (``full_nbhd=True``, the release's
    ``query_full_nbhd=True``): every unevaluated neighbour is evaluated, then the best of them
    (the first told of equal values) becomes the current one if it is strictly better. When a
    neighbourhood holds no improvement, the climb has reached a local optimum and a new climb
    starts from the best of ``n_init`` new random architectures (``stop_at_minimum=True``: the
    release restarts the whole procedure, random initial set included).

    Departures from the release, both variants: neighbours come from ``benchmark.neighbours``
    and random architectures from ``benchmark.unseen`` (uniform over the unevaluated ones; the
    release draws uniformly and skips repeats, the same distribution); values are maximised
    (the release minimises ``100 - accuracy``, the same order). On NAS-Bench-201 the release's
    ``val_loss`` with ``deterministic=True`` is 100 minus the validation accuracy averaged over
    the training seeds, the value the harness's ``nb201`` tables answer.

    Only comparisons of values are used, so any strictly increasing transform of the values
    leaves the history unchanged (:attr:`rank_invariant`; tested in tests/algorithms/test_rank_invariance.py).

    Several proposals may be outstanding (``--parallel K``): proposals are the next untried
    neighbours of the current architecture; an initial set is complete once all its members are
    told (until then further random architectures join it). First improvement: any told
    neighbour better than the current architecture, in order of arrival, becomes the current one,
    and a neighbourhood used up while some of it is pending starts the next climb's random set.
    Full neighbourhood: while the last neighbours are pending, further proposals are random
    architectures that join the next climb's initial set; the move is decided once all are told.
    With one proposal at a time both are the sequential algorithm above. A ``tell`` of an
    architecture told before raises.

    A result it did not ask for (a zero-cost warm-up's cell, :mod:`algorithms._warmup`) joins the
    initial set in place of a random member while no climb runs (the climb then starts, at the next
    ``ask``, from the best of the whole set, however many were told); during a climb it is a move
    if it improves on the current architecture (first improvement).
    """

    rank_invariant = True

    def __init__(
        self, benchmark: Benchmark, rng: np.random.Generator, *, n_init: int = 10, full_nbhd: bool = False
    ) -> None:
        if n_init < 1:
            raise ValueError("n_init must be >= 1")
        self.benchmark = benchmark
        self.rng = rng
        self.n_init = n_init
        self.full_nbhd = full_nbhd
        self.seen: set[Arch] = set()  # told or pending
        self.told = 0
        self.restarts = 0  # climbs started after the first
        self.current: tuple[Arch, float] | None = None
        self._queue: deque[Arch] = deque()  # untried neighbours of the current architecture
        self._init_left = n_init  # random proposals still to make for the current initial set
        self._init: set[Arch] = set()  # the current initial set (told or pending)
        self._init_told: list[tuple[float, Arch]] = []
        self._step: list[tuple[float, Arch]] = []  # full_nbhd: neighbours told in this step
        self._step_pending: set[Arch] = set()  # full_nbhd: neighbours of this step still pending
        self._pending = Pending()
        self._fresh = benchmark.unseen(rng, self.seen)

    def ask(self) -> Arch | None:
        self._start_if_ready()  # an initial set completed by results it did not ask for
        while self.current is not None:
            while self._queue:
                nearby = self._queue.popleft()
                if nearby not in self.seen:
                    if self.full_nbhd:
                        self._step_pending.add(nearby)
                    return self._propose(nearby)
            if not self.full_nbhd:
                self._restart()  # local optimum (sequential) or neighbourhood used up while pending
            elif self._step_pending:
                break  # waiting for the last neighbours: a random architecture for the next climb
            else:
                self._decide()
        arch = next(self._fresh)
        if arch is None:
            return None
        self._init_left = max(self._init_left - 1, 0)
        self._init.add(arch)
        return self._propose(arch)

    def tell(self, arch: Arch, result: Result) -> None:
        arch, asked = self._pending.settle(arch, self.seen)
        self.told += 1
        value = float(result.valid)
        if value != value:  # NaN: never an improvement
            value = -np.inf
        if not asked:
            self._given(arch, value)
        elif arch in self._step_pending:
            self._step_pending.discard(arch)
            self._step.append((value, arch))
        elif arch in self._init:
            self._init_told.append((value, arch))
            self._start_if_ready()
        elif not self.full_nbhd and self.current is not None and value > self.current[1]:
            self._move(arch, value)

    def _given(self, arch: Arch, value: float) -> None:
        """A result it did not ask for (a warm start; class doc)."""
        self.seen.add(arch)
        if self.current is None:
            self._init.add(arch)
            self._init_told.append((value, arch))
            self._init_left = max(self._init_left - 1, 0)
        elif not self.full_nbhd and value > self.current[1]:
            self._move(arch, value)

    def _propose(self, arch: Arch) -> Arch:
        self.seen.add(arch)
        self._pending.add(arch)
        return arch

    def _start_if_ready(self) -> None:
        """Start the climb from the initial set's best once the set is complete and told."""
        if self.current is None and self._init_left == 0 and len(self._init_told) == len(self._init):
            best = max(self._init_told, key=lambda t: t[0])  # first of equal values wins
            if self.full_nbhd:
                self._init, self._init_told = set(), []  # later random proposals start the next set
            self._move(best[1], best[0])

    def _decide(self) -> None:
        """Full neighbourhood told: move to its best if that improves, else restart."""
        assert self.current is not None
        best = max(self._step, key=lambda t: t[0]) if self._step else None
        if best is not None and best[0] > self.current[1]:
            self._move(best[1], best[0])
        else:
            self._restart()

    def _move(self, arch: Arch, value: float) -> None:
        self.current = (arch, value)
        self._step = []
        nbrs = self.benchmark.neighbours(arch)
        self._queue = deque(nbrs[i] for i in self.rng.permutation(len(nbrs)))

    def _restart(self) -> None:
        self.restarts += 1
        self.current = None
        self._queue.clear()
        if self.full_nbhd:  # random architectures proposed while waiting already belong to this set
            self._init_left = max(self.n_init - len(self._init), 0)
            self._start_if_ready()
        else:
            self._init, self._init_told, self._init_left = set(), [], self.n_init


register_variant("local-search-release", "local-search:full_nbhd=true,n_init=1")
