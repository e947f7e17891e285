"""The trained NAS-Bench-201 space on the CPU: tiny widths, a few hundred images made by the tests."""

import gzip
import pickle
import sqlite3
import tarfile

import numpy as np
import pytest

from benchmarks.optional import TORCH_HINT

torch = pytest.importorskip("torch", reason=TORCH_HINT)

from benchmarks import registry  # noqa: E402
from benchmarks.base import BenchmarkError  # noqa: E402
from benchmarks.trained import TrainedBenchmark, data, train  # noqa: E402
from benchmarks.trained.model import Network, param_count  # noqa: E402

TINY = dict(epochs=1, width=2, cells=1, batch=64, train_size=128, valid_size=64, test_size=64, device="cpu")


@pytest.fixture(autouse=True)
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _idx(path, arr):
    header = bytes([0, 0, 8, arr.ndim]) + np.array(arr.shape, dtype=">u4").tobytes()
    with gzip.open(path, "wb") as f:
        f.write(header + arr.astype(np.uint8).tobytes())


@pytest.fixture
def fashion(tmp_path, monkeypatch):
    """Fashion-MNIST in Debian's file layout (idx .gz), 400 + 100 images with learnable labels."""
    g = np.random.default_rng(0)
    d = tmp_path / "fmnist"
    d.mkdir()
    for split, n in (("train", 400), ("t10k", 100)):
        y = g.integers(0, 10, n)
        x = g.integers(0, 60, (n, 28, 28)) + (y * 20)[:, None, None]  # brightness encodes the class
        _idx(d / f"{split}-images-idx3-ubyte.gz", x)
        _idx(d / f"{split}-labels-idx1-ubyte.gz", y)
    monkeypatch.setenv("FASHION_MNIST_PATH", str(d))
    return d


def _bench(tmp_path, **opts):
    return TrainedBenchmark(dataset="fashion-mnist", cache=str(tmp_path / "store.sqlite"), **{**TINY, **opts})


@pytest.mark.parametrize(
    "arch, published",
    [
        ((3,) * 6, 1_531_546),
        ((0,) * 6, 73_306),
        ((1,) * 6, 73_306),
        ((2,) * 6, 241_306),
        ((3, 0, 0, 0, 0, 0), 316_346),
        ((2, 2, 0, 2, 2, 0), 185_306),
        ((1, 2, 3, 4, 1, 2), 372_346),
    ],
)
def test_parameter_counts_match_nas_bench_201(arch, published):
    # NAS-Bench-201's model_size (MB = 1e6 params) for cifar10, C=16, N=5
    assert param_count(Network(arch)) == published


def test_output_shape():
    out = Network((3, 1, 2, 0, 4, 3), width=4, cells=1)(torch.zeros(5, 3, 32, 32))
    assert out.shape == (5, 10) and torch.isfinite(out).all()


def test_fashion_loads_padded_to_32x32x3(fashion):
    s = data.load("fashion-mnist", valid_size=50)
    assert s.train_x.shape == (350, 3, 32, 32) and s.valid_x.shape == (50, 3, 32, 32) and len(s.test_y) == 100
    assert s.train_x.dtype == np.uint8 and (s.train_x[:, :, :2] == 0).all()  # black border
    assert (s.train_x[:, 0] == s.train_x[:, 2]).all()


def test_cifar10_archive_in_the_real_format(tmp_path, monkeypatch):
    g = np.random.default_rng(1)
    root = tmp_path / "cifar-10-batches-py"
    root.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"data": g.integers(0, 256, (40, 3072), dtype=np.uint8),
            b"labels": list(g.integers(0, 10, 40)),
            b"batch_label": name.encode(),
        }
        with open(root / name, "wb") as f:
            pickle.dump(batch, f)
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(root, arcname="cifar-10-batches-py")
    for where in (tmp_path / "cifar-10-python.tar.gz", root):
        monkeypatch.setenv("CIFAR10_PATH", str(where))
        s = data.load("cifar10", valid_size=20)
        assert s.train_x.shape == (180, 3, 32, 32) and s.valid_x.shape == (20, 3, 32, 32)
        assert s.test_x.shape == (40, 3, 32, 32) and s.num_classes == 10
        with open(root / "data_batch_1", "rb") as f:
            first = pickle.load(f, encoding="bytes")
        pool = {img.tobytes() for img in np.concatenate([s.train_x, s.valid_x])}
        assert first[b"data"][0].reshape(3, 32, 32).tobytes() in pool  # channel-major rows
    half = data.load("cifar10", split="nb201")
    assert len(half.train_y) == len(half.valid_y) == 100  # NAS-Bench-201's 25k/25k cifar10-valid, scaled


