"""``python -m benchmarks.trained.speedtest``: speed of the trainer against a plain PyTorch loop.

Measures, on one device and the same data, images per second and seconds per architecture for
the schedule (12 epochs by default, extrapolated from timed steps after a warm-up) for
(a) this package's trainer (device-resident data and augmentation, bf16 autocast on CUDA,
channels-last, CUDA-graph replay, optionally ``--concurrent K`` networks at once) and (b) the
ordinary loop (DataLoader with per-image augmentation, fp32, eager, torch.optim.SGD), for the
largest, median and smallest cells by FLOPs; and the trainer's achieved FLOP/s (3x the forward
FLOPs per image) against the GPU's peak dense bf16 FLOP/s. ``--quick`` runs on tiny data (CPU).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time

import numpy as np

from ..base import BenchmarkError
from ..flops import macs
from ..optional import TORCH_HINT

if __name__ == "__main__" and importlib.util.find_spec("torch") is None:
    print(f"python -m benchmarks.trained.speedtest: error: {TORCH_HINT}", file=sys.stderr)
    sys.exit(2)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

from .data import Splits, load  # noqa: E402
from .model import Network, forward_flops  # noqa: E402
from .pipeline import DeviceData, Schedule, make_plan  # noqa: E402
from .train import Net  # noqa: E402

#: peak dense bf16 tensor-core FLOP/s by device-name fragment (vendor data sheets)
PEAKS = {"H200": 989e12, "H100 PCIe": 756e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "A10": 125e12}


def peak_flops(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAKS.items() if k in name), None)


def pick_cells(width: int, cells: int) -> dict[str, tuple[int, ...]]:
    """Largest, median and smallest cells by NAS-Bench-201's FLOPs (:mod:`benchmarks.flops`)."""
    archs = np.indices((5,) * 6).reshape(6, -1).T
    median = archs[np.argsort(macs(archs, width=width, cells=cells), kind="stable")[len(archs) // 2]]
    return {"largest": (3,) * 6, "median": tuple(int(a) for a in median), "smallest": (1,) * 6}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_trainer(
    arch,
    splits: Splits,
    sched: Schedule,
    device: torch.device,
    *,
    steps: int,
    warmup: int,
    concurrent: int = 1,
    compile: bool = False,
) -> float:
    """Images per second of ``concurrent`` copies of ``arch`` trained together by ``train.Net``."""
    data = DeviceData(splits, device)
    epochs = math.ceil((warmup + steps) / max(1, len(splits.train_y) // sched.batch)) + 1
    plan = make_plan(len(splits.train_y), Schedule(**{**sched.__dict__, "epochs": epochs}), 0, device)
    nets = [Net(arch, data, plan, sched, k, compile=compile) for k in range(concurrent)]
    for net in nets:
        if net.stream is not None:
            net.stream.wait_stream(torch.cuda.current_stream(device))

    def run(n: int) -> None:
        for _ in range(n):
            for net in nets:
                if net.stream is not None:
                    with torch.cuda.stream(net.stream):
                        net.step()
                else:
                    net.step()
        _sync(device)

    run(warmup)
    t0 = time.perf_counter()
    run(steps)
    return concurrent * steps * plan.order.shape[1] / (time.perf_counter() - t0)


class AugmentedImages(Dataset):
    """The ordinary way: per-image pad, random crop, flip and normalise in the loader."""

    def __init__(self, x: np.ndarray, y: np.ndarray, mean: np.ndarray, std: np.ndarray) -> None:
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.mean, self.std = torch.tensor(mean).float().view(-1, 1, 1), torch.tensor(std).float().view(-1, 1, 1)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        img = F.pad(self.x[i].float(), (4, 4, 4, 4))
        dy, dx = torch.randint(0, 9, (2,)).tolist()
        img = img[:, dy : dy + 32, dx : dx + 32]
        if torch.rand(()) < 0.5:
            img = img.flip(-1)
        return (img - self.mean) / self.std, self.y[i]


def time_plain(
    arch, splits: Splits, sched: Schedule, device: torch.device, *, steps: int, warmup: int, workers: int
) -> float:
    """Images per second of a plain loop: DataLoader, fp32, eager, torch.optim.SGD, loss.item()."""
    model = Network(arch, width=sched.width, cells=sched.cells, num_classes=splits.num_classes).to(device)
    opt = torch.optim.SGD(
        model.parameters(), lr=sched.lr, momentum=sched.momentum, weight_decay=sched.wd, nesterov=True
    )
    lr_sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10**6)
    loader = DataLoader(
        AugmentedImages(splits.train_x, splits.train_y, *splits.mean_std()),
        batch_size=sched.batch,
        shuffle=True,
        drop_last=True,
        num_workers=workers,
        pin_memory=device.type == "cuda",
        persistent_workers=workers > 0,
    )
    done, t0, seen = 0, 0.0, 0
    while done < warmup + steps:
        for x, y in loader:
            if done == warmup:
                _sync(device)
                t0, seen = time.perf_counter(), 0
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            lr_sched.step()
            loss.item()
            done += 1
            seen += len(y)
            if done >= warmup + steps:
                break
    _sync(device)
    return seen / (time.perf_counter() - t0)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.trained.speedtest", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        choices=["fashion-mnist", "random", "cifar10"],
        default="fashion-mnist",
        help="fashion-mnist (padded to 32x32x3), random uint8 tensors of CIFAR-10's shape, or cifar10",
    )
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--epochs", type=int, default=12, help="schedule length used to extrapolate s/arch")
    ap.add_argument("--steps", type=int, default=50, help="timed steps per measurement")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--concurrent", type=int, default=4, help="networks trained at once (extra row)")
    ap.add_argument("--loader-workers", type=int, default=4)
    ap.add_argument("--compile", action="store_true", help="also torch.compile the trainer's network")
    ap.add_argument("--quick", action="store_true", help="tiny data and network: a CPU smoke run")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    return ap


def _splits(data: str, n_train: int | None) -> Splits:
    """The images to time on: the named data set, or random images of CIFAR-10's shape."""
    if data != "random":
        return load(data, train_size=n_train, valid_size=1000, test_size=1000)
    n = n_train or 50000
    g = np.random.default_rng(0)
    x = g.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
    y = g.integers(0, 10, n)
    return Splits("random", x, y, x[:1000], y[:1000], x[:1000], y[:1000])


def _row(label: str, arch, fl: float, plain: float, ours: float, many: float, n_img: int, peak) -> dict:
    """One cell's measurements: images per second and seconds per architecture of each trainer."""
    best = max(ours, many)
    achieved = 3 * fl * best
    return dict(
        cell=label,
        arch="-".join(map(str, arch)),
        fwd_mflop=fl / 1e6,
        plain_ips=plain,
        trainer_ips=ours,
        speedup=best / plain,
        concurrent_ips=many,
        plain_s=n_img / plain,
        trainer_s=n_img / best,
        tflops=achieved / 1e12,
        peak_fraction=achieved / peak if peak else None,
    )


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    device = torch.device(args.device)
    width, cells, batch, n_train = (4, 1, 64, 512) if args.quick else (16, 5, 256, None)
    if args.quick:
        args.steps, args.warmup, args.concurrent, args.loader_workers = 3, 1, min(args.concurrent, 2), 0
    try:
        splits = _splits(args.data, n_train)
    except BenchmarkError as exc:  # the data set is not there: say what to install or set
        print(f"{ap.prog}: error: {exc}", file=sys.stderr)
        return 2
    precision = "bf16" if device.type == "cuda" else "fp32"
    sched = Schedule(epochs=args.epochs, batch=batch, width=width, cells=cells, precision=precision)
    n_img = args.epochs * (len(splits.train_y) // batch) * batch
    peak = peak_flops(device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(
        f"device {name}; data {args.data} ({len(splits.train_y)} training images); "
        f"C={width}, N={cells}, batch {batch}; trainer precision {precision}; s/arch for {args.epochs} epochs"
    )
    print(
        "| cell | arch | fwd MFLOP/img | plain img/s | trainer img/s | x | "
        f"trainer x{args.concurrent} img/s | plain s/arch | trainer s/arch | TFLOP/s | of peak |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for label, arch in pick_cells(width, cells).items():
        fl = forward_flops(Network(arch, width=width, cells=cells))
        kw = dict(steps=args.steps, warmup=args.warmup)
        plain = time_plain(arch, splits, sched, device, workers=args.loader_workers, **kw)
        ours = time_trainer(arch, splits, sched, device, compile=args.compile, **kw)
        many = time_trainer(arch, splits, sched, device, concurrent=args.concurrent, compile=args.compile, **kw)
        best = max(ours, many)
        row = _row(label, arch, fl, plain, ours, many, n_img, peak)
        rows.append(row)
        frac = f"{row['peak_fraction']:.1%}" if peak else "n/a"
        print(
            f"| {label} | {row['arch']} | {row['fwd_mflop']:.1f} | {plain:.0f} | {ours:.0f} | {best / plain:.1f} | "
            f"{many:.0f} | {row['plain_s']:.1f} | {row['trainer_s']:.1f} | {row['tflops']:.3f} | {frac} |",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(device=name, data=args.data, args=vars(args), peak_flops=peak, rows=rows), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
