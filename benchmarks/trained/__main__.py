"""``python -m benchmarks.trained build --data fashion-mnist --archs N --seed S``: fill the store.

Samples N distinct cells with ``numpy.random.default_rng(S)`` (the same N for the same S, so a
rerun resumes: cells already stored are skipped), trains them in groups of ``--concurrent`` per
device, and shows a progress bar. ``--device cuda:0,cuda:1 --workers 2`` trains on several
GPUs at once, one process per device, all writing to the same store. ``--export FILE`` writes
the store to .parquet or .csv afterwards.

``python -m benchmarks.trained supernet --data fashion-mnist --archs 30 --seed S``: the one-shot
supernet's rank agreement with those cells trained from scratch (``agreement.py``).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time

import numpy as np

from ..base import BenchmarkError
from ..registry import make
from ..specs import SpecError
from . import TrainedBenchmark, train_worker


def _spec(args: argparse.Namespace, device: str) -> str:
    opts = f"device={device},epochs={args.epochs}" + (f",{args.options}" if args.options else "")
    return f"trained/nb201-{args.data}:{opts}"


def build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    devices = args.device.split(",")
    bench = make(_spec(args, devices[0]))
    assert isinstance(bench, TrainedBenchmark)
    pool = bench.all_archs()
    assert pool is not None  # a cell space is enumerable
    pick = np.random.default_rng(args.seed).choice(len(pool), size=min(args.archs, len(pool)), replace=False)
    archs = [tuple(int(a) for a in pool[i]) for i in pick]
    todo = bench.pending(archs, args.seed)
    print(
        f"{bench.name}: {len(archs) - len(todo)} of {len(archs)} cells already in {bench.store.path}", file=sys.stderr
    )
    bar = tqdm(total=len(archs), initial=len(archs) - len(todo), unit="arch", file=sys.stderr)
    workers = max(1, min(args.workers, len(todo)))
    if workers == 1:
        for i in range(0, len(todo), args.concurrent):
            group = todo[i : i + args.concurrent]
            bench.train(group, args.seed)
            bar.update(len(group))
    else:
        ctx = mp.get_context("spawn")
        procs = [
            ctx.Process(
                target=train_worker,
                args=(
                    _spec(args, devices[k % len(devices)]),
                    todo[k::workers],
                    args.seed,
                    args.concurrent,
                    args.threads,
                ),
            )
            for k in range(workers)
        ]
        for p in procs:
            p.start()
        while any(p.is_alive() for p in procs):
            time.sleep(2.0)
            bar.n = len(archs) - len(bench.pending(archs, args.seed))
            bar.refresh()
        bar.n = len(archs) - len(bench.pending(archs, args.seed))
        if any(p.exitcode for p in procs):
            print("a worker failed; rerun the same command to resume", file=sys.stderr)
            return 1
    bar.close()
    rows = [r for r in bench.store.rows() if r["dataset"] == bench.dataset and r["schedule"] == bench.schedule_key()]
    failed = sum(r["status"] != "ok" for r in rows)
    print(f"{len(rows)} trainings of this schedule in the store ({failed} failed)", file=sys.stderr)
    if args.export:
        print(f"exported to {bench.store.export(args.export)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.trained", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="train N sampled cells into the store (resumable)")
    b.add_argument("--data", choices=["fashion-mnist", "cifar10"], default="fashion-mnist")
    b.add_argument("--archs", type=int, default=100, help="number of distinct cells to train")
    b.add_argument("--seed", type=int, default=0, help="selects the cells and seeds their trainings")
    b.add_argument("--epochs", type=int, default=12, help="12 (NAS-Bench-201's short schedule) or 200")
    b.add_argument("--options", default="", help="more spec options, e.g. width=16,cells=5,train_size=5000")
    b.add_argument("--device", default="auto", help="auto, cpu, cuda or a list cuda:0,cuda:1")
    b.add_argument("--workers", type=int, default=1, help="processes, one per device of --device")
    b.add_argument("--concurrent", type=int, default=1, help="networks trained at once on one device")
    b.add_argument("--threads", type=int, default=None, help="torch CPU threads per worker")
    b.add_argument("--cache", default=None, help="store file or folder (default $TRAINED_CACHE)")
    b.add_argument("--export", default=None, help="write the store to this .parquet or .csv")
    s = sub.add_parser("supernet", help="rank agreement of the one-shot supernet with N cells trained from scratch")
    for flag in ("--data", "--archs", "--seed", "--epochs", "--options", "--device", "--threads", "--cache"):
        action = next(a for a in b._actions if flag in a.option_strings)
        s.add_argument(
            flag,
            type=action.type,  # type: ignore[arg-type]  # typeshed: None is argparse's own default
            default=action.default,
            choices=action.choices,
            help=action.help,
        )
    s.add_argument("--top", type=int, default=5, help="k of the top-k overlap")
    args = ap.parse_args(argv)
    if args.cache:
        os.environ["TRAINED_CACHE"] = args.cache
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    try:
        if args.command == "supernet":
            from .agreement import agreement

            out = agreement(_spec(args, args.device), args.archs, args.seed, args.top)
            print("\n".join(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}" for k, v in out.items()))
            return 0
        return build(args)
    except (BenchmarkError, SpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
