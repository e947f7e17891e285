"""What the BoTorch searches share (``botorch-qnehvi``, ``lamoo-release``): the optional extra's
install line, torch seeded from the run's rng without touching torch's global state, a GP fit, and
the objective vectors as values to maximise. torch and BoTorch are imported only when a search is
built, so the registry loads without them."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from benchmarks.base import Benchmark, Result

#: BoTorch (and PyTorch under it) is an optional extra (requirements-torch.txt); this line says how to add it
BOTORCH_HINT = (
    "needs BoTorch, an optional extra: for the CPU build, pip install torch==2.13.0 --index-url "
    "https://download.pytorch.org/whl/cpu && pip install botorch==0.18.1 ; with CUDA, pip install -r "
    "requirements-torch.txt"
)


def botorch_unavailable() -> str | None:
    """:data:`BOTORCH_HINT` when torch or BoTorch is not installed, else None (for ``unavailable=``)."""
    missing = any(importlib.util.find_spec(m) is None for m in ("torch", "botorch"))
    return BOTORCH_HINT if missing else None


def no_compiled_kernels() -> None:
    """BoTorch's log-EHVI acquisitions compile an optional fused C++ kernel on first use
    (``torch.utils.cpp_extension``: a compiler and ninja, tens of seconds, ``-march=native``), and a
    compile killed half-way leaves a lock on which every later process waits forever. The searches
    use BoTorch's pure-Python path instead (the same computation; the kernel only fuses its steps),
    so a run does not depend on a compiler, on the machine's CPU or on a stale lock."""
    from botorch.acquisition.multi_objective import logei

    if hasattr(logei, "_load_attempted"):  # BoTorch 0.18: tried once, then the Python path
        logei._load_attempted = True


@contextmanager
def seeded_torch(rng: np.random.Generator) -> Iterator[None]:
    """torch's global generator seeded from ``rng`` inside, and restored on leaving (GP fits and
    BoTorch's samplers draw from it); BoTorch's warnings (numerics advice, input checks) silenced:
    an algorithm does not print; BoTorch's compiled kernels off (:func:`no_compiled_kernels`)."""
    import torch

    no_compiled_kernels()

    with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(int(rng.integers(2**31 - 1)))
        yield


def maximised(benchmark: Benchmark, result: Result) -> np.ndarray:
    """The objective vector of ``result`` with every objective to maximise (costs negated)."""
    objectives = benchmark.several_objectives()
    return np.where(objectives.maximise, 1.0, -1.0) * np.asarray(objectives.vector(result.extra))


def fit_gp(X: np.ndarray, Y: np.ndarray, *, joint: bool) -> Any:
    """GP regression of ``Y`` (n, k) on ``X`` (n, d), outputs standardised, hyper-parameters by
    maximum marginal likelihood (BoTorch's ``fit_gpytorch_mll``): one multi-output ``SingleTaskGP``
    (``joint=True``, as LaMOO's release) or a ``ModelListGP`` of one per objective."""
    import torch
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import ModelListGP, SingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from gpytorch.mlls import ExactMarginalLogLikelihood, SumMarginalLogLikelihood

    tx, ty = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(Y, dtype=torch.float64)
    if joint:
        model = SingleTaskGP(tx, ty, outcome_transform=Standardize(m=ty.shape[-1]))
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        return model
    models = [SingleTaskGP(tx, ty[:, [k]], outcome_transform=Standardize(m=1)) for k in range(ty.shape[1])]
    model = ModelListGP(*models)
    fit_gpytorch_mll(SumMarginalLogLikelihood(model.likelihood, model))
    return model
