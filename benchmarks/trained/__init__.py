"""The trained NAS-Bench-201 space: queries answered by really training the network.

``trained/nb201-cifar10`` and ``trained/nb201-fashion-mnist`` share NAS-Bench-201's cell space
(6 edges x 5 operations, the same ``Arch`` as ``nb201``/``anb201``; enumerable, 15,625 cells) and
answer ``query`` by training the NAS-Bench-201 network with its schedule (Dong & Yang 2020; see
``train.py``), or from the persistent store of earlier trainings (``store.py``; ``$TRAINED_CACHE``).
``valid``/``test`` are accuracies in percent; ``cost_s`` is the training's wall time.
``evaluator=oneshot`` answers instead from one weight-sharing supernet trained once with the same
schedule (``supernet.py``; cached beside the store): ``valid`` is the cell's path's validation accuracy
with the shared weights, ``cost_s`` that forward pass's wall time, and the supernet's training time is
in ``extra["supernet_train_s"]``. No cell is trained from scratch, so such runs are judged on the
estimate (``true_valid`` = ``valid``); compare with trained cells by ``python -m benchmarks.trained``.

Failures: a training whose loss diverges (NaN/inf) is a property of the cell and schedule; it
is stored and answered as chance accuracy (100 / classes) with ``extra["status"] == "diverged"``
and its reason, so a search goes on. Any other failure (out of memory, a bug) raises
``BenchmarkError`` with the recorded reason, which the runner records as a failed run; such
failures are stored but retried by the next query, as they may be transient.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from functools import partial
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from ..base import Arch, Benchmark, BenchmarkError, Result
from ..optional import torch_unavailable
from ..registry import register
from .data import VALID_SIZE, dataset_unavailable
from .store import Store, arch_key

log = logging.getLogger(__name__)


class TrainedBenchmark(Benchmark):
    """NAS-Bench-201 cells trained on request on ``dataset``; options default to NAS-Bench-201's."""

    choices = (5,) * 6
    value_range = (0.0, 100.0)
    objective = "validation accuracy (%) after training"

    def __init__(
        self,
        *,
        dataset: str,
        epochs: int = 12,
        width: int = 16,
        cells: int = 5,
        batch: int = 256,
        lr: float = 0.1,
        momentum: float = 0.9,
        wd: float = 5e-4,
        split: str = "holdout",
        train_size: int | None = None,
        valid_size: int | None = None,
        test_size: int | None = None,
        seed: int = 0,
        seeds: int = 1,
        device: str = "auto",
        precision: str = "auto",
        compile: bool = False,
        graphs: bool = True,
        cache: str | None = None,
        evaluator: Literal["train", "oneshot"] = "train",
    ) -> None:
        self.dataset, self.epochs, self.width, self.cells, self.batch = dataset, epochs, width, cells, batch
        self.lr, self.momentum, self.wd, self.split = lr, momentum, wd, split
        self.train_size, self.valid_size, self.test_size = train_size, valid_size, test_size
        self.seed, self.seeds, self.device, self.precision = seed, seeds, device, precision
        self.compile, self.graphs, self.cache, self.evaluator = compile, graphs, cache, evaluator
        self.supernet: Any = None  # (model, training seconds, whether it came from the cache), once built
        self.trainings = 0  # trainings run by this object (tests and progress bars read it)
        self._store: Store | None = None
        self._splits: Any = None
        self._data: Any = None

    # ----- the space: all 15,625 cells, as in the nb201 tables ---------------------------
    def all_archs(self) -> np.ndarray:
        return np.indices(self.choices).reshape(len(self.choices), -1).T.copy()

    # ----- configuration -----------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.cache)
        return self._store

    def resolved_device(self) -> str:
        if self.device != "auto":
            return str(self.device)
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def schedule(self):
        from .pipeline import Schedule

        precision = self.precision
        if precision == "auto":
            precision = "bf16" if self.resolved_device().startswith("cuda") else "fp32"
        if precision not in ("bf16", "fp32"):
            raise BenchmarkError(f"precision must be auto, bf16 or fp32, not {precision!r}")
        return Schedule(
            int(self.epochs),
            int(self.batch),
            float(self.lr),
            float(self.momentum),
            float(self.wd),
            int(self.width),
            int(self.cells),
            precision,
        )

    def schedule_key(self) -> str:
        """The store's schedule column: the training schedule and the data split."""
        valid = self.valid_size if self.valid_size is not None else VALID_SIZE.get(self.dataset)
        split = (
            f"split={self.split},valid={valid if self.split == 'holdout' else 'half'},"
            f"train={self.train_size},test={self.test_size}"
        )
        return f"{self.schedule().key()}|{split}"

    def splits(self):
        if self._splits is None:
            from .data import load

            self._splits = load(
                self.dataset,
                split=self.split,
                valid_size=self.valid_size,
                train_size=self.train_size,
                test_size=self.test_size,
            )
        return self._splits

    # ----- the oracle --------------------------------------------------------------------
    def training_seed(self, rng: np.random.Generator | None) -> int:
        if int(self.seeds) > 1 and rng is not None:
            return int(self.seed) + int(rng.integers(int(self.seeds)))
        return int(self.seed)

    def query(self, arch: Arch, rng: np.random.Generator | None = None) -> Result:
        arch = self.canonical(arch)
        if not self.is_valid(arch):
            raise BenchmarkError(f"{self.name or 'trained'}: not a NAS-Bench-201 cell: {arch}")
        if self.evaluator == "oneshot":
            return self._estimate(arch)
        seed = self.training_seed(rng)
        row = self.store.get(arch, self.dataset, self.schedule_key(), seed)
        from_store = row is not None and row["status"] != "error"
        if not from_store:
            self.train([arch], seed)
            row = self.store.get(arch, self.dataset, self.schedule_key(), seed)
        return self._result(row, from_store)

    def device_data(self):
        if self._data is None:
            import torch

            from .pipeline import DeviceData

            self._data = DeviceData(self.splits(), torch.device(self.resolved_device()))
        return self._data

    def _estimate(self, arch: Arch) -> Result:
        """The one-shot supernet's estimate of ``arch`` (training the supernet, or loading it, first)."""
        from .supernet import accuracy, cache_path, cached_supernet

        if self.supernet is None:
            path = cache_path(self.store.path.parent, self.dataset, self.schedule_key(), int(self.seed))
            self.supernet = cached_supernet(path, self.device_data(), self.schedule(), int(self.seed))
        model, train_s, cached = self.supernet
        start = time.perf_counter()
        valid = accuracy(model, self.device_data(), arch)
        extra = {"supernet_train_s": train_s, "supernet_from_cache": cached, "evaluator": "oneshot"}
        return Result(valid, None, time.perf_counter() - start, MappingProxyType(extra))

    def _result(self, row: dict[str, Any] | None, from_store: bool) -> Result:
        if row is None or row["status"] == "error":
            reason = row["reason"] if row else "no result stored"
            raise BenchmarkError(f"training of {row['arch'] if row else '?'} failed: {reason}")
        extra = {k: row[k] for k in ("status", "reason", "seed", "params", "epochs", "train_loss", "device")}
        extra["from_store"] = from_store
        if row["status"] == "diverged":
            chance = 100.0 / 10
            return Result(chance, chance, float(row["cost_s"] or 0.0), MappingProxyType(extra))
        return Result(float(row["valid"]), float(row["test"]), float(row["cost_s"]), MappingProxyType(extra))

    def pending(self, archs: Iterable[Sequence[int]], seed: int) -> list[Arch]:
        """The architectures of ``archs`` without a stored answer for ``seed`` (errors are retried)."""
        key, out = self.schedule_key(), []
        for a in archs:
            row = self.store.get(a, self.dataset, key, seed)
            if row is None or row["status"] == "error":
                out.append(tuple(int(x) for x in a))
        return out

    def train(self, archs: Sequence[Sequence[int]], seed: int):
        """Train ``archs`` together on one device and store every outcome; returns the outcomes."""
        from .train import train_group

        device = self.resolved_device()
        outcomes = train_group(
            archs,
            self.splits(),
            self.schedule(),
            seed,
            device=device,
            graphs=bool(self.graphs),
            compile=bool(self.compile),
            data=self.device_data(),
        )
        key = self.schedule_key()
        for o in outcomes:
            self.trainings += 1
            self.store.put(
                o.arch,
                self.dataset,
                key,
                seed,
                status=o.status,
                valid=o.valid,
                test=o.test,
                train_loss=o.train_loss,
                cost_s=o.cost_s,
                epochs=o.epochs,
                params=o.params,
                reason=o.reason,
                device=device,
            )
            if o.status != "ok":
                log.warning("training %s on %s: %s (%s)", arch_key(o.arch), self.dataset, o.status, o.reason)
        return outcomes

    def describe(self) -> str:
        how = "estimated by one weight-sharing supernet" if self.evaluator == "oneshot" else "trained"
        return f"15,625 archs {how} on {self.dataset} ({self.epochs} epochs, cache {self.store.path})"


def train_worker(spec: str, archs: list[Arch], seed: int, concurrent: int, threads: int | None) -> None:
    """One build process (``python -m benchmarks.trained build --workers K``): train what is pending."""
    from ..registry import make

    if threads:
        import torch

        torch.set_num_threads(threads)
    bench = make(spec)
    assert isinstance(bench, TrainedBenchmark)
    for i in range(0, len(archs), concurrent):
        todo = bench.pending(archs[i : i + concurrent], seed)  # another worker or run may have done them
        if todo:
            bench.train(todo, seed)


def _factory(dataset: str) -> partial:
    return partial(TrainedBenchmark, dataset=dataset)


register(
    "trained/nb201-cifar10",
    _factory("cifar10"),
    unavailable=lambda: torch_unavailable() or dataset_unavailable("cifar10"),
    gpu=True,
)
register(
    "trained/nb201-fashion-mnist",
    _factory("fashion-mnist"),
    unavailable=lambda: torch_unavailable() or dataset_unavailable("fashion-mnist"),
    gpu=True,
)
