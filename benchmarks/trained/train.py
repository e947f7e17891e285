"""The trainer: NAS-Bench-201's schedule (Dong & Yang 2020, Sec. 2.4), made fast on a GPU.

Schedule: SGD with Nesterov momentum 0.9, weight decay 5e-4 on every parameter, batch 256, learning
rate 0.1 decayed by a per-step cosine to 0, random 32x32 crop of the 4-pixel zero-padded image and
horizontal flip; 12 epochs (NAS-Bench-201's short schedule) by default, 200 as an option.

Speed (why the code looks as it does): the whole dataset lives on the device as uint8; each
training's random order, crops, flips and learning rates are drawn up front from a CPU generator
seeded by the training seed (so CPU and GPU see the same batches), which makes one training step a
pure function of a step-counter tensor. On CUDA that step (gather + augment, forward under bf16
autocast in channels-last, backward, a foreach SGD update) is captured once as a CUDA graph and
replayed, so a step costs one launch; several networks are trained at once, each replaying its
graph on its own stream. The loss is summed on the device and read once per epoch: a non-finite
epoch loss marks the training as diverged. Eager execution of the same step is the fallback (CPU).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .data import Splits
from .model import Network, param_count
from .pipeline import DeviceData, Plan, Schedule, make_plan

log = logging.getLogger(__name__)
WARMUP_STEPS = 3  # eager steps before CUDA-graph capture (cuDNN/cuBLAS pick their kernels here)


@dataclass(frozen=True)
class Outcome:
    """One training: ``status`` is ok, diverged (non-finite loss) or error (an exception)."""

    arch: tuple[int, ...]
    status: str
    valid: float | None = None
    test: float | None = None
    train_loss: float | None = None
    cost_s: float = 0.0
    epochs: int = 0
    params: int = 0
    reason: str = ""


class Net:
    """One network's training state; ``step()`` runs one eager step or replays its CUDA graph."""

    def __init__(
        self,
        arch: Sequence[int],
        data: DeviceData,
        plan: Plan,
        sched: Schedule,
        seed: int,
        *,
        graphs: bool = True,
        compile: bool = False,
    ) -> None:
        with torch.random.fork_rng(devices=[]):  # seeded init without touching the global RNG
            torch.manual_seed(int(seed))
            model = Network(arch, width=sched.width, cells=sched.cells, num_classes=data.num_classes)
        dev = data.device
        self.arch, self.data, self.plan, self.sched = tuple(arch), data, plan, sched
        self.model = model.to(dev, memory_format=torch.channels_last)  # type: ignore[call-overload]  # torch stubs
        self.forward = torch.compile(self.model) if compile else self.model
        self.params = list(self.model.parameters())
        self.bufs = [torch.zeros_like(p) for p in self.params]
        self.t = torch.zeros(1, dtype=torch.long, device=dev)
        self.loss_sum = torch.zeros((), dtype=torch.float32, device=dev)
        self.bf16 = sched.precision == "bf16"
        self.stream = torch.cuda.Stream(dev) if dev.type == "cuda" else None
        self.use_graphs = graphs and dev.type == "cuda"
        self.graph: torch.cuda.CUDAGraph | None = None
        self.steps_done = 0
        self.status, self.reason = "ok", ""
        self.losses: list[float] = []

    def _step(self) -> None:
        for p in self.params:
            p.grad = None
        d, plan = self.data, self.plan
        idx = plan.order.index_select(0, self.t).squeeze(0)
        x = d.batch(idx, plan.aug.index_select(0, self.t).squeeze(0).long())
        with torch.autocast(d.device.type, dtype=torch.bfloat16, enabled=self.bf16, cache_enabled=False):
            logits = self.forward(x)
        loss = F.cross_entropy(logits.float(), d.train_y.index_select(0, idx))
        loss.backward()
        sgd_nesterov(
            self.params, self.bufs, plan.lr.index_select(0, self.t).squeeze(0), self.sched.momentum, self.sched.wd
        )
        self.loss_sum.add_(loss.detach())
        self.t.add_(1)

    def step(self) -> None:
        if self.graph is not None:
            self.graph.replay()
            return
        self._step()
        self.steps_done += 1
        if self.use_graphs and self.steps_done == WARMUP_STEPS:
            try:
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph, stream=self.stream):
                    self._step()
                self.graph = graph
            except Exception as exc:  # capture is an optimisation: fall back to eager steps
                log.warning("CUDA graph capture failed (%s); training %s eagerly", exc, self.arch)
                self.use_graphs = False

    def end_epoch(self, epoch: int) -> None:
        loss = float(self.loss_sum) / self.plan.steps_per_epoch
        self.loss_sum.zero_()
        self.losses.append(loss)
        if not math.isfinite(loss):
            self.status, self.reason = "diverged", f"non-finite training loss in epoch {epoch + 1}"

    @torch.no_grad()
    def accuracy(self, split: str, chunk: int = 1024) -> float:
        self.model.eval()
        x, y = self.data.eval_sets[split]
        correct = torch.zeros((), dtype=torch.long, device=x.device)
        finite = torch.ones((), dtype=torch.bool, device=x.device)
        for i in range(0, len(y), chunk):
            with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=self.bf16):
                logits = self.model(self.data.normalize(x[i : i + chunk])).float()
            finite &= torch.isfinite(logits).all()
            correct += (logits.argmax(1) == y[i : i + chunk]).sum()
        self.model.train()
        if not bool(finite):
            self.status, self.reason = "diverged", f"non-finite outputs on the {split} set"
        return 100.0 * int(correct) / max(1, len(y))


