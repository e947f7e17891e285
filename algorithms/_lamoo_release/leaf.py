"""qEHVI inside the selected leaf, as LaMOO's release proposes a batch (``Classifier.py``
``propose_rand_samples_bayesian`` with its patched BoTorch, ``botorch_lamcts/``): a GP on every
sample (``SingleTaskGP``, outputs standardised, refit after each batch), qEHVI with 128 quasi-random
samples against the release's reference point, ``q`` points chosen one after another (``sequential=True``:
each later one with the earlier as pending), each by L-BFGS-B (``maxiter`` 256) in the box [0, 0.99999]^d
from ``restarts=20`` starting points drawn at random among Latin-hypercube points inside the
leaf (``gen_batch_initial_conditions`` with ``lamcts_boundry``: batches of 12,000 filtered
through the path's boundaries, dropping the path's last boundary after each batch, until more
than 1,024 points are in). The optimiser's check that kept iterates inside the leaf is commented
out in the release (``lbfgsb.py``), so a point may leave it, as here."""

from __future__ import annotations

from typing import Any

import numpy as np

from .encoding import UPPER, latin_hypercube
from .tree import inside

RAW, BATCH = 1024, 12_000


def starting_pool(path: list[tuple[object, int]], d: int, rng: np.random.Generator) -> np.ndarray:
    """More than :data:`RAW` points in the leaf of ``path``, or in the regions of its ancestors."""
    pool: list[np.ndarray] = []
    while sum(map(len, pool)) < RAW + 1:
        X = latin_hypercube(BATCH, d, rng)
        pool.append(X[inside(path, X)])
        path = path[:-1]
    return np.concatenate(pool)


def propose(
    model: Any,
    Y: np.ndarray,
    reference: np.ndarray,
    path: list[tuple[object, int]],
    pending: np.ndarray,
    rng: np.random.Generator,
    *,
    q: int,
    restarts: int,
    maxiter: int,
) -> np.ndarray:
    """``q`` points (q, d) by qEHVI from starts inside the leaf (module doc); torch seeded by the caller."""
    import torch
    from botorch.acquisition.multi_objective.monte_carlo import qExpectedHypervolumeImprovement
    from botorch.optim.optimize import optimize_acqf
    from botorch.sampling.normal import SobolQMCNormalSampler
    from botorch.utils.multi_objective.box_decompositions.non_dominated import NondominatedPartitioning

    ref = torch.as_tensor(reference, dtype=torch.float64)
    acq = qExpectedHypervolumeImprovement(
        model=model,
        ref_point=ref.tolist(),
        partitioning=NondominatedPartitioning(ref_point=ref, Y=torch.as_tensor(Y, dtype=torch.float64)),
        sampler=SobolQMCNormalSampler(torch.Size([128])),
    )
    d = pending.shape[1]
    bounds = torch.tensor([[0.0] * d, [UPPER] * d], dtype=torch.float64)
    chosen = torch.as_tensor(pending, dtype=torch.float64)
    for _ in range(q):
        acq.set_X_pending(chosen if len(chosen) else None)
        pool = starting_pool(path, d, rng)
        starts = torch.as_tensor(pool[rng.integers(len(pool), size=restarts)])[:, None, :]
        x, _ = optimize_acqf(
            acq,
            bounds,
            q=1,
            num_restarts=restarts,
            batch_initial_conditions=starts,
            options={"batch_limit": 5, "maxiter": maxiter},
        )
        chosen = torch.cat([chosen, x.detach()])
    return chosen[len(pending) :].numpy()
