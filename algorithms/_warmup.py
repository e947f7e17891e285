"""Zero-cost warm-up of any algorithm: Abdelfattah, Mehrotra, Dudziak, Lane, "Zero-Cost Proxies for
Lightweight NAS", ICLR 2021, their "zero-cost warmup": score N random architectures with a
proxy, evaluate the best k first, and let the search start from them.

Any algorithm spec takes ``warmup=PROXY[/N[/K]]`` (``evolution:warmup=synflow``,
``random:warmup=synflow/3000/10``); the registry parses it once (:mod:`algorithms.registry`) and
wraps the algorithm it builds in :class:`WarmUp`. ``N`` (default :data:`CELLS`) cells are drawn
uniformly without replacement from the table, from a child stream of the run's generator (the
wrapped algorithm's own draws are those of the run without warm-up); their scores are the shipped
zero-cost table's (:mod:`benchmarks.zerocost.evaluator`), cells it lacks scored on demand (torch).
The ``K`` (default :data:`TOP`) best, best first (ties: the first drawn), are the first proposals:
evaluated like any sample, counted in the budget, and told to the wrapped algorithm, which did not
ask for them (every built-in algorithm takes such a result as one of its initial samples, see each
``tell``). The proxy's cost, ``N`` times the table's measured CPU-seconds per cell, is recorded in
the run's metadata (``warmup``, ``warmup_cpu_s``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks._cell import CellTable
from benchmarks.base import Arch, Benchmark, Result
from benchmarks.specs import SpecError, unknown_name
from benchmarks.zerocost import PROXIES
from benchmarks.zerocost import evaluator as zc

#: the spec option every algorithm takes
OPTION = "warmup"
#: cells scored and cells evaluated first, by default: the paper's NAS-Bench-201 setting (docs/zerocost.md)
CELLS, TOP = 3000, 64


@dataclass(frozen=True)
class WarmUpSpec:
    """``PROXY[/N[/K]]``: score ``cells`` random cells with ``proxy``, propose the ``top`` best first."""

    proxy: str
    cells: int = CELLS
    top: int = TOP

    @classmethod
    def parse(cls, text: str) -> WarmUpSpec:
        proxy, *numbers = text.strip().split("/")
        if proxy not in PROXIES:
            raise SpecError(f"{OPTION}={text}: " + unknown_name("zero-cost proxy", proxy, list(PROXIES)))
        try:
            if len(numbers) > 2:
                raise ValueError
            spec = cls(proxy, *(int(n) for n in numbers))
        except ValueError:
            raise SpecError(f"{OPTION}={text}: expected PROXY, PROXY/N or PROXY/N/K (N, K whole numbers)") from None
        if not 1 <= spec.top <= spec.cells:
            raise SpecError(f"{OPTION}={text}: K (cells evaluated first) must be between 1 and N (cells scored)")
        return spec

    def text(self) -> str:
        """The canonical spelling: defaults left out from the right."""
        parts = [self.proxy, str(self.cells), str(self.top)]
        while len(parts) > 1 and parts[-1] == str((CELLS, TOP)[len(parts) - 2]):
            parts.pop()
        return "/".join(parts)


def warm_cells(spec: WarmUpSpec, benchmark: Benchmark, rng: np.random.Generator) -> list[Arch]:
    """The ``top`` best of ``cells`` cells drawn from a child of ``rng``, best first."""
    archs = benchmark.all_archs()
    if not isinstance(benchmark, CellTable) or archs is None:
        raise SpecError(
            f"{OPTION}={spec.text()} needs a NAS-Bench-201 cell table (nb201/*, anb201/*): "
            f"the zero-cost scores are of those cells, not of {benchmark.name}'s architectures"
        )
    child = rng.spawn(1)[0]
    drawn = archs[child.choice(len(archs), size=min(spec.cells, len(archs)), replace=False)]
    scores = zc.scores(spec.proxy, drawn)
    best = np.argsort(-scores, kind="stable")[: spec.top]
    return [tuple(int(a) for a in drawn[i]) for i in best]


class WarmUp:
    """An algorithm whose first proposals are the warm-up cells (module doc); everything else is the
    wrapped algorithm's (its attributes read through)."""

    def __init__(self, inner: Any, cells: list[Arch], spec: WarmUpSpec) -> None:
        self.inner = inner
        self.cells = list(cells)
        self.spec = spec
        self._queue: deque[Arch] = deque(cells)

    @classmethod
    def start(cls, spec: WarmUpSpec, benchmark: Benchmark, rng: np.random.Generator, build: Any) -> WarmUp:
        """Draw and score the warm-up cells, then build the wrapped algorithm (``build()``)."""
        cells = warm_cells(spec, benchmark, rng)
        return cls(build(), cells, spec)

    @property
    def run_meta(self) -> dict[str, Any]:
        """What the run records of the warm-up: its spec and the proxy's CPU-seconds (N cells at the
        table's measured cost per cell)."""
        return {OPTION: self.spec.text(), "warmup_cpu_s": self.spec.cells * zc.cost_s(self.spec.proxy)}

    def ask(self) -> Arch | None:
        return self._queue.popleft() if self._queue else self.inner.ask()

    def ask_batch(self, n: int) -> list[Arch]:
        out = [self._queue.popleft() for _ in range(min(n, len(self._queue)))]
        if len(out) < n:
            ask_batch = getattr(self.inner, "ask_batch", None)
            if ask_batch is not None:
                out += list(ask_batch(n - len(out)) or [])
            else:
                for _ in range(n - len(out)):
                    arch = self.inner.ask()
                    if arch is None:
                        break
                    out.append(arch)
        return out

    def tell(self, arch: Arch, result: Result) -> None:
        self.inner.tell(arch, result)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (unpickling)
            raise AttributeError(name)
        return getattr(self.inner, name)
