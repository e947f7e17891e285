"""Small files in the official formats, built with the official packages' own classes (tests only).

- ``nb201_file``: a NAS-Bench-201 ``.pth`` (``torch.save`` of ``meta_archs`` / ``arch2infos`` /
  ``evaluated_indexes`` / ``total_archs``), results made with ``nas_201_api``'s ``ArchResults`` and
  ``ResultsCount``.
- ``results_count``: one trial in either package's ``ResultsCount`` class.
- ``nb101_record``: one ``nasbench_only108.tfrecord`` record (JSON list with a base64
  ``ModelMetrics`` proto encoded by hand); ``write_records``: records as a TFRecord file.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from benchmarks._tfrecord import frame

#: evaluation sets recorded per dataset in the official files
SETS = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": ("ori-test",),
    "cifar100": ("x-valid", "x-test", "ori-test"),
    "ImageNet16-120": ("x-valid", "x-test", "ori-test"),
}


def results_count(
    cls: Any,
    arch_str: str,
    dataset: str,
    seed: int,
    epochs: int,
    accs: dict[str, float],
    train_time: float,
    params: float = 0.5,
    flop: float = 10.0,
) -> Any:
    """A trial whose final-epoch accuracy on each set is ``accs[set]`` (earlier epochs lower)."""
    ep = range(epochs)
    rc = cls(
        dataset,
        None,
        {e: 50.0 for e in ep},
        {e: 1.0 for e in ep},
        params,
        flop,
        {"arch_str": arch_str, "channel": 16, "num_cells": 5, "class_num": 10},
        seed,
        epochs,
        [0.01],
    )
    rc.update_train_info(
        {e: 60.0 + e / epochs for e in ep},
        {e: 90.0 for e in ep},
        {e: 1.0 for e in ep},
        {e: train_time / epochs for e in ep},
    )
    keys = [f"{name}@{e}" for name in accs for e in ep]
    acc = {k: accs[k.split("@")[0]] - (0.0 if k.endswith(f"@{epochs - 1}") else 5.0) for k in keys}
    rc.update_eval(acc, {k: 0.5 for k in keys}, {k: 1.0 for k in keys})
    return rc


def arch_results(
    module: Any, index: int, arch_str: str, trials: dict[tuple[str, int], tuple[dict, float]], epochs: int
) -> Any:
    """``ArchResults`` of ``module`` (nas_201_api.api_utils or nats_bench.api_utils) holding
    ``trials[(dataset, seed)] = (accs per set, train time)``."""
    res = module.ArchResults(index, arch_str)
    for (dataset, seed), (accs, time) in trials.items():
        res.update(dataset, seed, results_count(module.ResultsCount, arch_str, dataset, seed, epochs, accs, time))
    return res


# ----- NAS-Bench-101 ----------------------------------------------------------------------
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _double(field: int, x: float) -> bytes:
    return _varint(field << 3 | 1) + struct.pack("<d", x)


def _message(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def model_metrics(valid: float, test: float, time: float, params: int) -> bytes:
    """A serialized ``nasbench.ModelMetrics`` with evaluations at epochs 0, 54 and 108."""
    evals = b""
    for epoch, frac in ((0.0, 0.1), (54.0, 0.8), (108.0, 1.0)):
        data = (
            _double(1, epoch)
            + _double(2, time * epoch / 108)
            + _double(3, frac)
            + _double(4, valid * frac)
            + _double(5, test * frac)
            + _message(6, b"/tmp/model.ckpt-1")
        )
        evals += _message(1, data)
    return evals + _varint(2 << 3) + _varint(params) + _double(3, time + 60.0)


OP_NAMES = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")


def nb101_record(
    module_hash: str,
    matrix: Sequence[Sequence[int]],
    ops: Sequence[int],
    valid: float,
    test: float,
    time: float = 1000.0,
    params: int = 1_000_000,
) -> bytes:
    m = np.asarray(matrix, dtype=int)
    raw_ops = ",".join(["input", *(OP_NAMES[o] for o in ops), "output"])
    metrics = base64.b64encode(model_metrics(valid, test, time, params)).decode()
    return json.dumps([module_hash, 108, "".join(map(str, m.ravel())), raw_ops, metrics]).encode()


def write_records(path: str | os.PathLike, records: Iterable[bytes]) -> None:
    """Write ``records`` as a TFRecord file (framed as the official reader expects)."""
    with open(path, "wb") as f:
        for record in records:
            f.write(frame(record))
