"""Which algorithms may run on which benchmarks when some name several objectives
(``nb201/cifar10-valid:objectives=valid+latency``, :mod:`benchmarks.objectives`).

An algorithm class declares what it handles as class attributes: ``multiobjective = True`` when
it reads the objective vector (``result.extra["objectives"]``) or no value at all (random search),
``single_objective = False`` when it needs several objectives. A grid that pairs an algorithm with
a benchmark it cannot handle is refused in one line before any run.
"""

from __future__ import annotations

from algorithms import registry as algorithms
from benchmarks.specs import split_spec


def multiobjective(bench_spec: str) -> bool:
    return "objectives" in split_spec(bench_spec)[1]


def objectives_refusal(algo_specs: list[str], bench_specs: list[str]) -> str | None:
    """Why the grid cannot run (one line), or None."""
    several = [b for b in bench_specs if multiobjective(b)]
    one = [b for b in bench_specs if not multiobjective(b)]
    for spec in algo_specs:
        cls = algorithms.algorithm_class(spec)
        if several and not getattr(cls, "multiobjective", False):
            able = [n for n in algorithms.names() if getattr(algorithms.algorithm_class(n), "multiobjective", False)]
            return (
                f"algorithm {spec!r} optimises one objective, so it cannot run on {several[0]!r}; "
                f"algorithms for several objectives: {', '.join(able)}"
            )
        if one and not getattr(cls, "single_objective", True):
            return (
                f"algorithm {spec!r} needs several objectives, so it cannot run on {one[0]!r}; "
                f"name them, e.g. {one[0].split(':')[0]}:objectives=valid+latency"
            )
    return None
