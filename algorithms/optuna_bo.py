"""Bayesian optimisation through Optuna's ask/tell interface (Akiba et al., "Optuna: A
Next-generation Hyperparameter Optimization Framework", KDD 2019).

``optuna-tpe``: the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kegl,
"Algorithms for Hyper-Parameter Optimization", NeurIPS 2011), multivariate as in Falkner,
Klein, Hutter, "BOHB", ICML 2018 (Optuna's ``multivariate=True``). ``optuna-gp``: Gaussian-
process BO with log expected improvement, Optuna's ``GPSampler`` (needs PyTorch). The LaNAS
paper compares against TPE among its Bayesian-optimisation baselines.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections import deque
from typing import Any

import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.optional import torch_unavailable

from .registry import at_least, register


def _missing(*modules: str) -> str | None:
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"needs {', '.join(absent)} (pip install {' '.join(absent)})" if absent else None


def _optuna() -> Any:
    import optuna

    # Optuna logs an INFO line per trial (and GPSampler a WARNING once a study has converged);
    # an algorithm must not print. Errors still show.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna


class _OptunaSearch:
    """One Optuna study; one categorical parameter ``x<i>`` per decision of the benchmark.

    The sampler's seed is an int drawn from the run's rng. A suggested encoding that is not
    a valid architecture is first mapped to ``benchmark.canonical`` of it (isomorphic
    encodings of a cell have the same value, so Optuna is told that value for the encoding
    it suggested); if that is not valid either, the trial is told as FAILED and Optuna is
    asked again, and after ``max_invalid`` failures in a row a uniformly sampled valid
    architecture is enqueued as the next trial. Repeated suggestions are proposed as they
    are: the runner answers them from its cache (no sample is charged) and the value is
    still told to Optuna, as it would be in an ordinary study.

    Several trials may be outstanding (``--parallel K``): each ``ask`` starts a trial and
    each ``tell`` completes the trial asked for that architecture, in any order. The samplers
    account for the running trials: TPE with ``constant_liar=True`` (set here whatever
    Optuna's default; it changes nothing with one trial at a time and cuts repeated
    suggestions with several, measured in docs/peers.md), GPSampler by its batch log
    expected improvement (qLogEI) over them in Optuna 5. Two outstanding trials may suggest
    the same architecture: both are proposed, the runner evaluates it once, and each ``tell``
    of it completes the older of its open trials, so every trial gets that value. A ``tell``
    that answers no open trial of an architecture asked or told before raises.

    A result it did not ask for (a zero-cost warm-up's cell, :mod:`algorithms._warmup`) is added to
    the study as a completed trial (Optuna's ``add_trial``), one of the sampler's startup trials.
    """

    max_invalid = 100

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator) -> None:
        self.benchmark = benchmark
        self.rng = rng
        self._optuna = optuna = _optuna()
        self._distributions = {
            f"x{i}": optuna.distributions.CategoricalDistribution(list(range(c)))
            for i, c in enumerate(benchmark.choices)
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = self._sampler(optuna, int(rng.integers(2**31 - 1)))
        self.study = optuna.create_study(direction="maximize", sampler=sampler)
        self._pending: dict[Arch, deque[Any]] = {}  # arch -> its open trials, oldest first
        self._seen: set[Arch] = set()  # asked or told
        self.failed = 0  # trials told as FAILED (invalid suggestions)

    def _sampler(self, optuna: Any, seed: int) -> Any:
        raise NotImplementedError

    def ask(self) -> Arch | None:
        optuna = self._optuna
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            for _ in range(self.max_invalid):
                trial = self.study.ask(self._distributions)
                arch = self.benchmark.valid_canonical(tuple(int(trial.params[k]) for k in self._distributions))
                if arch is not None:
                    self._seen.add(arch)
                    self._pending.setdefault(arch, deque()).append(trial)
                    return arch
                self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
                self.failed += 1
            arch = self.benchmark.sample(self.rng)
            self._seen.add(arch)
            self.study.enqueue_trial({k: v for k, v in zip(self._distributions, arch)})
            self._pending.setdefault(arch, deque()).append(self.study.ask(self._distributions))
        return arch

    def tell(self, arch: Arch, result: Result) -> None:
        arch = tuple(int(a) for a in arch)
        trials = self._pending.get(arch)
        if not trials and arch not in self._seen:
            self._given(arch, result)
            return
        if not trials:
            raise ValueError(f"tell({arch}) answers no open trial of an earlier ask()")
        trial = trials.popleft()
        if not trials:
            del self._pending[arch]
        self.study.tell(trial, self._value(result))

    def _given(self, arch: Arch, result: Result) -> None:
        """A result it did not ask for (a warm start): a completed trial of the study."""
        self._seen.add(arch)
        value = self._value(result)
        told = {"values": list(value)} if isinstance(value, (list, tuple, np.ndarray)) else {"value": value}
        params = dict(zip(self._distributions, arch))
        self.study.add_trial(self._optuna.trial.create_trial(params=params, distributions=self._distributions, **told))

    def _value(self, result: Result) -> Any:
        """What the study is told (several values for a multi-objective study, algorithms/mo_peers.py)."""
        return float(result.valid)


@register(
    "optuna-tpe",
    unavailable=lambda: _missing("optuna"),
    limits={"n_startup": at_least(0), "n_ei_candidates": at_least(1)},
)
class OptunaTPE(_OptunaSearch):
    """Optuna's TPE sampler, multivariate by default (Falkner et al. 2018; Optuna docs
    recommend it for dependent parameters). ``n_startup`` random trials (Optuna's default
    10) and ``n_ei_candidates`` (Optuna's default 24) are Optuna's own defaults."""

    rank_invariant = True  # TPE reads values only to sort trials into good and bad (tested)

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        multivariate: bool = True,
        n_startup: int = 10,
        n_ei_candidates: int = 24,
    ) -> None:
        self.multivariate = multivariate
        self.n_startup = n_startup
        self.n_ei_candidates = n_ei_candidates
        super().__init__(benchmark, rng)

    def _sampler(self, optuna: Any, seed: int) -> Any:
        return optuna.samplers.TPESampler(
            seed=seed,
            multivariate=self.multivariate,
            n_startup_trials=self.n_startup,
            n_ei_candidates=self.n_ei_candidates,
            constant_liar=True,
        )


@register(
    "optuna-gp",
    unavailable=lambda: _missing("optuna", "scipy") or torch_unavailable(),
    limits={"n_startup": at_least(0)},
)
class OptunaGP(_OptunaSearch):
    """Optuna's GPSampler (a GP with a Matern-5/2 kernel, log-EI acquisition). ``n_startup``
    random trials is Optuna's default 10; ``deterministic=True`` tells the GP the objective
    is noise-free (true of a table's mean accuracy; Optuna's default is False)."""

    def __init__(
        self, benchmark: Benchmark, rng: np.random.Generator, *, n_startup: int = 10, deterministic: bool = False
    ) -> None:
        self.n_startup = n_startup
        self.deterministic = deterministic
        super().__init__(benchmark, rng)

    def _sampler(self, optuna: Any, seed: int) -> Any:
        return optuna.samplers.GPSampler(
            seed=seed,
            n_startup_trials=self.n_startup,
            deterministic_objective=self.deterministic,
            warn_independent_sampling=False,
        )
