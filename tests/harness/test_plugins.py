"""Algorithms and benchmarks from the user's own module or file (``--plugin``), outside the
repository: registered without editing the harness, listed, run, checked by the conformance
suite; a broken plugin is one line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import harness
import run_all
from algorithms import registry as algorithms
from benchmarks import registry as benchmarks
from harness.plugins import scope
from harness.results import read_meta, run_path

ROOT = Path(__file__).resolve().parents[2]
#: a small algorithm that meets the conformance suite (tests/test_conformance.py)
GOOD = '''
from algorithms.registry import at_least, register


@register("{name}", limits={{"n_init": at_least(1)}})
class MutateBest:
    """Mutate the best architecture so far (ties: the latest), else sample."""

    def __init__(self, benchmark, rng, *, n_init: int = 10):
        self.benchmark, self.rng, self.n_init = benchmark, rng, n_init
        self.best, self.seen = None, set()

    def ask(self):
        if self.best is not None and len(self.seen) >= self.n_init:
            child = self.benchmark.mutate(self.best[1], self.rng)
            if child not in self.seen:
                return child
        return self.benchmark.sample(self.rng)

    def tell(self, arch, result):
        self.seen.add(arch)
        if self.best is None or result.valid >= self.best[0]:
            self.best = (result.valid, arch)
'''


def plugin(folder: Path, text: str, name: str = "my_search.py") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_a_plugin_file_outside_the_repository_is_listed_and_run(tmp_path, capsys):
    path = plugin(tmp_path / "elsewhere", GOOD.format(name="mutate-best"))
    assert ROOT not in path.parents
    out = tmp_path / "exp"
    with scope():
        assert run_all.main(["--plugin", str(path), "--list"]) == 0
        listing = capsys.readouterr().out
        line = next(x for x in listing.splitlines() if x.startswith("  mutate-best "))
        assert line.startswith("  mutate-best    Mutate the best") and line.endswith(f"  (plugin {path})")
        assert "\n      n_init=10\n" in listing
        # two worker processes: the registration reaches them
        assert (
            run_all.main(
                [
                    "--plugin",
                    str(path),
                    "--benchmarks",
                    "synthetic/linear",
                    "--algorithms",
                    "mutate-best:n_init=5",
                    "random",
                    "--seeds",
                    "0-1",
                    "--budget",
                    "20",
                    "--workers",
                    "2",
                    "--no-analysis",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
    assert "mutate-best" not in algorithms.names()
    for seed in (0, 1):
        assert read_meta(run_path(out, "synthetic/linear", "mutate-best:n_init=5", seed), 20)["status"] == "budget"


def test_a_plugin_module_registers_a_benchmark_and_python_takes_it(tmp_path, monkeypatch):
    plugin(tmp_path / "mypkg", "", "__init__.py")
    plugin(
        tmp_path / "mypkg",
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from benchmarks.registry import register
        from tests.synthetic import linear_table

        register("mine/tiny", lambda: linear_table(choices=(3, 3, 2), optimum=(2, 1, 0)))
        """,
        "searchers.py",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with scope():
        exp = harness.run(
            benchmarks=["mine/tiny"],
            algorithms=["random"],
            seeds=[0],
            budget=18,
            out=tmp_path / "exp",
            workers=1,
            plugins=["mypkg.searchers"],
        )
        assert harness.plugins.origin("mine/tiny") == "mypkg.searchers"
        assert len(exp.proposals()) == 18 and set(exp.statistics()["reached"]) == {1}
    assert "mine/tiny" not in benchmarks.entries()


BAD = {
    "syntax": ("def broken(:\n", "failed to import (line 1): SyntaxError"),
    "missing dependency": (
        "import not_installed_anywhere\n",
        "failed to import (line 1): ModuleNotFoundError: No module named 'not_installed_anywhere'",
    ),
    "taken name": (GOOD.format(name="random"), "algorithm name 'random' is already registered"),
    "not an algorithm": (
        "from algorithms.registry import register\n\n@register('half')\nclass Half:\n"
        "    def ask(self):\n        return None\n",
        "missing: tell",
    ),
    "registers nothing": ("X = 1\n", "registered no algorithm or benchmark"),
    "positional option": (
        GOOD.format(name="mutate-best").replace("rng, *, n_init", "rng, n_init"),
        "its constructor must be MutateBest(benchmark, rng, *, option=default, ...)",
    ),
    "factory without defaults": (
        "from benchmarks.registry import register\n\nregister('mine/x', lambda path: None)\n",
        "benchmark 'mine/x': every parameter of its factory is an option with a default",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_plugin_is_one_line_and_nothing_runs(case, tmp_path, capsys):
    text, message = BAD[case]
    path = plugin(tmp_path, text)
    out = tmp_path / "exp"
    with scope():
        assert (
            run_all.cli(
                ["--plugin", str(path), "--benchmarks", "synthetic/linear", "--algorithms", "random", "--out", str(out)]
            )
            == 2
        )
        err = capsys.readouterr().err
        assert err.startswith(f"run_all.py: error: plugin {str(path)!r}") and message in err, err
        assert len(err.strip().splitlines()) == 1 and not out.exists()
        with pytest.raises(harness.PluginError, match="plugin"):
            harness.run(plugins=[str(path)], out=out)
    assert "half" not in algorithms.names()


def test_a_missing_plugin_file_is_one_line(tmp_path, capsys):
    assert run_all.cli(["--plugin", str(tmp_path / "nope.py"), "--list"]) == 2
    assert capsys.readouterr().err == f"run_all.py: error: plugin {str(tmp_path / 'nope.py')!r}: no such file\n"


def conformance(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_conformance.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_the_conformance_suite_checks_a_plugin(tmp_path):
    good = plugin(tmp_path, GOOD.format(name="mutate-best"))
    p = conformance("--plugin", str(good), "-k", "mutate-best")
    assert p.returncode == 0 and "10 passed" in p.stdout, p.stdout + p.stderr
    # a plugin that draws from numpy's global generator breaks the contract, and the suite says so
    leaky = plugin(
        tmp_path,
        GOOD.format(name="leaky")
        .replace(
            "self.benchmark.sample(self.rng)", "self.benchmark.sample(np.random.default_rng(np.random.randint(2**31)))"
        )
        .replace("from algorithms", "import numpy as np\nfrom algorithms"),
        "leaky.py",
    )
    p = conformance("-k", "test_conformance and leaky", env={"LANAS_PLUGINS": str(leaky)})
    assert p.returncode == 1 and "global numpy state touched" in p.stdout, p.stdout + p.stderr
    p = conformance("--plugin", str(tmp_path / "nope.py"))
    assert p.returncode == 4 and f"plugin {str(tmp_path / 'nope.py')!r}: no such file" in p.stderr


def algorithm_class(name: str) -> type:
    methods = {"__init__": lambda self, benchmark, rng: None, "ask": lambda self: None, "tell": lambda self, a, r: None}
    return type(name, (), methods)


def test_registrations_are_scoped():
    with algorithms.scope(), benchmarks.scope():
        algorithms.register("scoped-one")(algorithm_class("One"))
        benchmarks.register("scoped/one", lambda: benchmarks.make("synthetic/linear"))
        assert "scoped-one" in algorithms.names() and "scoped/one" in benchmarks.entries()
        with pytest.raises(algorithms.RegistrationError, match="already registered"):
            algorithms.register("scoped-one")(algorithm_class("Two"))
        benchmarks.unregister("scoped/one")
        assert "scoped/one" not in benchmarks.entries()
    assert "scoped-one" not in algorithms.names()