def test_missing_datasets_say_what_to_get(tmp_path, monkeypatch):
    monkeypatch.delenv("CIFAR10_PATH", raising=False)
    with pytest.raises(BenchmarkError, match="cifar-10-python.tar.gz.*--cifar10-path"):
        registry.make("trained/nb201-cifar10")
    monkeypatch.setenv("FASHION_MNIST_PATH", str(tmp_path))
    with pytest.raises(BenchmarkError, match="apt-get install dataset-fashion-mnist"):
        registry.make("trained/nb201-fashion-mnist:epochs=3")


def test_augmentation_is_crop_and_flip(fashion):
    d = train.DeviceData(data.load("fashion-mnist", valid_size=50), torch.device("cpu"))
    idx = torch.tensor([0, 1])
    centre = d.batch(idx, torch.tensor([4 * 18 + 4 * 2, 4 * 18 + 4 * 2 + 1]))
    raw = d.normalize(d.train_x[:2, :, 4:36, 4:36])
    assert torch.equal(centre[0], raw[0]) and torch.equal(centre[1], raw[1].flip(-1))
    assert centre.is_contiguous(memory_format=torch.channels_last)
    corner = d.batch(idx[:1], torch.tensor([0]))  # shifted 4 px down-right: top-left is padding
    assert torch.allclose(corner[0, :, :4, :4], d.normalize(torch.zeros(1, 3, 4, 4))[0])


def test_foreach_sgd_matches_torch_sgd():
    g = torch.Generator().manual_seed(0)
    a = [torch.randn(3, 4, generator=g), torch.randn(5, generator=g)]
    b = [t.clone().requires_grad_() for t in a]
    a = [t.clone().requires_grad_() for t in a]
    opt = torch.optim.SGD(b, lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    bufs = [torch.zeros_like(t) for t in a]
    for step in range(3):
        for ps in (a, b):
            sum((p**2).sum() * (step + 1) for p in ps).backward()
        train.sgd_nesterov(a, bufs, torch.tensor(0.1), 0.9, 5e-4)
        opt.step()
        opt.zero_grad()
        for p in a:
            p.grad = None
    for x, y in zip(a, b):
        assert torch.allclose(x, y, atol=1e-6)


def test_query_trains_once_then_answers_from_the_store(fashion, tmp_path):
    bench = _bench(tmp_path)
    r1 = bench.query((3, 1, 2, 0, 4, 3))
    assert bench.trainings == 1 and 0 <= r1.valid <= 100 and r1.cost_s > 0 and not r1.extra["from_store"]
    again = _bench(tmp_path)  # a new process would see the same file
    r2 = again.query((3, 1, 2, 0, 4, 3))
    assert again.trainings == 0 and r2.extra["from_store"] and (r2.valid, r2.test) == (r1.valid, r1.test)
    _bench(tmp_path, epochs=2).query((3, 1, 2, 0, 4, 3))  # another schedule is another key
    assert len(again.store) == 2
    out = again.store.export(tmp_path / "table.csv")
    assert out.read_text().count("\n") == 3


def test_group_training_equals_training_alone(fashion, tmp_path):
    bench = _bench(tmp_path, precision="bf16")  # bf16 autocast runs on the CPU too
    alone = bench.train([(1, 3, 0, 2, 1, 3)], seed=0)[0]
    group = bench.train([(2, 2, 0, 2, 2, 0), (1, 3, 0, 2, 1, 3)], seed=0)  # the first has a dead edge
    assert alone.status == group[0].status == "ok" and (group[1].valid, group[1].test, group[1].train_loss) == (
        alone.valid,
        alone.test,
        alone.train_loss,
    )


def test_divergence_is_recorded_and_answered_as_chance(fashion, tmp_path):
    bench = _bench(tmp_path, lr=1e9, epochs=2)
    r = bench.query((3,) * 6)
    assert r.valid == 10.0 and r.extra["status"] == "diverged" and "non-finite" in r.extra["reason"]
    row = sqlite3.connect(bench.store.path).execute("SELECT status, reason FROM trainings").fetchone()
    assert row[0] == "diverged" and "epoch" in row[1]
    bench.query((3,) * 6)
    assert bench.trainings == 1  # a divergence is a result: not retrained


def test_crash_is_recorded_raised_and_retried(fashion, tmp_path, monkeypatch):
    bench = _bench(tmp_path)

    def boom(self):
        raise RuntimeError("CUDA out of memory (simulated)")

    monkeypatch.setattr(train.Net, "step", boom)
    with pytest.raises(BenchmarkError, match="out of memory"):
        bench.query((2,) * 6)
    assert bench.store.get((2,) * 6, "fashion-mnist", bench.schedule_key(), 0)["status"] == "error"
    monkeypatch.undo()
    assert bench.query((2,) * 6).extra["status"] == "ok" and bench.trainings == 2
