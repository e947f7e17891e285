"""The multi-objective peers of ``lamoo``, through the same ask/tell interface
(``nb201/cifar10-valid:objectives=valid+latency``; :mod:`benchmarks.objectives`).

- ``optuna-nsga2``: NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEVC 2002), Optuna's
  ``NSGAIISampler`` at its defaults (population 50, uniform crossover, mutation 1/d).
- ``optuna-motpe``: multi-objective TPE (Ozaki, Tanigaki, Watanabe, Onishi, GECCO 2020 / JAIR
  2022), Optuna's ``TPESampler`` on a study with several directions, multivariate as ``optuna-tpe``.
- ``optuna-mogp``: Optuna's ``GPSampler`` on several directions (log expected hypervolume
  improvement; needs PyTorch).
- ``morea``: multi-objective regularized evolution as syne-tune's ``MOREA``
  (``MultiObjectiveRegularizedEvolution``: a population of 100, tournaments of 10, the parent
  the tournament's member of best non-dominated rank in the population, aging out the oldest);
  here on the harness's regularized evolution (:mod:`algorithms.evolution`).

Each reads the objective vector a multi-objective benchmark puts in ``result.extra["objectives"]``
and is refused on a single-objective benchmark (``single_objective = False``).
"""

from __future__ import annotations

import warnings
from typing import Any

import moocore
import numpy as np

from benchmarks.base import Arch, Benchmark, Result
from benchmarks.objectives import Objectives
from benchmarks.optional import torch_unavailable

from .evolution import RegularizedEvolution
from .optuna_bo import OptunaGP, OptunaTPE, _missing, _OptunaSearch
from .registry import at_least, register


class _MultiObjectiveStudy:
    """Mixin: an Optuna study with one direction per objective (made from the sampler the
    single-objective search built, seeded from the run's rng), told the objective vector."""

    multiobjective = True
    single_objective = False
    objectives: Objectives
    study: Any
    _optuna: Any

    def _multiobjective_study(self) -> None:
        directions = ["maximize" if m else "minimize" for m in self.objectives.maximise]
        self.study = self._optuna.create_study(directions=directions, sampler=self.study.sampler)

    def _value(self, result: Result) -> Any:
        return self.objectives.vector(result.extra)


@register("optuna-nsga2", unavailable=lambda: _missing("optuna"), limits={"population": at_least(2)})
class OptunaNSGA2(_MultiObjectiveStudy, _OptunaSearch):
    """Optuna's NSGA-II sampler (its default population of 50)."""

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, *, population: int = 50) -> None:
        self.objectives = benchmark.several_objectives()
        self.population = population
        super().__init__(benchmark, rng)
        self._multiobjective_study()

    def _sampler(self, optuna: Any, seed: int) -> Any:
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=self.population)


@register(
    "optuna-motpe",
    unavailable=lambda: _missing("optuna"),
    limits={"n_startup": at_least(0), "n_ei_candidates": at_least(1)},
)
class OptunaMOTPE(_MultiObjectiveStudy, OptunaTPE):
    """Optuna's TPE on several objectives (MOTPE), with ``optuna-tpe``'s options and defaults."""

    rank_invariant = False

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        multivariate: bool = True,
        n_startup: int = 10,
        n_ei_candidates: int = 24,
    ) -> None:
        self.objectives = benchmark.several_objectives()
        super().__init__(
            benchmark, rng, multivariate=multivariate, n_startup=n_startup, n_ei_candidates=n_ei_candidates
        )
        self._multiobjective_study()


@register(
    "optuna-mogp",
    unavailable=lambda: _missing("optuna", "scipy") or torch_unavailable(),
    limits={"n_startup": at_least(0)},
)
class OptunaMOGP(_MultiObjectiveStudy, OptunaGP):
    """Optuna's GPSampler on several objectives, with ``optuna-gp``'s options and defaults."""

    def __init__(
        self, benchmark: Benchmark, rng: np.random.Generator, *, n_startup: int = 10, deterministic: bool = False
    ) -> None:
        self.objectives = benchmark.several_objectives()
        super().__init__(benchmark, rng, n_startup=n_startup, deterministic=deterministic)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", self._optuna.exceptions.ExperimentalWarning)
            self._multiobjective_study()


@register("morea", limits={"population": at_least(1), "sample": at_least(1), "retries": at_least(0)})
class MultiObjectiveEvolution(RegularizedEvolution):
    """Multi-objective regularized evolution (syne-tune's MOREA; module doc): the tournament's
    parent is its member of lowest non-dominated rank (moocore's ``pareto_rank``) in the living
    population, ranks recomputed at every ``tell``; ties to the first drawn, as in ``evolution``."""

    rank_invariant = False
    multiobjective = True
    single_objective = False

    def __init__(
        self,
        benchmark: Benchmark,
        rng: np.random.Generator,
        *,
        population: int = 100,
        sample: int = 10,
        retries: int = 100,
    ) -> None:
        self.objectives = benchmark.several_objectives()
        super().__init__(benchmark, rng, population=population, sample=sample, retries=retries)
        self._costs: list[np.ndarray] = []  # objective vector (as costs) of each living member
        self._rank = np.zeros(0)

    def tell(self, arch: Arch, result: Result) -> None:
        self._costs.append(self.objectives.costs(self.objectives.vector(result.extra))[0])
        super().tell(arch, result)
        del self._costs[: len(self._costs) - len(self.members)]  # the aged-out members
        self._rank = moocore.pareto_rank(np.array(self._costs))

    def _tournament(self) -> Arch:
        picks = self.rng.integers(len(self.members), size=self.sample)
        best = min(picks, key=lambda i: self._rank[i])  # first of equal ranks wins
        return self.members[best][0]
