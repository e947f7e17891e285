"""LaNAS: Latent Action Neural Architecture Search (Wang, Xie, Li, Fonseca, Tian; IEEE TPAMI 2022,
arXiv 1906.06832), after the authors' released NAS-Bench-101 code (LaMCTS/LaNAS). ``lanas`` is
the paper's algorithm at its best (exact fits, any unevaluated row for an empty leaf);
``lanas-release`` is the released code in every detail but those listed in docs/lanas-release.md.

The options, grouped and documented once, are in :mod:`algorithms.lanas.options`; the tree in
:mod:`.tree`, its node models in :mod:`.regressors`, the pool of a table in :mod:`.pool` and what an
empty leaf does in :mod:`.empty_leaf`, region sampling in :mod:`.regions`, the samples in
:mod:`.samples`, the in-leaf searches in :mod:`.inleaf`.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ..registry import register
from . import options as options_module
from .empty_leaf import make_empty_leaf
from .inleaf import make_inleaf
from .options import (
    APPLIES,
    LIMITS,
    SPLITS,
    InLeafOptions,
    RegressorOptions,
    RunOptions,
    SamplingOptions,
    TreeOptions,
    renamed,
)
from .pool import Pool
from .regions import region_parents, sample_in_region
from .regressors import make_regressor
from .samples import Samples, encode
from .scale import ValueScale
from .tree import Leaf, Tree


@register("lanas", limits=LIMITS, applies=APPLIES, renamed=renamed)
class LaNAS:
    """LaNAS (TPAMI, Sec. 3; the released NAS-Bench-101 code but for ``regressor`` and ``empty_leaf``).

    A full binary tree of ``height`` levels. Every internal node fits a linear regressor to the
    encodings (``benchmark.encode``) and values of its samples and splits them at the mean of its
    predictions on them. Selection descends from the root taking the child of larger
    ``x̄ + 2·Cp·sqrt(2·ln n_parent / n_child)`` (infinite when ``n_child = 0``; ties broken with
    the run's rng); a new architecture is drawn from the chosen leaf (from the pool of unevaluated
    rows on an enumerable space, else by rejection sampling against the path's constraints) and
    its value is back-propagated along the leaf's path. ``n_init`` uniform samples come first.

    Options, grouped as :mod:`algorithms.lanas.options` documents them (old spellings such as
    ``fallback=bfs`` are accepted in specs, see ``RENAMED`` there):

    - the tree (:class:`~.options.TreeOptions`): ``height``, ``cp``, ``rebuild_every``, ``route``,
      ``split``, ``unsampled_node``;
    - the node models (:class:`~.options.RegressorOptions`): ``regressor``, ``ridge_alpha``,
      ``adam_lr``, ``adam_epochs``, ``adam_refit_epochs``;
    - the run (:class:`~.options.RunOptions`): ``n_init`` (uniform samples first), ``batch`` (K
      proposals per selection round, each adding a pending visit along its path; not in the
      release) and ``scale`` (``"value"``, the paper, or ``"rank"``: models fit rank quantiles);
    - the in-leaf search (:class:`~.options.InLeafOptions`): ``inleaf``, ``n_parents``, ``widen``,
      ``restart``, ``handover``, ``gp_until``, ``gp_scope``, ``restart_pick``, ``near_scope``;
    - sampling (:class:`~.options.SamplingOptions`): ``sampler``, ``max_tries``, ``empty_leaf``.

    The signature is derived from these groups (:func:`.options.signature`): a new option is a
    field of one group, with its default and its comment there.

    Kept on purpose: the release skips x̄ updates for values <= 0; here every value counts, and a
    non-finite value counts as the bottom of ``value_range``.

    After a run: :attr:`tree`, :attr:`leaves`, :attr:`regressors` and :meth:`partition`.
    """

    __signature__ = options_module.signature()  # what the registry, --list and help() read

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, **options: Any) -> None:
        # the signature (LaNAS.__signature__) comes from the option groups; values are checked
        # against LIMITS by the registry before a run starts
        groups = options_module.build(options)
        self.run_options: RunOptions = groups["run_options"]
        self.tree_options: TreeOptions = groups["tree_options"]
        self.regressor_options: RegressorOptions = groups["regressor_options"]
        self.inleaf_options: InLeafOptions = groups["inleaf_options"]
        self.sampling_options: SamplingOptions = groups["sampling_options"]
        n_init, batch, scale = self.run_options.n_init, self.run_options.batch, self.run_options.scale
        sampler, max_tries = self.sampling_options.sampler, self.sampling_options.max_tries
        self._scale = ValueScale(scale, benchmark.value_range)  # checks the range
        self.benchmark, self.rng, self.n_init, self.batch, self.scale = benchmark, rng, n_init, batch, scale
        self.tree: Tree | None = None
        archs = benchmark.all_archs()
        if sampler == "pool" and archs is None:
            raise ValueError("sampler='pool' needs an enumerable space (all_archs() is None here)")
        #: the table's rows still unevaluated (None when the space is not enumerable)
        self.pool = None if archs is None else Pool(benchmark, rng)
        self._pool_mode = archs is not None and sampler != "reject"
        self.samples = Samples()
        self._encodings: np.ndarray | None = None  # the samples' encodings, one row each
        self._pending: dict[Arch, tuple[int | None, int, int | None]] = {}  # arch -> (leaf, generation, row)
        self._queue: deque[Arch] = deque()
        self._proposals = self._since_rebuild = self._generation = 0
        # the strategies, chosen once
        make_split = SPLITS[self.tree_options.split]
        self._splitter = None if make_split is None else make_split(rng)
        self._inleaf = make_inleaf(
            benchmark, rng, self.pool, self._pool_mode, self.samples.view(), max_tries, **self.inleaf_options._asdict()
        )
        paper_draw = self.inleaf_options.kind == "uniform"
        self._empty_leaf = make_empty_leaf(self.sampling_options.empty_leaf, rng, self._pool_mode and paper_draw)

    @property
    def rank_invariant(self) -> bool:
        """Whether the history is the same under any strictly increasing transform of the values."""
        return self._scale.by_rank

    @property
    def inleaf_fallbacks(self) -> int:
        """Proposals the in-leaf sampler took from another leaf than the selected one."""
        return self._inleaf.fallbacks

    @property
    def empty_leaf_fallbacks(self) -> int:
        """Selected leaves whose bucket was empty (see ``empty_leaf``)."""
        return self._empty_leaf.count

    # ----- ask / tell --------------------------------------------------------------------
    def ask(self) -> Arch | None:
        if not self._queue:
            self._queue.extend(self.ask_batch(self.batch))
        return self._queue.popleft() if self._queue else None

    def ask_batch(self, n: int) -> list[Arch]:
        """One selection round: up to ``n`` distinct new architectures (fewer when the space runs out)."""
        warmup = self._proposals < self.n_init
        if not warmup and (self.tree is None or self._since_rebuild >= self.tree_options.rebuild_every):
            self._rebuild()
        out: list[Arch] = []
        for _ in range(n):
            arch = self._propose_random() if warmup else self._propose()
            if arch is None:
                break
            out.append(arch)
            self._proposals += 1
            self._since_rebuild += 1
        return out

    def tell(self, arch: Arch, result: Result) -> None:
        arch = tuple(int(a) for a in arch)
        if arch in self.samples.told:
            return
        value = self._scale.clean(result.valid)
        y = self._scale.add(value)  # what the walk backs up; the tree's fits: :meth:`_rebuild`
        # the in-leaf searches use samples.y and what they are told only to order samples
        order_key = value if self._scale.by_rank else y
        self.samples.add(arch, value, order_key)
        self._inleaf.tell(arch, order_key)
        leaf, generation, row = self._pending.pop(arch, (None, -1, None))
        if self.pool is not None:
            self.pool.available[self.pool.row(arch) if row is None else row] = False
        if leaf is not None and generation == self._generation and self.tree is not None:
            self.tree.backup(leaf, y)

    # ----- proposals ---------------------------------------------------------------------
    def _propose(self) -> Arch | None:
        tree, cp, pool = self.tree, self.tree_options.cp, self.pool
        assert tree is not None, "the tree is built before the first proposal after the random ones"
        leaf = self._empty_leaf.select(tree, cp, self.pool)
        if leaf is None:
            return None
        found = self._inleaf.propose_from(leaf)  # None with inleaf=uniform; counts inleaf_fallbacks
        if found is not None:
            return self._accept(*found)
        if self._pool_mode and pool is not None:
            leaf, row = self._empty_leaf.draw(tree, cp, pool, leaf)  # counts empty_leaf_fallbacks
            return None if row is None else self._accept(pool.arch(row), leaf, row)
        arch = sample_in_region(
            tree,
            leaf,
            self.benchmark,
            self.rng,
            self.samples.seen,
            region_parents(tree, self.samples, leaf),
            self.sampling_options.max_tries,
        )
        if arch is None:
            return None
        leaf = int(tree.route(encode(self.benchmark, [arch]))[0])
        row = None
        if pool is not None:  # an enumerable space searched with ``sampler=reject``
            row = pool.row(arch)
            pool.available[row] = False
        return self._accept(arch, leaf, row)

    def _accept(self, arch: Arch, leaf: int | None, row: int | None) -> Arch:
        if leaf is not None and self.tree is not None:  # a leaf only once the tree is built
            self.tree.visit(leaf)
        self._pending[arch] = (leaf, self._generation, row)
        self.samples.seen.add(arch)
        return arch

    def _propose_random(self) -> Arch | None:
        """One of the ``n_init`` uniform proposals (without replacement)."""
        if self.pool is not None:
            row = self.pool.draw_initial()
            return None if row is None else self._accept(self.pool.arch(row), None, row)
        for _ in range(self.sampling_options.max_tries):
            arch = self.benchmark.sample(self.rng)
            if arch not in self.samples.seen:
                return self._accept(arch, None, None)
        return None

    # ----- the tree ----------------------------------------------------------------------
    def _sample_encodings(self) -> np.ndarray:
        """The encodings of every sample told, in tell order (those told since the last call added)."""
        if self._encodings is None:
            self._encodings = encode(self.benchmark, np.zeros((0, len(self.benchmark.choices)), dtype=np.int64))
        new = self.samples.archs[len(self._encodings) :]
        if new:
            self._encodings = np.concatenate([self._encodings, encode(self.benchmark, new)])
        return self._encodings

    def _rebuild(self) -> None:
        X = self._sample_encodings()
        opts = self.tree_options
        if self.tree is None:
            settings = self.regressor_options._asdict()
            kind = settings.pop("kind")
            regs = [make_regressor(kind, X.shape[1], self.rng, **settings) for _ in range(2 ** (opts.height - 1) - 1)]
            self.tree = Tree(opts.height, regs, self._splitter)
        self.tree.rebuild(X, self._scale.fitted(self.samples.values, self.samples.y), opts.route, opts.unsampled_node)
        self._generation += 1
        self._since_rebuild = 0
        self._inleaf.refresh(self.tree)
        if self._pool_mode and self.pool is not None:
            self.pool.fill(self.tree)

    # ----- inspection --------------------------------------------------------------------
    @property
    def regressors(self) -> list:
        """The internal nodes' fitted regressors in heap order (fit on values scaled to [0, 1])."""
        return [] if self.tree is None else list(self.tree.regressors)

    @property
    def leaves(self) -> list[Leaf]:
        """Every leaf of the tree as of the last rebuild, in index order (leaf 0: all-good path)."""
        if self.tree is None:
            return []
        return self.tree.leaves(self.samples.archs, np.asarray(self.samples.values, dtype=float), self._scale.unscale)

    def partition(self) -> np.ndarray:
        """Leaf index (0 = all-good path, breadth-first numbering) of every row of
        ``benchmark.all_archs()``, every architecture routed by the regressors' predictions
        (the regions the tree learned at its last rebuild); all 0 before the first rebuild."""
        if self.pool is None:
            raise ValueError(f"{self.benchmark.name} is not enumerable: partition() needs all_archs()")
        if self.tree is None:
            return np.zeros(len(self.pool.archs), dtype=np.int64)
        return self.tree.route(self.pool.encodings())
