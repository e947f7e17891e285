"""BANANAS: White, Neiswanger, Savani, "BANANAS: Bayesian Optimization with Neural Architectures
for Neural Architecture Search", AAAI 2021 (arXiv 1910.11858), Algorithm 1, with the settings of
its released code (naszilla/bananas: ``bananas(...)``, ``MetaNeuralnet.fit``, ``get_candidates``)."""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._mlp_ensemble import MLPEnsemble
from ._pending import Pending
from .registry import at_least, one_of, register, register_variant

#: NAS-Bench-201 cell (benchmarks._cell): the edges, as decision indices, of each input-to-output
#: path: 0->3, 0->1->3, 0->2->3, 0->1->2->3
CELL_PATHS = ((3,), (0, 4), (1, 5), (0, 2, 5))
CELL_OPS = 4  # operations other than "none" (value 0), which cuts a path
CELL_FAMILIES = ("nb201", "anb201", "nats-tss", "trained")
PATIENCE = 5  # the release's patience_factor: parents are taken from the 5 x ``parents`` best
#: the release's NAS-Bench-201 operation order (naszilla ``nas_bench_201/cell_201.py``, ``OPS``), as
#: indices of the harness's (benchmarks._cell.OPS: none, skip, conv1x1, conv3x3, avg_pool)
RELEASE_OPS = np.array([3, 4, 1, 2, 0])  # harness value -> release index
TRUNC_PATHS = 30  # the release's ``encode_freq_paths`` cutoff on NAS-Bench-201 (``cutoff=0`` -> 30)


def is_cell_space(benchmark: Benchmark) -> bool:
    """Whether ``benchmark`` searches the NAS-Bench-201 cell (6 edges x 5 operations, "none" = 0)."""
    return tuple(benchmark.choices) == (5,) * 6 and benchmark.name.split("/")[0] in CELL_FAMILIES


def path_encoding(archs: np.ndarray) -> np.ndarray:
    """BANANAS's path encoding of NAS-Bench-201 cells (paper, Sec. 4): one feature per sequence
    of operations from input to output (4 + 4² + 4³ = 84), 1 where the cell has such a path;
    a path through a "none" edge does not exist."""
    a = np.asarray(archs, dtype=np.int64).reshape(-1, 6)
    out = np.zeros((len(a), CELL_OPS + CELL_OPS**2 + CELL_OPS**3), dtype=float)
    rows = np.arange(len(a))
    for path in CELL_PATHS:
        ops = a[:, list(path)] - 1  # 0..3, -1 for "none"
        offset = sum(CELL_OPS**j for j in range(1, len(path)))  # shorter paths come first
        index = offset + sum(ops[:, j] * CELL_OPS ** (len(path) - 1 - j) for j in range(len(path)))
        exists = (ops >= 0).all(axis=1)
        out[rows[exists], index[exists]] = 1.0
    return out


def trunc_path_encoding(archs: np.ndarray) -> np.ndarray:
    """The release's NAS-Bench-201 encoding (naszilla ``Cell201.encode_freq_paths`` with
    ``cutoff=30``, from ``get_path_indices``): the first 30 of its 155 path features, i.e. the
    operation of the one-edge path (5) and the operation pairs of the two two-edge paths, which
    share one block of 25; "none" counts as an operation and the three-edge path is cut off."""
    a = RELEASE_OPS[np.asarray(archs, dtype=np.int64).reshape(-1, 6)]
    out = np.zeros((len(a), TRUNC_PATHS), dtype=float)
    rows = np.arange(len(a))
    out[rows, a[:, 3]] = 1.0
    for first, second in ((0, 4), (1, 5)):
        out[rows, 5 + a[:, first] + 5 * a[:, second]] = 1.0
    return out


