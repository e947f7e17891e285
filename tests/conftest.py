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

registry.register("synthetic/linear", lambda noisy=False, proxy="none": _synthetic(noisy, proxy), listed=False,
                  limits={"proxy": ("none", "truth", "reversed")})


def _synthetic(noisy: bool, proxy: str = "none"):
    """``proxy``: the search sees an estimate equal to the truth, or one that reverses its order."""
    bench = linear_table()
    bench.noisy = bool(noisy)
    if proxy != "none":
        bench.proxy = bench.valid.copy() if proxy == "truth" else 1.0 - bench.valid
    return bench


@pytest.fixture
def synthetic():
    return registry.make("synthetic/linear")
