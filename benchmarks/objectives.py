"""Several objectives of one table: ``nb201/cifar10-valid:objectives=valid+latency``.

A table benchmark's columns are its objectives: ``valid`` (what single-objective searches
maximise), ``test`` where the table has it, and every column of ``Result.extra`` but the ``_pm``
uncertainties (NAS-Bench-201's ``latency`` and ``model_size``, NAS-Bench-Graph's ``latency`` and
``para``, the analog table's accuracies after drift). Accuracies are maximised (``valid``,
``test``, names with ``accuracy``, ``perf`` or ``drift``); every other column is a cost,
minimised.

The benchmark then knows its exact Pareto front (non-dominated sorting of the whole table with
moocore, computed once per benchmark), and its ideal and nadir points (the best and the worst of
each objective over the front). The analysis judges runs in normalised objectives, every one
turned into a cost in [0, 1] on the front (0 at the ideal, 1 at the nadir), against the reference
point :data:`REFERENCE` (1.1 in every normalised objective: Ishibuchi et al. 2018, as pymoo's
maintainers recommend), fixed per table and never taken from what a run found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import moocore
import numpy as np

from .base import BenchmarkError
from .specs import SpecError

#: the reference point in every normalised objective (0 = the front's ideal, 1 = its nadir)
REFERENCE = 1.1
_MAXIMISED = ("accuracy", "perf", "drift")


def parse(text: str) -> tuple[str, ...]:
    """``"valid+latency"`` -> ``("valid", "latency")``: two or more distinct column names."""
    names = tuple(n.strip() for n in str(text).split("+"))
    if len(names) < 2 or not all(names) or len(set(names)) < len(names):
        raise SpecError(
            f"objectives={text}: expected two or more distinct columns joined by '+', e.g. objectives=valid+latency"
        )
    return names


def maximised(name: str) -> bool:
    """Whether column ``name`` is maximised (an accuracy) rather than minimised (a cost)."""
    return name in ("valid", "test") or any(word in name for word in _MAXIMISED)


def columns(bench: Any) -> dict[str, np.ndarray]:
    """The objective columns of a table benchmark (row order of ``all_archs()``); {} for others."""
    valid = getattr(bench, "valid", None)
    if valid is None or not isinstance(getattr(bench, "extra", None), Mapping):
        return {}
    out = {"valid": np.asarray(valid, dtype=float)}
    if getattr(bench, "test", None) is not None:
        out["test"] = np.asarray(bench.test, dtype=float)
    for name, values in bench.extra.items():
        if not name.endswith("_pm") and np.issubdtype(np.asarray(values).dtype, np.number):
            out[name] = np.asarray(values, dtype=float)
    return out


def describe_columns(bench: Any) -> str:
    """``valid (max), latency (min), ...``: what ``--list`` shows of a table's objectives."""
    return ", ".join(f"{n} ({'max' if maximised(n) else 'min'})" for n in columns(bench))


class Objectives:
    """The objectives ``names`` of a table (``values``: (N, k), one row per architecture)."""

    def __init__(self, names: Sequence[str], values: np.ndarray) -> None:
        self.names = tuple(names)
        self.maximise = tuple(maximised(n) for n in self.names)
        self.values = np.asarray(values, dtype=float)
        self.values.setflags(write=False)

    def row(self, i: int) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values[i])}

    def costs(self, points: np.ndarray) -> np.ndarray:
        """``points`` (n, k) in the objectives' units, as costs (maximised ones negated)."""
        sign = np.where(self.maximise, -1.0, 1.0)
        return np.asarray(points, dtype=float).reshape(-1, len(self.names)) * sign

    @cached_property
    def front(self) -> np.ndarray:
        """Rows of the table on the exact Pareto front (each non-dominated vector, ties kept)."""
        keep = moocore.is_nondominated(self.costs(self.values), keep_weakly=True)
        return np.flatnonzero(keep)

    @cached_property
    def ideal(self) -> np.ndarray:
        """The best value of each objective over the table (= over the front), in its units."""
        return np.where(self.maximise, self.values.max(axis=0), self.values.min(axis=0))

    @cached_property
    def nadir(self) -> np.ndarray:
        """The worst value of each objective over the front, in its units."""
        front = self.values[self.front]
        return np.where(self.maximise, front.min(axis=0), front.max(axis=0))

    def normalise(self, points: np.ndarray) -> np.ndarray:
        """Costs scaled so that the ideal is 0 and the nadir 1 in every objective."""
        low, high = self.costs(self.ideal)[0], self.costs(self.nadir)[0]
        return (self.costs(points) - low) / np.where(high > low, high - low, 1.0)

    @cached_property
    def best_hypervolume(self) -> float:
        """HV*: the front's hypervolume in normalised objectives against :data:`REFERENCE`."""
        return hypervolume(self.normalise(self.values[self.front]))

    def info(self) -> dict[str, Any]:
        """What the manifest records for the analysis (which never rebuilds the benchmark)."""
        front = self.values[self.front]
        return {
            "names": list(self.names),
            "maximise": list(self.maximise),
            "ideal": self.ideal.tolist(),
            "nadir": self.nadir.tolist(),
            "reference": REFERENCE,
            "front": front.tolist(),
            "best_hypervolume": self.best_hypervolume,
        }


def hypervolume(normalised: np.ndarray) -> float:
    """Hypervolume (moocore) of normalised costs against :data:`REFERENCE` in every objective;
    points beyond the reference add nothing."""
    points = np.asarray(normalised, dtype=float)
    if points.size == 0:
        return 0.0
    inside = points[np.all(points < REFERENCE, axis=1)]
    if not len(inside):
        return 0.0
    return float(moocore.hypervolume(inside, ref=np.full(points.shape[1], REFERENCE)))


def attach(bench: Any, text: str) -> None:
    """Make table benchmark ``bench`` multi-objective with the columns named in ``text``."""
    names = parse(text)
    table = columns(bench)
    if not table:
        raise BenchmarkError(f"{bench.name}: objectives= needs a table benchmark (this one has no columns)")
    if getattr(bench, "noisy", False) or getattr(bench, "proxy", None) is not None:
        raise BenchmarkError(f"{bench.name}: objectives= is for the table's own values (not noisy=true or a proxy)")
    unknown = [n for n in names if n not in table]
    if unknown:
        raise SpecError(f"{bench.name} has no column {unknown[0]!r}; its objective columns: {describe_columns(bench)}")
    bench.objectives = Objectives(names, np.column_stack([table[n] for n in names]))
