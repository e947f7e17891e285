"""``python -m benchmarks.zerocost build --out FILE``: see :mod:`benchmarks.zerocost`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from ..base import BenchmarkError
from . import DATA, DATA_FREE, Setting
from .table import N_CELLS, build


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.zerocost")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="score cells into an npz table (resumable: rerun to continue)")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--dataset", default="fashion-mnist")
    b.add_argument("--batch-size", type=int, default=64)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--free-cells", type=int, default=N_CELLS, help="cells for synflow (params, flops: all)")
    b.add_argument("--data-cells", type=int, default=2000, help="cells for the data proxies")
    b.add_argument("--chunk", type=int, default=100, help="cells between two saves")
    b.add_argument("--workers", type=int, default=1, help="processes (one torch thread each)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    try:
        build(
            args.out,
            Setting(args.dataset, args.batch_size, args.seed),
            [(DATA_FREE, args.free_cells), (DATA, args.data_cells)],
            args.chunk,
            progress=lambda line: print(line, flush=True),
            workers=args.workers,
        )
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
