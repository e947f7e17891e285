"""Cost of NAS-Bench-101 at its full size: first load, cached load, and a search's time per sample.

    python studies/bench_scale.py --out DIR [--nb101-path FILE | --cells N] [--samples 1000]
                                     [--seeds 3] [--repeats 3] [--spec lanas-plus]

With ``--nb101-path`` (or ``NB101_PATH``) it measures the user's ``nasbench_only108.tfrecord``;
without, it first writes a synthetic one in the official format into DIR (every one of the
423,624 cells, or a sample of ``--cells``, 3 records per cell, planted accuracies: the tests'
helper ``tests/nb101_space.py``; about 10 minutes for all cells, most of it the cells' official
hashes). Each measurement runs in a fresh process pinned to one core (BLAS threads = 1), so its
peak resident memory (``ru_maxrss``, the interpreter and NumPy included) is its own:

- ``convert``: the first load, into an empty cache under DIR (``benchmarks.nb101.load_nb101``);
- ``cached``: a later load from that cache, the benchmark built (``nb101/cifar10``'s object);
- ``search``: ``--spec`` for ``--samples`` samples per seed through ``harness.runner.run``: the
  algorithm's time (``algo_s``, wall clock inside ask/tell), the run's CPU time, and the CPU time
  inside ask/tell of the same run driven again (on a loaded machine the wall clock counts the
  time other processes hold the core), per sample.

Each is repeated ``--repeats`` times (the search once per seed); the medians and maxima go to
DIR/scale.json and DIR/scale.md with the load average. Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, before numpy
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stage(name: str, path: Path, args: argparse.Namespace) -> dict:
    """One measurement in this (fresh) process; LANAS_CACHE is set by the caller."""
    from benchmarks import nb101

    if name in ("convert", "cached"):
        t0, c0 = time.perf_counter(), _cpu_s()
        bench = nb101.NB101(nb101.load_nb101(path))
        return {"s": time.perf_counter() - t0, "cpu_s": _cpu_s() - c0, "peak_mb": _peak_mb(), "cells": len(bench)}
    from harness.runner import run

    bench = nb101.NB101(nb101.load_nb101(path))
    bench.name = "nb101/cifar10"
    run(bench, args.spec, 10_000 + args.seed, min(100, args.samples))  # one-time costs (imports), not timed
    c0 = time.process_time()
    result = run(bench, args.spec, args.seed, args.samples)
    if result.status != "budget":
        raise SystemExit(f"seed {args.seed}: {result.status} {result.error}")
    n = result.samples
    return {
        "algo_ms": 1e3 * result.rows["algo_s"][-1] / n,
        "cpu_ms": 1e3 * (time.process_time() - c0) / n,
        "algo_cpu_ms": 1e3 * algorithm_cpu_s(bench, args.spec, args.seed, n) / n,
        "peak_mb": _peak_mb(),
    }


def algorithm_cpu_s(bench, spec: str, seed: int, samples: int) -> float:
    """CPU seconds inside ask/tell of the run ``harness.runner.run(bench, spec, seed, samples)``
    makes (the same algorithm stream), driven here: what ``algo_s`` measures, on the CPU clock."""
    import numpy as np
    from bench_lanas import cpu_in_ask_tell  # studies/, this script's folder, is on the path

    from algorithms import registry as algorithms

    algo = algorithms.make(spec, bench, np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0]))
    return cpu_in_ask_tell(algo, bench, samples)


def measure(name: str, path: Path, cache: Path, args: argparse.Namespace, seed: int = 0) -> dict:
    env = dict(os.environ, LANAS_CACHE=str(cache))
    cmd = [sys.executable, __file__, "--stage", name, "--file", str(path), "--seed", str(seed)]
    cmd += ["--spec", args.spec, "--samples", str(args.samples)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows]
    return f"{statistics.median(values):.3g} (max {max(values):.3g})"


def synthetic_file(out: Path, cells: int | None) -> Path:
    from tests.nb101_space import nb101_arrays, write_nb101_tfrecord

    path = out / "nasbench_only108.tfrecord"
    if not path.exists():
        print(f"# writing a synthetic {path.name} ({cells or 'all'} cells) into {out}", flush=True)
        tmp = path.with_suffix(".tmp")
        write_nb101_tfrecord(tmp, nb101_arrays(cells, hashes=True))
        tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=False, help="folder for the cache, the report (and a synthetic file)"
    )
    parser.add_argument("--nb101-path", type=Path, default=os.environ.get("NB101_PATH") or None)
    parser.add_argument("--cells", type=int, default=None, help="synthetic file: this many cells (default all)")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--spec", default="lanas-plus")
    parser.add_argument("--stage", choices=("convert", "cached", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.stage:
        print(json.dumps(stage(args.stage, args.file, args)))
        return
    if args.out is None:
        parser.error("--out DIR is required")
    if args.nb101_path is not None and not args.nb101_path.is_file():
        print(f"bench_scale: {args.nb101_path} does not exist", file=sys.stderr)
        raise SystemExit(2)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.nb101_path or synthetic_file(args.out, args.cells)
    load = os.getloadavg()
    convert = []
    for k in range(args.repeats):
        cache = args.out / f"cache-{k}"
        shutil.rmtree(cache, ignore_errors=True)
        convert.append(measure("convert", path, cache, args))
    cached = [measure("cached", path, args.out / "cache-0", args) for _ in range(args.repeats)]
    search = [measure("search", path, args.out / "cache-0", args, seed) for seed in range(args.seeds)]
    for k in range(1, args.repeats):
        shutil.rmtree(args.out / f"cache-{k}", ignore_errors=True)
    load_after = os.getloadavg()
    report = {
        "file": str(path),
        "synthetic": args.nb101_path is None,
        "file_mb": path.stat().st_size / 2**20,
        "cells": convert[0]["cells"],
        "spec": args.spec,
        "samples": args.samples,
        "load_average": [round(x, 2) for x in (*load, *load_after)],
        "convert": convert,
        "cached": cached,
        "search": search,
    }
    (args.out / "scale.json").write_text(json.dumps(report, indent=1) + "\n")
    lines = [
        f"# NAS-Bench-101 at scale: {'synthetic ' if report['synthetic'] else ''}{path.name}, "
        f"{report['file_mb']:.0f} MiB, {report['cells']:,} cells",
        "",
        f"Load average (1, 5, 15 min) before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
        f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}. Medians (max) of "
        f"{args.repeats} repeat(s); the search: {args.seeds} seed(s) of {args.samples} samples.",
        "",
        "| measurement | time | peak memory (MiB) |",
        "| --- | --- | --- |",
        f"| first load (conversion), wall | {summary(convert, 's')} s | {summary(convert, 'peak_mb')} |",
        f"| first load (conversion), CPU | {summary(convert, 'cpu_s')} s | |",
        f"| cached load, wall | {summary(cached, 's')} s | {summary(cached, 'peak_mb')} |",
        f"| cached load, CPU | {summary(cached, 'cpu_s')} s | |",
        f"| `{args.spec}`, algorithm time | {summary(search, 'algo_ms')} ms/sample | {summary(search, 'peak_mb')} |",
        f"| `{args.spec}`, algorithm CPU time | {summary(search, 'algo_cpu_ms')} ms/sample | |",
        f"| `{args.spec}`, CPU time of the run | {summary(search, 'cpu_ms')} ms/sample | |",
    ]
    (args.out / "scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
