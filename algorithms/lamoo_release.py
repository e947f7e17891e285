"""``lamoo-release``: LaMOO (Zhao, Wang, Yang, Zhang, Guo, Tian, "Multi-objective Optimization by
Learning Space Partitions", ICLR 2022) as its NAS-Bench-201 release runs it (``aoiang/LaMOO``,
``nasbench/MCTS.py``, defaults of its ``__main__``): the continuous encoding of a cell
(:mod:`._lamoo_release.encoding`), the tree rebuilt from every sample before each batch, split round
by round until it has more than 50 nodes (:mod:`._lamoo_release.tree`), the leaf of highest UCB
(``--node_select leaf``, ``--cp 6``), ``batch=5`` points from it by qEHVI (``--sample_method
bayesian``; :mod:`._lamoo_release.leaf`), after ``n_init=10`` initial points.

Objectives are values to maximise, each standardised and shifted as the release's data file
(``nasbench201.py``: accuracy ``z - 2``, FLOPs ``-(z + 2)``), against its reference point
(-3, -6) (-6 for every objective after the second). Sample counting: each proposed point is the cell
it rounds to, proposed as it is; a cell already evaluated is answered by the runner from its cache
and told again, and the point joins the samples as in the release (which counts it as a sample: the
runner counts it as a proposal, not a sample, so the release's count is the run's ``proposal``
column). Needs torch and BoTorch (requirements-torch.txt).

Differences from the release, each because the harness requires it or the release cannot be run
as it is (docs/multiobjective.md):
- standardisation over the samples so far (the release standardises with the whole table's
  statistics, a file it does not publish), so values move as samples arrive;
- the 10 initial points are a Latin hypercube from the run's rng (the release reads 10 such points
  per run from its data file, runs 0-9);
- random draws from the run's rng (the release: numpy's and torch's global generators, unseeded);
- BoTorch 0.18 instead of the release's patched copy of an early BoTorch; each of the 5 points
  starts from 20 points drawn among the leaf's (also while the tree is only a root, where the
  release draws 1,024 Sobol points in the box and picks starts by acquisition value);
- a point that stands for no architecture (other tables' invalid encodings) is replaced by a
  uniform draw of an unevaluated one (the release's table has none).
"""

from __future__ import annotations

from collections import defaultdict, deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._botorch import botorch_unavailable, fit_gp, maximised, seeded_torch
from ._lamoo_release.encoding import Encoding, latin_hypercube
from ._lamoo_release.leaf import propose
from ._lamoo_release.tree import build, select_leaf
from .registry import at_least, register

#: the release's reference point (``Nasbench201.ref_point``); objectives after the second: -6
REFERENCE = (-3.0, -6.0)


@register(
    "lamoo-release",
    unavailable=botorch_unavailable,
    limits={
        "cp": at_least(0),
        "n_init": at_least(1),
        "batch": at_least(1),
        "max_nodes": at_least(1),
        "restarts": at_least(1),
        "maxiter": at_least(1),
    },
)
class LaMOORelease:
    """LaMOO's release on its continuous encoding with qEHVI in the leaf (module doc)."""

    multiobjective = True
    single_objective = False

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        cp: float = 6.0,
        n_init: int = 10,
        batch: int = 5,
        max_nodes: int = 50,
        restarts: int = 20,
        maxiter: int = 256,
    ) -> None:
        benchmark.several_objectives()  # one line for a benchmark of one objective
        self.benchmark, self.rng = benchmark, rng
        self.cp, self.n_init, self.batch, self.max_nodes = cp, n_init, batch, max_nodes
        self.restarts, self.maxiter = restarts, maxiter
        self.encoding = Encoding(benchmark)
        self.d = len(benchmark.choices)
        self.X: list[np.ndarray] = []  # told points
        self.values: list[np.ndarray] = []  # their objective vectors, to maximise
        self.queue: deque[np.ndarray] = deque()
        self.pending: defaultdict[Arch, deque[np.ndarray]] = defaultdict(deque)  # arch -> points asked
        self.nodes: list = []
        self.told: set[Arch] = set()
        self._fresh = benchmark.unseen(rng, set())

    def ask(self) -> Arch | None:
        if not self.queue:
            told = len(self.X) + sum(map(len, self.pending.values()))
            if told < self.n_init:
                self.queue.extend(latin_hypercube(self.n_init, self.d, self.rng)[: self.n_init - told])
            elif not self.X:
                return None  # nothing told yet to model: ask again after a result
            else:
                self.queue.extend(self._batch())
        x = self.queue.popleft()
        arch = self.encoding.arch(x)
        if arch is None:
            arch = next(self._fresh)
            if arch is None:
                return None
        self.pending[arch].append(x)
        return arch

    def tell(self, arch: Arch, result: Result) -> None:
        arch = tuple(int(a) for a in arch)
        if self.pending.get(arch):
            self.X.append(self.pending[arch].popleft())
        elif arch in self.told:
            raise ValueError(f"tell({arch}) answers no pending ask()")
        else:  # a result it did not ask for (a warm start, algorithms/_warmup.py): one more sample
            self.X.append(self.encoding.point(arch))
        self.told.add(arch)
        self.values.append(maximised(self.benchmark, result))

    def objectives(self) -> np.ndarray:
        """The told values standardised over the samples so far and shifted as the release's."""
        V = np.array(self.values)
        sd = V.std(axis=0)
        return (V - V.mean(axis=0)) / np.where(sd > 0, sd, 1.0) - 2.0

    def _batch(self) -> np.ndarray:
        X, Y = np.array(self.X), self.objectives()
        reference = np.array(REFERENCE + (REFERENCE[-1],) * (Y.shape[1] - len(REFERENCE)))[: Y.shape[1]]
        self.nodes = build(X, Y, reference, max_nodes=self.max_nodes)
        path = select_leaf(self.nodes, self.cp, self.rng).path()
        outstanding = [x for xs in self.pending.values() for x in xs]
        pending = np.array(outstanding) if outstanding else np.zeros((0, self.d))
        with seeded_torch(self.rng):
            model = fit_gp(X, Y, joint=True)
            return propose(
                model, Y, reference, path, pending, self.rng, q=self.batch, restarts=self.restarts, maxiter=self.maxiter
            )
