import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("MPLBACKEND", "Agg")

from benchmarks import registry  # noqa: E402
from synthetic import linear_table  # noqa: E402

registry.register("synthetic/linear", lambda noisy=False: _synthetic(noisy), listed=False)


def _synthetic(noisy: bool):
    bench = linear_table()
    bench.noisy = bool(noisy)
    return bench


@pytest.fixture
def synthetic():
    return registry.make("synthetic/linear")
