"""``run_all.py`` with the synthetic test table registered: ``python tests/cli_synthetic.py ARGS``."""

import os
import sys
import time
from pathlib import Path

# the repository root in place of this script's folder, tests/, whose subfolders are named like the packages
sys.path[0] = str(Path(__file__).resolve().parents[1])
import run_all  # noqa: E402
import tests.conftest  # noqa: E402,F401  (registers synthetic/linear)
from algorithms import registry as base  # noqa: E402


@base.register("test-crash-sometimes")
class CrashSometimes:
    """Raises in ask() for about half the seeds (the rng decides), to test failure recording."""

    def __init__(self, benchmark, rng):
        self.benchmark, self.rng = benchmark, rng
        self.crash = bool(rng.integers(2))

    def ask(self):
        if self.crash:
            raise RuntimeError("deliberate failure")
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        pass


@base.register("test-gated")
class Gated:
    """Random search that, when ``$LANAS_TEST_GATE`` names a folder, first writes
    ``<folder>/waiting-<pid>`` and then waits until ``<folder>/open`` exists: a test can stop
    or kill a process at a known point (a run in progress) instead of racing a clock."""

    def __init__(self, benchmark, rng):
        self.benchmark, self.rng, self.waited = benchmark, rng, False

    def ask(self):
        gate = os.environ.get("LANAS_TEST_GATE")
        if gate and not self.waited:
            self.waited = True
            (Path(gate) / f"waiting-{os.getpid()}").touch()
            while not (Path(gate) / "open").exists():
                time.sleep(0.01)
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        pass


if __name__ == "__main__":
    sys.exit(run_all.cli(sys.argv[1:]))
