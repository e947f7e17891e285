import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from benchmarks import registry  # noqa: E402
from tests.synthetic import linear_table  # noqa: E402

registry.register(
    "synthetic/linear",
    lambda noisy=False, proxy="none": _synthetic(noisy, proxy),
    listed=False,
    limits={"proxy": ("none", "truth", "reversed")},
)


def _synthetic(noisy: bool, proxy: str = "none"):
    """``proxy``: the search sees an estimate equal to the truth, or one that reverses its order."""
    bench = linear_table()
    bench.noisy = bool(noisy)
    if proxy != "none":
        bench.proxy = bench.valid.copy() if proxy == "truth" else 1.0 - bench.valid
    return bench


#: where the conformance suite (and every test) also takes plugins from: ``os.pathsep``-separated
PLUGINS_ENV = "LANAS_PLUGINS"


def pytest_addoption(parser):
    parser.addoption(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE|FILE.py",
        help="import the user's algorithms and benchmarks first, so that the conformance suite "
        f"(tests/test_conformance.py) checks them too (or ${PLUGINS_ENV})",
    )


def pytest_configure(config):
    """Load the plugins before the test modules are collected (they parametrize over the registries)."""
    from harness.plugins import PluginError, load_plugins

    refs = config.getoption("--plugin", default=[]) + [
        r for r in os.environ.get(PLUGINS_ENV, "").split(os.pathsep) if r
    ]
    try:
        load_plugins(refs)
    except PluginError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture
def synthetic():
    return registry.make("synthetic/linear")