@register(
    "bananas",
    limits={
        "n_init": at_least(1),
        "k": at_least(1),
        "candidates": at_least(1),
        "parents": at_least(1),
        "members": at_least(1),
        "layers": at_least(1),
        "width": at_least(1),
        "epochs": at_least(1),
        "batch_size": at_least(1),
        "lr": at_least(0),
        "encoding": one_of("path", "trunc_path"),
        "mutation": one_of("one", "per_decision"),
        "target": one_of("standardized", "loss"),
    },
)
class Bananas:
    """BANANAS (White et al., AAAI 2021, Algorithm 1; defaults = the paper's and its release's).

    ``n_init=10`` uniformly random architectures; then rounds of ``k=10`` proposals: an ensemble
    of ``members=5`` neural predictors (``layers=10`` hidden ReLU layers of ``width=20``, mean
    absolute error, Adam ``lr=0.01``, ``epochs=200``, ``batch_size=32``), trained from scratch on
    every told architecture, scores ``candidates=100`` candidates made by mutating the
    ``parents=10`` best architectures so far (``candidates // parents`` mutations each,
    ``benchmark.mutate``; further down the ranking when these give too few new ones), and the ``k`` candidates with the largest independent Thompson
    samples (ITS: one draw per candidate from N(ensemble mean, ensemble standard deviation))
    are proposed. Features: the path encoding (:func:`path_encoding`) on the NAS-Bench-201
    cell, the benchmark's one-hot encoding elsewhere (the paper uses the path encoding on
    NAS-Bench-101 too; the harness's NB101 space has no path encoder).

    Departures of these defaults from the release (``bananas-release`` below removes them): values
    (maximised) are standardised (mean 0, sd 1) before the fit, so one learning rate serves
    tables in percent and in [0, 1]; a mutation changes exactly one decision; 10 parents, 200
    epochs; the full path encoding with "none" cutting a path. Both: candidates already
    evaluated or pending are dropped, and when fewer than ``k`` are left the round is filled
    with uniformly random unseen architectures. A non-finite value is trained on as the
    smallest value told.

    ``bananas-release`` (``encoding=trunc_path,epochs=150,mutation=per_decision,parents=1,
    target=loss``) is naszilla/naszilla ``naszilla/nas_algorithms.py`` ``bananas`` with its defaults
    (``num_arches_to_mutate=1``, ``acq_opt_type='mutation'``, ``explore_type='its'``,
    ``predictor_encoding='trunc_path'``, ``cutoff=0``, ``mutate_encoding='adj'``), ``params.py``
    ``meta_neuralnet_params('standard')`` (5 networks, 10 layers of 20, mae, 150 epochs, batch 32,
    lr 0.01), ``nas_benchmarks.py`` ``get_candidates`` (the ``num_arches_to_mutate x
    patience_factor`` = 5 best, 100 mutations of each until 100 candidates; repeats of evaluated
    architectures and of candidates dropped by ``get_hash``, the cell's string on NAS-Bench-201,
    so no isomorphism test there) and ``nas_bench_201/cell_201.py`` (``mutate``: each operation
    changed with probability ``1 / (OP_SPOTS - 2)`` = 1/4 to another one; ``encode_freq_paths``:
    :func:`trunc_path_encoding`). ``target=loss`` fits the release's ``val_loss``, 100 minus the
    accuracy in percent (``100 (hi - v) / (hi - lo)`` with ``benchmark.value_range``). Remaining
    departures: the networks are numpy, not Keras (same initialisation, loss, Adam settings and
    per-epoch shuffle); random initial architectures are drawn without replacement (the release
    draws uniformly and drops repeats: the same distribution); a round short of ``k`` candidates
    is filled at random (the release proposes fewer); outside the NAS-Bench-201 cell the
    one-hot encoding and, for ``per_decision``, invalid children are dropped.

    Parallel proposals (``--parallel K``): a round is made on the values told so far (pending
    architectures are never proposed again); proposals are random until ``n_init`` have been made
    and at least 2 values told; tells may come in any order.
    """

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        n_init: int = 10,
        k: int = 10,
        candidates: int = 100,
        parents: int = 10,
        members: int = 5,
        layers: int = 10,
        width: int = 20,
        epochs: int = 200,
        batch_size: int = 32,
        lr: float = 0.01,
        encoding: str = "path",
        mutation: str = "one",
        target: str = "standardized",
    ) -> None:
        if min(n_init, k, candidates, parents, members, layers, width, epochs, batch_size) < 1 or lr < 0:
            raise ValueError("counts must be >= 1 and lr >= 0")
        self.benchmark, self.rng = benchmark, rng
        self.n_init, self.k, self.candidates, self.parents = n_init, k, candidates, parents
        self.members, self.layers, self.width = members, layers, width
        self.epochs, self.batch_size, self.lr = epochs, batch_size, lr
        self.encoding, self.mutation, self.target = encoding, mutation, target
        self.features = encoding if is_cell_space(benchmark) else "one-hot"
        self.archs: list[Arch] = []  # told, in tell order
        self.values: list[float] = []
        self.seen: set[Arch] = set()  # told or pending
        self.rounds = 0  # model-based rounds made
        self.filled = 0  # proposals of those rounds drawn at random for want of candidates
        self._pending = Pending()
        self._queue: deque[Arch | None] = deque()  # None: the space is used up
        self._asked = 0
        self._fresh = benchmark.unseen(rng, self.seen)

    def ask(self) -> Arch | None:
        if not self._queue:
            if self._asked < self.n_init or len(self.values) < 2:
                self._queue.append(next(self._fresh))
            else:
                self._queue.extend(self._round())
        arch = self._queue.popleft() if self._queue else None
        if arch is not None:
            self._asked += 1
            self._propose(arch)
        return arch

    def _propose(self, arch: Arch) -> None:
        self.seen.add(arch)
        self._pending.add(arch)

    def tell(self, arch: Arch, result: Result) -> None:
        arch, asked = self._pending.settle(arch, self.seen)
        if not asked:  # a warm start (algorithms/_warmup.py): one of the n_init initial samples
            self.seen.add(arch)
            self._asked += 1
        self.archs.append(arch)
        self.values.append(float(result.valid))

    def encode(self, archs) -> np.ndarray:
        if self.features == "path":
            return path_encoding(np.asarray(archs))
        if self.features == "trunc_path":
            return trunc_path_encoding(np.asarray(archs))
        return np.asarray(self.benchmark.encode(archs), dtype=float)

    def _round(self) -> list[Arch]:
        """One model-based round: up to ``k`` new architectures (fewer when the space runs out)."""
        self.rounds += 1
        y = np.asarray(self.values, dtype=float)
        finite = np.isfinite(y)
        y = np.where(finite, y, y[finite].min() if finite.any() else 0.0)
        cands = self._candidates(y)
        out: list[Arch] = []
        if cands:
            if self.target == "loss":  # the release's val_loss, minimised: fit its negative
                lo, hi = self.benchmark.value_range
                y = -100.0 * (hi - y) / (hi - lo)
            else:
                y = (y - y.mean()) / (y.std() or 1.0)
            X = self.encode(self.archs)
            net = MLPEnsemble(X.shape[1], self.rng, members=self.members, layers=self.layers, width=self.width)
            net.fit(X, y, self.rng, epochs=self.epochs, batch=self.batch_size, lr=self.lr)
            pred = net.predict(self.encode(cands))
            its = self.rng.normal(pred.mean(axis=0), pred.std(axis=0))  # independent Thompson sampling
            out = [cands[i] for i in np.argsort(-its, kind="stable")[: self.k]]
        while len(out) < self.k:
            arch = next(self._fresh)
            if arch is None:
                break
            if arch not in out:
                out.append(arch)
                self.filled += 1
        return out

    def _candidates(self, y: np.ndarray) -> list[Arch]:
        """Up to ``candidates`` mutations, neither seen nor repeated, of the best told architectures:
        ``candidates // parents`` each, going down the ranking (at most ``PATIENCE x parents`` deep,
        as the release) until there are enough; so the neighbourhoods of the very best, used up
        late in a run, do not leave the round without candidates."""
        per = max(1, self.candidates // self.parents)
        found: dict[Arch, None] = {}
        for i in np.argsort(-y, kind="stable")[: PATIENCE * self.parents]:
            if len(found) >= self.candidates:
                break
            for _ in range(per):
                child = self._mutate(self.archs[i])
                if child is not None and child not in self.seen:
                    found[child] = None
        return list(found)

    def _mutate(self, arch: Arch) -> Arch | None:
        """A child of ``arch``: one decision changed (``mutation=one``), or each decision changed
        with probability 1 / (decisions - 2) to another value (``per_decision``, the release's
        ``mutate``; the child may equal its parent, and is then dropped as seen)."""
        if self.mutation == "one":
            return self.benchmark.mutate(arch, self.rng)
        choices = self.benchmark.choices
        flip = self.rng.random(len(choices)) < 1.0 / max(len(choices) - 2, 1)
        shift = [int(self.rng.integers(1, c)) if c > 1 else 0 for c in choices]  # to another value
        child = tuple(int((a + s) % c) if f else int(a) for a, s, c, f in zip(arch, shift, choices, flip))
        return child if self.benchmark.is_valid(child) else None


register_variant(
    "bananas-release", "bananas:encoding=trunc_path,epochs=150,mutation=per_decision,parents=1,target=loss"
)
