"""NATS-Bench (Dong et al., TPAMI 2021) from the user's official files, read by PyPI ``nats_bench``.

- ``nats-tss/<dataset>``: the topology space, the NAS-Bench-201 cell (15,625 cells, 6 edges x 5
  ops, same encoding as ``nb201``), schedules ``hp=12`` or ``hp=200`` (default).
- ``nats-sss/<dataset>``: the size space, 8 channel choices {8, ..., 64} for each of 5 layers
  (8^5 = 32,768 architectures), schedules ``hp=01``, ``12`` or ``90`` (default).

``NATS_PATH`` (``--nats-path``) is a directory holding the official ``NATS-tss-v1_0-3ffb9-simple/``
and ``NATS-sss-v1_0-50262-simple/`` folders (or their ``-full`` folders or single
``.pickle.pbz2`` files), or one of those paths itself. Results are converted once into the
npz cache with the package's own ``create`` / ``query_meta_info_by_index``.
"""

from __future__ import annotations

import contextlib
import io
import os
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from .base import BenchmarkError
from .official_nb201 import _LOAD_ERRORS, flatten, parse_cell, table_kwargs
from .registry import register
from .table import TableBenchmark, cached_arrays

ENV = "NATS_PATH"
CHANNELS = (8, 16, 24, 32, 40, 48, 56, 64)
SPACES: dict[str, dict[str, Any]] = {
    "tss": dict(base="NATS-tss-v1_0-3ffb9", hps=("12", "200"), default="200"),
    "sss": dict(base="NATS-sss-v1_0-50262", hps=("01", "12", "90"), default="90"),
}
DATASETS = ("cifar10-valid", "cifar100", "ImageNet16-120")


def _download(space: str) -> str:
    info = SPACES[space]
    return (
        f"download {info['base']}-simple.tar from https://github.com/D-X-Y/NATS-Bench, "
        f"unpack it and pass --nats-path DIR or set {ENV}"
    )


def find_source(space: str) -> Path | None:
    """The official file or folder of ``space`` under ``NATS_PATH``, or None when unset."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    root = Path(value).expanduser()
    prefix = f"NATS-{space}"
    if root.name.startswith(prefix):
        return root
    for suffix in ("-simple", ".pickle.pbz2", "-full"):
        candidate = root / f"{SPACES[space]['base']}{suffix}"
        if candidate.exists():
            return candidate
    if root.is_dir():
        found = sorted(p for p in root.iterdir() if p.name.startswith(prefix) and not p.name.endswith(".tar"))
        if found:
            return found[0]
    return root / f"{SPACES[space]['base']}-simple"  # reported as missing


def unavailable(space: str) -> str | None:
    source = find_source(space)
    if source is None:
        return f"NATS_PATH is not set; {_download(space)}"
    if not source.exists():
        return f"{source} does not exist; {_download(space)}"
    return None


def parse_arch(space: str, arch_str: str) -> tuple[int, ...]:
    if space == "tss":
        return parse_cell(arch_str)
    return tuple(CHANNELS.index(int(c)) for c in arch_str.split(":"))


def _indexes(api, source: Path) -> list[int]:
    if not source.is_dir():
        return sorted(api.evaluated_indexes)
    names = {p.name for p in source.iterdir()}  # fast mode: one file per evaluated architecture
    return [i for i in range(len(api.meta_archs)) if f"{i:06d}.pickle.pbz2" in names or f"{i}.pickle.pbz2" in names]


def _build(space: str, source: Path) -> dict[str, np.ndarray]:
    import nats_bench

    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the API prints progress even when quiet
            api = nats_bench.create(str(source), space, fast_mode=source.is_dir(), verbose=False)
            per_hp: dict[str, list] = {hp: [] for hp in SPACES[space]["hps"]}
            for index in _indexes(api, source):
                arch = parse_arch(space, api.meta_archs[index])
                for hp in per_hp:
                    with contextlib.suppress(ValueError):  # a schedule this architecture lacks
                        per_hp[hp].append((arch, api.query_meta_info_by_index(index, hp)))
    except _LOAD_ERRORS as exc:
        raise BenchmarkError(
            f"{source} is not a readable NATS-Bench {space} file ({type(exc).__name__}: "
            f"{str(exc)[:120]}); {_download(space)}"
        ) from None
    out = flatten(per_hp)
    if not out:
        raise BenchmarkError(f"{source} holds no NATS-Bench {space} results; {_download(space)}")
    return out


def load_nats(space: str, dataset: str, hp: str | None = None) -> dict:
    """``TableBenchmark`` keyword arguments for ``dataset`` of the ``space`` (tss|sss) file."""
    info = SPACES[space]
    hp = info["default"] if hp is None else str(hp).zfill(2)
    if hp not in info["hps"]:
        raise BenchmarkError(f"nats-{space} has hp in {{{', '.join(info['hps'])}}}, not hp={hp}")
    reason = unavailable(space)
    if reason:
        raise BenchmarkError(reason)
    source = find_source(space)
    assert source is not None  # else unavailable() gave the reason
    stamp = source / "meta.pickle.pbz2" if source.is_dir() else source
    if not stamp.exists():
        raise BenchmarkError(f"{source} has no meta.pickle.pbz2; {_download(space)}")
    arrays = cached_arrays(f"nats-{space}-{source.name}", stamp, lambda: _build(space, source))
    kwargs = table_kwargs(arrays, f"{dataset}.{hp}.")
    if "archs" not in kwargs:
        raise BenchmarkError(f"{source.name} has no hp={hp} results for {dataset}")
    return kwargs


def _factory(space: str, dataset: str):
    def make(hp: str | int | None = None, noisy: bool = False) -> TableBenchmark:
        choices = (5,) * 6 if space == "tss" else (len(CHANNELS),) * 5
        return TableBenchmark(
            choices=choices,
            noisy=noisy,
            value_range=(0.0, 100.0),
            **load_nats(space, dataset, None if hp is None else str(hp)),
        )

    make.__doc__ = f"NATS-Bench {space} on {dataset}: mean final validation accuracy (%) over seeds."
    return make


for _space in SPACES:
    for _dataset in DATASETS:
        register(f"nats-{_space}/{_dataset}", _factory(_space, _dataset), unavailable=partial(unavailable, _space))
