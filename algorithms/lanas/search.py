"""LaNAS: Latent Action Neural Architecture Search (Wang, Xie, Li, Fonseca, Tian; IEEE TPAMI 2022,
arXiv 1906.06832), after the authors' released NAS-Bench-101 code (LaMCTS/LaNAS). ``lanas`` is
the paper's algorithm at its best (exact fits, uniform fallback); ``lanas-release`` is the
released code in every detail but the features, precision and skipped values listed in docs/lanas-release.md
(README, "LaNAS", for both and their measured difference).

The tree lives in :mod:`algorithms.lanas.tree`, the regressors in :mod:`algorithms.lanas.regressors`,
the pool of a table in :mod:`algorithms.lanas.pool`, region sampling in :mod:`algorithms.lanas.regions`,
the samples in :mod:`algorithms.lanas.samples`, the in-leaf samplers in :mod:`algorithms.lanas.inleaf`.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ..registry import above, at_least, between, one_of, register
from .inleaf import InLeaf
from .pool import Pool
from .regions import parents, sample_in_region
from .regressors import REGRESSORS, make_regressor
from .samples import Samples, encode
from .scale import SCALES, ValueScale
from .tree import Leaf, Tree


#: allowed option values, checked before any run starts (types come from the signature)
LIMITS = {"height": between(1, 12), "cp": at_least(0), "n_init": at_least(0), "rebuild_every": at_least(1),
          "batch": at_least(1), "max_tries": at_least(1), "ridge_alpha": at_least(0), "adam_lr": above(0),
          "adam_epochs": at_least(0), "adam_refit_epochs": at_least(0), "regressor": one_of(*REGRESSORS),
          "route": one_of("actual", "predicted"), "sampler": one_of("auto", "pool", "reject"),
          "inleaf": one_of("uniform", "local", "bo", "localbo"), "split": one_of("regressor", "svm"),
          "fallback": one_of("uniform", "bfs", "skip"), "empty": one_of("zero", "good"),
          "parents": at_least(1), "widen": at_least(0), "inleaf_fallback": one_of("bfs", "uniform", "near"), "scale": one_of(*SCALES)}


#: options that take effect only when other options have these values (others are rejected, see
#: algorithms.registry.check); those that depend on the benchmark (sampler, fallback, max_tries:
#: enumerable or not) are not listed
APPLIES = {**{k: {"regressor": ("adam",)} for k in ("adam_lr", "adam_epochs", "adam_refit_epochs")},
           "ridge_alpha": {"regressor": ("ridge",)}, "parents": {"inleaf": ("local", "localbo")},
           "widen": {"inleaf": ("local", "localbo")}, "inleaf_fallback": {"inleaf": ("local", "bo", "localbo")}}


@register("lanas", limits=LIMITS, applies=APPLIES)
class LaNAS:
    """LaNAS (TPAMI, Sec. 3; the released NAS-Bench-101 code but for ``regressor`` and ``fallback``).

    A full binary tree of ``height`` levels (the release: 5, i.e. 15 regressors, 16 leaves).
    Every internal node fits a linear regressor to the encodings (``benchmark.encode``) and
    values of its samples and splits them at the mean of its predictions on them; evaluated
    samples go to the good child by their actual value (``route="actual"``, the release) and
    unevaluated candidates by their predicted value. After each rebuild, every node's ``n``
    and ``x̄`` are the count and mean of the samples routed to it. Selection descends from
    the root taking the child of larger ``x̄ + 2·Cp·sqrt(2·ln n_parent / n_child)`` (infinite
    when ``n_child = 0``; ties broken with the run's rng). A new architecture is drawn from
    the chosen leaf; its value is back-propagated along the leaf's path (running mean x̄,
    n + 1). ``n_init`` uniform samples come first; the tree is rebuilt every
    ``rebuild_every`` samples (first rebuild after the initial ones).

    Sampling. Enumerable spaces (``benchmark.all_archs()`` not None): the pool of unevaluated
    architectures is routed through the tree once per rebuild (vectorised), and a leaf's
    architecture is drawn uniformly without replacement; a leaf without candidates left falls
    back as ``fallback`` says. Other spaces: rejection sampling of candidates
    (``benchmark.sample`` and ``benchmark.mutate`` of the region's best samples) against *all*
    the path's constraints, at most ``max_tries`` candidates, falling back to the candidate
    lying deepest along the path (see :func:`algorithms.lanas.regions.sample_in_region`); its value
    is back-propagated along the leaf it lies in.

    Options (defaults = the release but ``regressor`` and ``fallback``; other departures are off):

    - ``cp``: for values in [0, 1] as in the release (0.1); values are scaled to [0, 1] by
      ``benchmark.value_range`` throughout, so tables in percent need no other Cp.
    - ``regressor``: ``"lstsq"`` (default, a departure: the exact least-squares fit, which the
      release's Adam reaches only when converged; halves the samples on NAS-Bench-201),
      ``"ridge"`` (``ridge_alpha``; an ablation), ``"adam"`` (the release: ``adam_lr``,
      ``adam_epochs`` first fit, ``adam_refit_epochs`` after, warm-started).
    - ``fallback`` (enumerable spaces) when the selected leaf has no unevaluated candidate:
      ``"uniform"`` (default, a departure): any unevaluated architecture, its value credited to
      the selected leaf (so the walk moves on); ``"bfs"`` (the release): the first leaf in
      breadth-first order with one, credited to that leaf, so the selected leaf's statistics
      never change and every later walk comes back to it (a loop that leaves seeds stuck);
      ``"skip"``: the walk never enters a subtree without candidates. Counted in :attr:`empty_leaf_fallbacks` (not for skip).
      Measured effect: README, "Findings".
    - ``empty``: how a node without samples routes candidates: ``"zero"`` (the release) by the
      sign of its current model's prediction; ``"good"`` all to its good child.
    - ``route="predicted"``: samples too are split by their predicted value, so each leaf's
      samples lie inside its region (the learned partition of Sec. 3 applied to everything);
      the release splits evaluated samples by their actual value.
    - ``batch=K``: parallel evaluation; each selection round proposes K distinct architectures
      before any of their values arrive (each proposal adds a pending visit along its path so
      the next selection sees it; x̄ of a node with only pending visits is its ancestor's). A
      round that starts before ``n_init`` proposals is wholly random; rebuilds happen between
      rounds once ``rebuild_every`` proposals have been made since the last one. Not in the
      NAS-Bench-101 release (its distributed variant is asynchronous).
    - ``sampler``: ``"auto"`` (pool when enumerable), ``"pool"``, or ``"reject"`` (the
      one-shot release's sampler, usable on enumerable spaces for the sampler ablation).
    - ``inleaf`` (beyond the paper, after LA-MCTS): how the selected leaf is searched:
      ``"uniform"`` (the paper), ``"local"`` (one-decision neighbours of the leaf's best
      samples), ``"bo"`` (Thompson sampling of a pairwise Bayesian linear model) or
      ``"localbo"`` (the model picks among those neighbours, a trust region); see
      :mod:`algorithms.lanas.inleaf`. When the selected leaf gives no candidate (an empty region,
      or no in-region neighbour left), the search runs in the first leaf in breadth-first
      order that gives one (the release's empty-leaf rule), else the uniform sampler; such
      proposals are counted in :attr:`inleaf_fallbacks`.
    - ``split`` (beyond the paper): ``"regressor"`` (the paper) or ``"svm"`` (LA-MCTS: 2-means
      on [encoding, value] and a linear SVM boundary; samples then go by the SVM's side; see
      :mod:`algorithms.lanas.svm_split`).

    - ``scale`` (beyond the paper): what the models fit: ``"value"`` (the paper: the value scaled
      to [0, 1] by ``benchmark.value_range``) or ``"rank"`` (its rank quantile among the values
      told, so the history is the same under any strictly increasing transform of the values;
      :mod:`algorithms.lanas.scale`). :attr:`rank_invariant` says which.

    Differences kept on purpose: the release skips x̄ updates for values <= 0 (its marker of
    failed training), here every value counts; a non-finite value counts as the bottom of
    ``value_range``.

    After a run: :attr:`tree`, :attr:`leaves`, :attr:`regressors` and :meth:`partition`.
    """

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, *, height: int = 5,
                 cp: float = 0.1, n_init: int = 10, rebuild_every: int = 20, regressor: str = "lstsq",
                 route: str = "actual", batch: int = 1, sampler: str = "auto", max_tries: int = 1000,
                 ridge_alpha: float = 1.0, adam_lr: float = 1e-5, adam_epochs: int = 20_000,
                 adam_refit_epochs: int = 3_000, inleaf: str = "uniform", split: str = "regressor",
                 fallback: str = "uniform", empty: str = "zero", parents: int = 20, widen: int = 0,
                 inleaf_fallback: str = "bfs", scale: str = "value") -> None:
        # option values are checked against LIMITS by the registry before a run starts
        self._scale = ValueScale(scale, benchmark.value_range)  # checks the range
        self.scale = scale
        self.benchmark, self.rng = benchmark, rng
        self.height, self.cp, self.n_init, self.rebuild_every = height, float(cp), n_init, rebuild_every
        self.regressor, self.route, self.batch, self.sampler, self.max_tries = regressor, route, batch, sampler, max_tries
        self._reg_options = dict(ridge_alpha=ridge_alpha, adam_lr=adam_lr, adam_epochs=adam_epochs,
                                 adam_refit_epochs=adam_refit_epochs)
        self.tree: Tree | None = None
        archs = benchmark.all_archs()
        if sampler == "pool" and archs is None:
            raise ValueError("sampler='pool' needs an enumerable space (all_archs() is None here)")
        #: the table's rows still unevaluated (None when the space is not enumerable)
        self.pool = None if archs is None else Pool(benchmark, rng, fallback)
        self._pool_mode = archs is not None and sampler != "reject"
        self.samples = Samples()
        self._X: np.ndarray | None = None  # encoded samples, one row each
        self._pending: dict[Arch, tuple[int | None, int, int | None]] = {}  # arch -> (leaf, generation, row)
        self._queue: deque[Arch] = deque()
        self._proposals = self._since_rebuild = self._generation = 0
        self.inleaf, self.split, self.fallback, self.empty = inleaf, split, fallback, empty
        self._inleaf = None if inleaf == "uniform" else InLeaf(inleaf, benchmark, rng, self.pool, self._pool_mode,
                                                                 self.samples.view(), max_tries, parents, widen,
                                                                 inleaf_fallback)

    @property
    def rank_invariant(self) -> bool:
        """Whether the history is the same under any strictly increasing transform of the values."""
        return self._scale.by_rank

    @property
    def inleaf_fallbacks(self) -> int:
        """Proposals the in-leaf sampler took from another leaf than the selected one."""
        return 0 if self._inleaf is None else self._inleaf.fallbacks

    @property
    def empty_leaf_fallbacks(self) -> int:
        """Selected leaves whose bucket was empty (see ``fallback``)."""
        return 0 if self.pool is None else self.pool.empty_leaf_fallbacks

    # ----- ask / tell --------------------------------------------------------------------
    def ask(self) -> Arch | None:
        if not self._queue:
            self._queue.extend(self.ask_batch(self.batch))
        return self._queue.popleft() if self._queue else None

    def ask_batch(self, n: int) -> list[Arch]:
        """One selection round: up to ``n`` distinct new architectures (fewer when the space runs out)."""
        warmup = self._proposals < self.n_init
        if not warmup and (self.tree is None or self._since_rebuild >= self.rebuild_every):
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
        if self._inleaf is not None:
            self._inleaf.tell(arch, order_key)
        leaf, generation, row = self._pending.pop(arch, (None, -1, None))
        if self.pool is not None:
            self.pool.available[self.pool.row(arch) if row is None else row] = False
        if leaf is not None and generation == self._generation:
            self.tree.backup(leaf, y)

    # ----- proposals ---------------------------------------------------------------------
    def _propose(self) -> Arch | None:
        skip = self.fallback == "skip" and self._pool_mode and self._inleaf is None
        pool = self.pool
        leaf = self.tree.select(self.cp, self.rng, pool.sizes > 0) if skip else self.tree.select(self.cp, self.rng)
        if leaf is None:
            return None
        if self._inleaf is not None:
            found = self._inleaf.propose_from(leaf)  # counts inleaf_fallbacks
            if found is not None:
                return self._accept(*found)
        if self._pool_mode:
            row = pool.draw(leaf)
            while row is None and skip:  # the bucket held only rows evaluated since the rebuild
                leaf = self.tree.select(self.cp, self.rng, pool.sizes > 0)
                if leaf is None:
                    return None
                row = pool.draw(leaf)
            if row is None:  # no candidate left in the leaf: see ``fallback``
                leaf, row = pool.fallback_row(leaf, self.tree.n_leaves)
                if row is None:
                    return None
            return self._accept(pool.arch(row), leaf, row)
        arch = sample_in_region(self.tree, leaf, self.benchmark, self.rng, self.samples.seen,
                                parents(self.tree, self.samples, leaf), self.max_tries)
        if arch is None:
            return None
        leaf = int(self.tree.route(encode(self.benchmark, [arch]))[0])
        row = None
        if pool is not None:
            row = pool.row(arch)
            pool.available[row] = False
        return self._accept(arch, leaf, row)

    def _accept(self, arch: Arch, leaf: int | None, row: int | None) -> Arch:
        if leaf is not None:
            self.tree.visit(leaf)
        self._pending[arch] = (leaf, self._generation, row)
        self.samples.seen.add(arch)
        return arch

    def _propose_random(self) -> Arch | None:
        """One of the ``n_init`` uniform proposals (without replacement)."""
        if self.pool is not None:
            row = self.pool.draw_initial()
            return None if row is None else self._accept(self.pool.arch(row), None, row)
        for _ in range(self.max_tries):
            arch = self.benchmark.sample(self.rng)
            if arch not in self.samples.seen:
                return self._accept(arch, None, None)
        return None

    # ----- the tree ----------------------------------------------------------------------
    def _samples_X(self) -> np.ndarray:
        if self._X is None:
            self._X = encode(self.benchmark, np.zeros((0, len(self.benchmark.choices)), dtype=np.int64))
        new = self.samples.archs[len(self._X):]
        if new:
            self._X = np.concatenate([self._X, encode(self.benchmark, new)])
        return self._X

    def _rebuild(self) -> None:
        X = self._samples_X()
        if self.tree is None:
            regs = [make_regressor(self.regressor, X.shape[1], self.rng, **self._reg_options)
                    for _ in range(2 ** (self.height - 1) - 1)]
            self.tree = Tree(self.height, regs)
            if self.split == "svm":
                from .svm_split import SvmSplit
                self.tree.splitter = SvmSplit(self.rng)
        self.tree.rebuild(X, self._scale.fitted(self.samples.values, self.samples.y), self.route, self.empty)
        self._generation += 1
        self._since_rebuild = 0
        if self._inleaf is not None:
            self._inleaf.refresh(self.tree)
        if self._pool_mode:
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
        return self.tree.leaves(self.samples.archs, np.asarray(self.samples.values, dtype=float),
                                self._scale.unscale)

    def partition(self) -> np.ndarray:
        """Leaf index (0 = all-good path, breadth-first numbering) of every row of
        ``benchmark.all_archs()``, every architecture routed by the regressors' predictions
        (the regions the tree learned at its last rebuild); all 0 before the first rebuild."""
        if self.pool is None:
            raise ValueError(f"{self.benchmark.name} is not enumerable: partition() needs all_archs()")
        if self.tree is None:
            return np.zeros(len(self.pool.archs), dtype=np.int64)
        return self.tree.route(self.pool.encodings())
