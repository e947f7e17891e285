"""Several objectives of one table: ``nb201/cifar10-valid:objectives=valid+latency``.

A table benchmark's columns are its objectives: ``valid`` (what single-objective searches
maximise), ``test`` where the table has it, and every column of ``Result.extra`` but the ``_pm``
uncertainties (NAS-Bench-201's ``latency`` and ``model_size``, NAS-Bench-Graph's ``latency`` and
``para``, the analog table's accuracies after drift). Accuracies are maximised (``valid``,
``test``, names with ``accuracy``, ``perf`` or ``drift``); every other column is a cost,
minimised.

The multi-objective maths has its one home here, in :class:`Objectives`: the benchmark declares
one (:meth:`benchmarks.base.Benchmark.name_objectives`, read back by
:meth:`~benchmarks.base.Benchmark.several_objectives`), the searches turn answers into costs with
it, and the analysis rebuilds it from the manifest (:meth:`Objectives.from_info`). It knows the
table's exact Pareto front (non-dominated sorting of the whole table with moocore, computed once
per benchmark), and its ideal and nadir points (the best and the worst of each objective over the
front). Runs are judged in normalised objectives, every one turned into a cost in [0, 1] on the
front (0 at the ideal, 1 at the nadir), against the reference point :data:`REFERENCE` (1.1 in
every normalised objective: Ishibuchi et al. 2018, as pymoo's maintainers recommend), fixed per
table and never taken from what a run found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import moocore
import numpy as np

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


def table_values(bench: Any, names: Sequence[str]) -> np.ndarray:
    """The columns ``names`` of table benchmark ``bench`` as an (N, k) array (row order of
    ``all_archs()``); SpecError (one line) naming its columns when it has no such column."""
    table = columns(bench)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise SpecError(f"{bench.name} has no column {unknown[0]!r}; its objective columns: {describe_columns(bench)}")
    return np.column_stack([table[n] for n in names])


def scale(costs: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``costs`` scaled so that ``low`` is 0 and ``high`` 1 in every objective (one where they meet
    is only shifted)."""
    return (costs - low) / np.where(high > low, high - low, 1.0)


def hypervolume(normalised: np.ndarray, reference: float | np.ndarray = REFERENCE) -> float:
    """Hypervolume (moocore) of costs (normalised, or in any units with a ``reference`` point of
    the same units) against ``reference``, one value for every objective or one each; points not
    strictly better than the reference in every objective add nothing."""
    points = np.asarray(normalised, dtype=float)
    if points.size == 0:
        return 0.0
    ref = np.broadcast_to(np.asarray(reference, dtype=float), (points.shape[1],))
    inside = points[np.all(points < ref, axis=1)]
    if not len(inside):
        return 0.0
    return float(moocore.hypervolume(inside, ref=ref))


@dataclass(frozen=True, eq=False)
class Objectives:
    """Named objectives with their directions, the exact front (``front``: its points, one row
    each, in the objectives' units), its ideal and nadir points, and the reference point."""

    names: tuple[str, ...]
    maximise: tuple[bool, ...]
    ideal: np.ndarray
    nadir: np.ndarray
    front: np.ndarray
    reference: float = REFERENCE

    @classmethod
    def of_table(cls, names: Sequence[str], values: np.ndarray) -> Objectives:
        """The objectives ``names`` of a table whose rows are ``values`` (N, k): the front keeps
        every non-dominated row, ties included; the ideal is the best over it (= over the table)."""
        names = tuple(names)
        maximise = tuple(maximised(n) for n in names)
        values = np.asarray(values, dtype=float)
        sign = np.where(maximise, -1.0, 1.0)
        front = values[moocore.is_nondominated(values * sign, keep_weakly=True)]
        ideal = np.where(maximise, front.max(axis=0), front.min(axis=0))
        nadir = np.where(maximise, front.min(axis=0), front.max(axis=0))
        return cls(names, maximise, ideal, nadir, front)

    @classmethod
    def from_info(cls, info: Mapping[str, Any]) -> Objectives:
        """The objectives as :meth:`info` recorded them (the analysis never rebuilds a benchmark)."""
        return cls(
            tuple(info["names"]),
            tuple(bool(m) for m in info["maximise"]),
            np.asarray(info["ideal"], dtype=float),
            np.asarray(info["nadir"], dtype=float),
            np.asarray(info["front"], dtype=float),
            float(info["reference"]),
        )

    def costs(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """``points`` (n, k) in the objectives' units, as costs (maximised ones negated)."""
        sign = np.where(self.maximise, -1.0, 1.0)
        return np.asarray(points, dtype=float).reshape(-1, len(self.names)) * sign

    def vector(self, extra: Mapping[str, Any]) -> list[float]:
        """The objective values an answer carries (its ``extra``) in this order; ValueError when
        it carries none."""
        values = extra.get("objectives")
        if values is None:
            raise ValueError("a result carries no objective values (its benchmark names one objective)")
        return [float(values[n]) for n in self.names]

    def normalise(self, points: np.ndarray) -> np.ndarray:
        """Costs scaled so that the ideal is 0 and the nadir 1 in every objective."""
        return scale(self.costs(points), self.costs(self.ideal)[0], self.costs(self.nadir)[0])

    def hypervolume(self, normalised: np.ndarray) -> float:
        """The hypervolume of normalised costs against this reference point (:func:`hypervolume`)."""
        return hypervolume(normalised, self.reference)

    @cached_property
    def best_hypervolume(self) -> float:
        """HV*: the front's hypervolume in normalised objectives against the reference point."""
        return self.hypervolume(self.normalise(self.front))

    def info(self) -> dict[str, Any]:
        """What the manifest records for the analysis (:meth:`from_info` reads it back)."""
        return {
            "names": list(self.names),
            "maximise": list(self.maximise),
            "ideal": self.ideal.tolist(),
            "nadir": self.nadir.tolist(),
            "reference": self.reference,
            "front": self.front.tolist(),
            "best_hypervolume": self.best_hypervolume,
        }