@torch.no_grad()
def sgd_nesterov(
    params: list[torch.Tensor], bufs: list[torch.Tensor], lr: torch.Tensor, momentum: float, wd: float
) -> None:
    """torch.optim.SGD(nesterov=True, dampening=0) with a device-tensor learning rate (graph-safe).

    As in torch.optim, parameters without a gradient (dead edges of the cell) are left alone.
    """
    live = [k for k, p in enumerate(params) if p.grad is not None]
    params, bufs = [params[k] for k in live], [bufs[k] for k in live]
    grads = [p.grad for p in params if p.grad is not None]  # all of them (live)
    torch._foreach_add_(grads, params, alpha=wd)
    torch._foreach_mul_(bufs, momentum)
    torch._foreach_add_(bufs, grads)
    torch._foreach_add_(grads, bufs, alpha=momentum)
    torch._foreach_mul_(grads, lr)
    torch._foreach_sub_(params, grads)


def _guard(net: Net, fn, *args) -> None:
    """Run ``fn``; an exception fails only this network (the others of the group go on)."""
    try:
        fn(*args)
    except Exception as exc:  # recorded as the training's failure reason
        net.status, net.reason = "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


def _on(net: Net):
    return torch.cuda.stream(net.stream) if net.stream is not None else contextlib.nullcontext()


def train_group(
    archs: Sequence[Sequence[int]],
    splits: Splits,
    sched: Schedule,
    seed: int,
    *,
    device: str | torch.device = "cpu",
    graphs: bool = True,
    compile: bool = False,
    data: DeviceData | None = None,
) -> list[Outcome]:
    """Train each of ``archs`` with ``sched`` and ``seed``, concurrently on one device.

    Each network's result does not depend on the others of the group: they share the batches
    (drawn from ``seed`` alone) and nothing else. ``cost_s`` is the group's wall time divided
    among its members.
    """
    dev = torch.device(device)
    data = data or DeviceData(splits, dev)
    plan = make_plan(len(splits.train_y), sched, seed, dev)
    start = time.perf_counter()
    nets: list[Net] = []
    for arch in archs:
        try:
            nets.append(Net(arch, data, plan, sched, seed, graphs=graphs, compile=compile))
        except Exception as exc:
            raise RuntimeError(f"could not build network {tuple(arch)}: {exc}") from exc
    if dev.type == "cuda":
        for net in nets:
            if net.stream is not None:  # always, on cuda
                net.stream.wait_stream(torch.cuda.current_stream(dev))
    _train_epochs(nets, plan.steps_per_epoch, sched.epochs)
    accs: dict[int, tuple[float, float]] = {}
    for i, net in enumerate(nets):
        if net.status == "ok":
            with _on(net):
                _guard(net, lambda n=net, i=i: accs.__setitem__(i, (n.accuracy("valid"), n.accuracy("test"))))
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    cost = (time.perf_counter() - start) / max(1, len(nets))
    return [_outcome(net, accs.get(i, (None, None)), cost) for i, net in enumerate(nets)]


def _train_epochs(nets: list[Net], steps_per_epoch: int, epochs: int) -> None:
    """Every epoch, a step of each network still training in turn (so they overlap on the device);
    a network that diverges or fails stops, the others go on."""
    for epoch in range(epochs):
        live = [n for n in nets if n.status == "ok"]
        for _ in range(steps_per_epoch):
            for net in live:
                with _on(net):
                    _guard(net, net.step)
        for net in live:
            with _on(net):
                _guard(net, net.end_epoch, epoch)
        log.info(
            "epoch %d/%d: %s",
            epoch + 1,
            epochs,
            ", ".join(f"{n.losses[-1]:.3f}" if n.losses else n.status for n in nets),
        )


def _outcome(net: Net, accs: tuple[float | None, float | None], cost: float) -> Outcome:
    """What one network of the group reports (no accuracies unless it trained to the end)."""
    valid, test = accs if net.status == "ok" else (None, None)
    return Outcome(
        net.arch,
        net.status,
        valid,
        test,
        net.losses[-1] if net.losses else None,
        cost,
        len(net.losses),
        param_count(net.model),
        net.reason,
    )
