"""Datasets for the trained space, as uint8 tensors small enough to live whole on a GPU.

CIFAR-10 is read from the official python archive (``cifar-10-python.tar.gz`` or its extracted
``cifar-10-batches-py/``) at ``$CIFAR10_PATH``; Fashion-MNIST from Debian's ``dataset-fashion-mnist``
(``/usr/share/datasets/fashion-mnist/``) or ``$FASHION_MNIST_PATH``, zero-padded from 28x28 to
32x32 and repeated to 3 channels so the NAS-Bench-201 network is used unchanged.

Splits: the validation set is held out of the training set by a fixed permutation (seed 0), so
test images never select anything. ``split="nb201"`` is NAS-Bench-201's ``cifar10-valid`` protocol:
half of the training set (25k for CIFAR-10) trains, the other half validates.
"""

from __future__ import annotations

import gzip
import os
import pickle
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..base import BenchmarkError

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_FILES = {
    "train_x": "train-images-idx3-ubyte.gz",
    "train_y": "train-labels-idx1-ubyte.gz",
    "test_x": "t10k-images-idx3-ubyte.gz",
    "test_y": "t10k-labels-idx1-ubyte.gz",
}
DATASETS = ("cifar10", "fashion-mnist")
#: default size of the held-out validation set
VALID_SIZE = {"cifar10": 5000, "fashion-mnist": 10000}


@dataclass(frozen=True)
class Splits:
    """Images as uint8 (N, 3, 32, 32) and labels as int64 (N,), for train / valid / test."""

    name: str
    train_x: np.ndarray
    train_y: np.ndarray
    valid_x: np.ndarray
    valid_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    num_classes: int = 10

    def mean_std(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-channel mean and std of the training images, in 0..255 units."""
        x = self.train_x.astype(np.float64)
        return x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3)) + 1e-6


def cifar10_path() -> str | None:
    return os.environ.get("CIFAR10_PATH") or None


def fashion_path() -> str:
    return os.environ.get("FASHION_MNIST_PATH") or FASHION_DIR


def dataset_unavailable(dataset: str, path: str | None = None) -> str | None:
    """None when ``dataset`` can be loaded, else a one-line reason saying what to get."""
    if dataset == "cifar10":
        p = path or cifar10_path()
        if not p:
            return (
                "CIFAR-10 not given: download cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/"
                " and pass --cifar10-path (or set CIFAR10_PATH) to it or to its extracted folder"
            )
        if _cifar_source(Path(p)) is None:
            return (
                f"no CIFAR-10 python archive at {p}: expected cifar-10-python.tar.gz or a "
                "cifar-10-batches-py/ folder (https://www.cs.toronto.edu/~kriz/)"
            )
        return None
    if dataset == "fashion-mnist":
        d = Path(path or fashion_path())
        absent = [f for f in FASHION_FILES.values() if not (d / f).is_file()]
        if absent:
            return (
                f"Fashion-MNIST not found in {d} (missing {absent[0]}): run `apt-get install "
                "dataset-fashion-mnist` or set FASHION_MNIST_PATH to a folder with the four idx .gz files"
            )
        return None
    return f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})"


def _cifar_source(p: Path) -> Path | None:
    for cand in (p, p / "cifar-10-python.tar.gz", p / "cifar-10-batches-py"):
        if cand.is_file() and tarfile.is_tarfile(cand):
            return cand
        if cand.is_dir() and (cand / "data_batch_1").is_file():
            return cand
    return None


def _cifar_batches(src: Path) -> dict[str, dict]:
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    out: dict[str, dict] = {}
    if src.is_dir():
        for n in names:
            with open(src / n, "rb") as f:
                out[n] = pickle.load(f, encoding="bytes")
        return out
    with tarfile.open(src) as tar:
        for m in tar.getmembers():
            base = m.name.rsplit("/", 1)[-1]
            if base in names:
                out[base] = pickle.load(tar.extractfile(m), encoding="bytes")  # type: ignore[arg-type]
    if len(out) != len(names):
        raise BenchmarkError(f"CIFAR-10 archive {src} lacks {sorted(set(names) - set(out))}")
    return out


def load_cifar10(path: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    reason = dataset_unavailable("cifar10", path)
    if reason:
        raise BenchmarkError(reason)
    batches = _cifar_batches(_cifar_source(Path(path or cifar10_path())))  # type: ignore[arg-type]

    def stack(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        x = np.concatenate([np.asarray(batches[k][b"data"], dtype=np.uint8) for k in keys])
        y = np.concatenate([np.asarray(batches[k][b"labels"], dtype=np.int64) for k in keys])
        return x.reshape(-1, 3, 32, 32), y

    return (*stack([f"data_batch_{i}" for i in range(1, 6)]), *stack(["test_batch"]))


def _idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion(path: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    reason = dataset_unavailable("fashion-mnist", path)
    if reason:
        raise BenchmarkError(reason)
    d = Path(path or fashion_path())
    arrays = {k: _idx(d / f) for k, f in FASHION_FILES.items()}

    def image(x: np.ndarray) -> np.ndarray:
        x = np.pad(x, ((0, 0), (2, 2), (2, 2)))  # 28x28 -> 32x32 with black borders
        return np.repeat(x[:, None], 3, axis=1)

    return (
        image(arrays["train_x"]),
        arrays["train_y"].astype(np.int64),
        image(arrays["test_x"]),
        arrays["test_y"].astype(np.int64),
    )


def load(
    dataset: str,
    *,
    path: str | None = None,
    split: str = "holdout",
    valid_size: int | None = None,
    train_size: int | None = None,
    test_size: int | None = None,
) -> Splits:
    """Train / valid / test splits of ``dataset``; ``train_size``/``test_size`` take subsets."""
    if dataset not in DATASETS:
        raise BenchmarkError(f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})")
    path = path or (cifar10_path() if dataset == "cifar10" else fashion_path())
    return _load(dataset, path, split, valid_size, train_size, test_size)


@lru_cache(maxsize=4)
def _load(
    dataset: str, path: str | None, split: str, valid_size: int | None, train_size: int | None, test_size: int | None
) -> Splits:
    tx, ty, sx, sy = load_cifar10(path) if dataset == "cifar10" else load_fashion(path)
    perm = np.random.default_rng(0).permutation(len(tx))
    if split == "nb201":
        n_valid = len(tx) // 2
    elif split == "holdout":
        n_valid = VALID_SIZE[dataset] if valid_size is None else int(valid_size)
    else:
        raise BenchmarkError(f"unknown split {split!r}: use holdout or nb201")
    if not 0 < n_valid < len(tx):
        raise BenchmarkError(f"valid_size={n_valid} must be between 1 and {len(tx) - 1}")
    valid, train = perm[:n_valid], perm[n_valid:]
    if train_size is not None:
        train = train[: int(train_size)]
    n_test = len(sx) if test_size is None else min(int(test_size), len(sx))
    return Splits(
        dataset, tx[train], ty[train], tx[valid], ty[valid], sx[:n_test], sy[:n_test], int(max(ty.max(), sy.max()) + 1)
    )
