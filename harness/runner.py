"""The one loop that runs an algorithm on a benchmark: ask, answer repeats from a cache,
query new architectures, tell, and record one row per proposal.

A run is a pure function of (benchmark, spec, seed, budget): the algorithm and the benchmark
each get a child stream of ``numpy.random.SeedSequence(seed)``, and nothing reads the clock
for control (``algo_s`` only measures).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from algorithms import registry as base
from analysis.runformat import COLUMNS, OBJECTIVE_PREFIX, arch_key
from benchmarks.base import Arch, Benchmark, Result

from .evaluation import query_here


@dataclass
class RunResult:
    benchmark: str
    spec: str
    seed: int
    budget: int
    status: str = "running"  # budget | exhausted | stuck | failed
    error: str = ""
    wall_s: float = 0.0
    rows: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    algorithm: Any = field(default=None, repr=False)  # the algorithm object, for inspection
    meta: dict[str, Any] = field(default_factory=dict)  # more run metadata (e.g. the simulated clock's)

    @property
    def samples(self) -> int:
        return self.rows["step"][-1] if self.rows["step"] else 0


def _propose(algo: Any, k: int) -> list[Arch]:
    if k == 1 or not hasattr(algo, "ask_batch"):
        archs = []
        for _ in range(k):
            arch = algo.ask()
            if arch is None:
                break
            archs.append(arch)
    else:
        archs = list(algo.ask_batch(k) or [])
    return [tuple(int(a) for a in arch) for arch in archs]


Evaluate = Callable[[Benchmark, list[Arch], list[int]], list[Result]]


def _evaluate_new(
    benchmark: Benchmark,
    proposals: list[Arch],
    cache: dict[Arch, Result],
    bench_rng: np.random.Generator,
    parallel: int,
    evaluate: Evaluate | None,
) -> dict[Arch, Result]:
    """Answers for the proposals not in ``cache`` (each once): in order from the run's benchmark
    stream, or with K > 1 each with its own seed drawn in order from it, through ``evaluate``."""
    new = [a for a in dict.fromkeys(proposals) if a not in cache]
    for arch in new:
        if not benchmark.is_valid(arch):
            raise ValueError(f"algorithm proposed an invalid architecture {arch}")
    if parallel == 1:
        results = [benchmark.query(a, bench_rng) for a in new]
    else:
        seeds = [int(s) for s in bench_rng.integers(2**63 - 1, size=len(new))]
        results = (evaluate or query_here)(benchmark, new, seeds)
    return dict(zip(new, results))


def record(
    rows: dict[str, list[Any]],
    step: int,
    arch: Arch,
    result: Result,
    cached: bool,
    best: float,
    algo_s: float,
    *,
    proposal: int | None = None,
    cost_s: float | None = None,
) -> None:
    """One row of the history (see :data:`analysis.runformat.COLUMNS`); ``proposal`` defaults to the
    row's number and ``cost_s`` to the answer's (the simulated clock passes its own)."""
    rows["step"].append(step)
    rows["proposal"].append(len(rows["proposal"]) + 1 if proposal is None else proposal)
    rows["arch"].append(arch_key(arch))
    rows["valid"].append(result.valid)
    rows["test"].append(result.test)
    rows["cost_s"].append(0.0 if cached else result.cost_s if cost_s is None else cost_s)
    rows["cached"].append(cached)
    rows["best_valid"].append(best)
    rows["algo_s"].append(algo_s)
    # what the analysis judges: the benchmark's value where the search saw an estimate, else the same
    rows["true_valid"].append(result.extra.get("true_valid", result.valid))
    rows["true_test"].append(result.extra.get("true_test", result.test))
    for name, value in result.extra.get("objectives", {}).items():  # a multi-objective benchmark's
        rows.setdefault(OBJECTIVE_PREFIX + name, []).append(value)


def run(
    benchmark: Benchmark,
    spec: str,
    seed: int,
    budget: int,
    *,
    max_repeats: int = 1000,
    parallel: int = 1,
    evaluate: Evaluate | None = None,
) -> RunResult:
    """Run ``spec`` on ``benchmark`` until ``budget`` distinct architectures have been evaluated.

    Ends early with status ``exhausted`` (the algorithm returned None, or the space is used
    up), ``stuck`` (``max_repeats`` proposals in a row were repeats) or ``failed`` (an
    exception; its message is recorded and the rows so far are kept).

    With ``parallel=K`` the algorithm proposes K architectures at a time (``ask_batch`` when it
    has one), the new ones are evaluated together by ``evaluate`` (e.g. on several GPUs through
    Dask; default: here, one after another), each with its own seed drawn in order from the
    run's benchmark stream, and then told in proposal order; so the history depends on K but
    not on where or in which order the evaluations ran.
    """
    out = RunResult(benchmark.name, spec, seed, budget, meta={"parallel": parallel})
    algo_ss, bench_ss = np.random.SeedSequence(seed).spawn(2)
    bench_rng = np.random.default_rng(bench_ss)
    cache: dict[Arch, Result] = {}
    size = len(benchmark) if benchmark.all_archs() is not None else None
    best, repeats = -np.inf, 0
    start = time.perf_counter()
    try:
        t0 = time.perf_counter()
        algo = out.algorithm = base.make(spec, benchmark, np.random.default_rng(algo_ss))
        algo_s = time.perf_counter() - t0
        while len(cache) < budget and out.status == "running":
            if size is not None and len(cache) >= size:
                out.status = "exhausted"
                break
            t0 = time.perf_counter()
            proposals = _propose(algo, min(parallel, budget - len(cache)))
            algo_s += time.perf_counter() - t0
            if not proposals:
                out.status = "exhausted"
                break
            fresh = _evaluate_new(benchmark, proposals, cache, bench_rng, parallel, evaluate)
            for arch in proposals:
                cached = arch not in fresh or arch in cache
                if arch not in cache:
                    cache[arch] = fresh[arch]
                result = cache[arch]
                repeats = repeats + 1 if cached else 0
                best = best if cached else max(best, result.valid)
                t0 = time.perf_counter()
                algo.tell(arch, result)
                algo_s += time.perf_counter() - t0
                record(out.rows, len(cache), arch, result, cached, best, algo_s)
                if repeats >= max_repeats:
                    out.status = "stuck"
                    out.error = f"{max_repeats} repeated proposals in a row"
                    break
        if out.status == "running":
            out.status = "budget"
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # recorded, not raised: one bad run must not stop a grid
        out.status = "failed"
        out.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    out.wall_s = time.perf_counter() - start
    return out
