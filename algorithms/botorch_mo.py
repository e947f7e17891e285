"""``botorch-qnehvi``: BoTorch's multi-objective Bayesian optimisation as the LaMOO paper's peer
(Zhao et al., ICLR 2022, Sec. 6 compares LaMOO+qEHVI with qEHVI on NAS-Bench-201), with BoTorch's
current recommendation, the log noisy expected hypervolume improvement (qLogNEHVI; Ament et al.,
"Unexpected Improvements to Expected Improvement", NeurIPS 2023; Daulton et al., qNEHVI, NeurIPS 2021).

A GP per objective (``SingleTaskGP`` with standardised outputs, in a ``ModelListGP``) on the
benchmark's one-hot encoding (``benchmark.encode``), refit before each batch; objectives as values
to maximise (costs negated); the reference point BoTorch's ``infer_reference_point`` of the
observed front (its nadir less 10% of its range: the table's front is never read). The acquisition
is maximised over enumerated candidates: the table's rows not yet proposed, or ``candidates`` of
them drawn from the run's rng where there are more; a batch of ``batch=5`` (the LaMOO paper's) by
BoTorch's sequential greedy ``optimize_acqf_discrete``, with the proposals still outstanding as
``X_pending``. The first ``n_init=10`` proposals are uniform draws (LaMOO's 10 initial samples).
Needs torch and BoTorch (requirements-torch.txt).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from ._botorch import botorch_unavailable, fit_gp, maximised, seeded_torch
from ._pending import Pending
from .registry import at_least, register


@register(
    "botorch-qnehvi",
    unavailable=botorch_unavailable,
    limits={"n_init": at_least(1), "batch": at_least(1), "candidates": at_least(1), "mc_samples": at_least(1)},
)
class BoTorchQNEHVI:
    """qLogNEHVI over the table's unevaluated rows (module doc)."""

    multiobjective = True
    single_objective = False

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        n_init: int = 10,
        batch: int = 5,
        candidates: int = 2000,
        mc_samples: int = 128,
    ) -> None:
        benchmark.several_objectives()  # one line for a benchmark of one objective
        archs = benchmark.all_archs()
        if archs is None:
            raise ValueError(f"{benchmark.name} is not enumerable: botorch-qnehvi ranks a table's rows")
        self.benchmark, self.rng = benchmark, rng
        self.n_init, self.batch, self.candidates, self.mc_samples = n_init, batch, candidates, mc_samples
        self.archs, self.E = archs, benchmark.encode(archs).astype(np.float64)
        self.available = np.ones(len(archs), dtype=bool)  # not proposed yet
        self.rows: list[int] = []  # told rows, in order
        self.Y: list[np.ndarray] = []
        self.queue: deque[int] = deque()
        self.pending = Pending()
        self.outstanding: set[int] = set()  # rows asked and not told

    def ask(self) -> Arch | None:
        if not self.queue and self.available.any():
            free = np.flatnonzero(self.available)
            if len(self.rows) < self.n_init:
                self.queue.append(int(free[self.rng.integers(len(free))]))
            else:
                self.queue.extend(self._batch(free))
        if not self.queue:
            return None
        row = self.queue.popleft()
        self.available[row] = False
        arch = tuple(int(a) for a in self.archs[row])
        self.pending.add(arch)
        self.outstanding.add(row)
        return arch

    def tell(self, arch: Arch, result: Result) -> None:
        row = int(self.benchmark.index([arch])[0])
        arch, asked = self.pending.settle(arch, () if self.available[row] else (tuple(int(a) for a in arch),))
        self.available[row] = False  # a warm start (algorithms/_warmup.py) is not proposed again
        self.Y.append(maximised(self.benchmark, result))
        self.rows.append(row)
        self.outstanding.discard(self.rows[-1])

    def _batch(self, free: np.ndarray) -> list[int]:
        """Up to ``batch`` rows of ``free`` (a random ``candidates`` of them) by qLogNEHVI."""
        import torch
        from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
        from botorch.optim.optimize import optimize_acqf_discrete
        from botorch.sampling.normal import SobolQMCNormalSampler
        from botorch.utils.multi_objective.hypervolume import infer_reference_point
        from botorch.utils.multi_objective.pareto import is_non_dominated

        if len(free) > self.candidates:
            free = np.sort(self.rng.choice(free, self.candidates, replace=False))
        with seeded_torch(self.rng):
            X, Y = self.E[self.rows], np.array(self.Y)
            model = fit_gp(X, Y, joint=False)
            ty = torch.as_tensor(Y, dtype=torch.float64)
            outstanding = sorted(self.outstanding)
            acq = qLogNoisyExpectedHypervolumeImprovement(
                model=model,
                ref_point=infer_reference_point(ty[is_non_dominated(ty)]).tolist(),
                X_baseline=torch.as_tensor(X),
                X_pending=torch.as_tensor(self.E[outstanding]) if outstanding else None,
                prune_baseline=True,
                sampler=SobolQMCNormalSampler(torch.Size([self.mc_samples])),
            )
            choices = torch.as_tensor(self.E[free])
            chosen, _ = optimize_acqf_discrete(acq, q=min(self.batch, len(free)), choices=choices)
        match = (chosen[:, None, :] == choices[None, :, :]).all(dim=-1)
        return [int(free[int(torch.nonzero(m)[0, 0])]) for m in match]
