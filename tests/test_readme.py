"""The README and docs/ stay true: the README's examples work, and the commands run.

Every ``python run_all.py`` command of the README, of docs/*.md and of results/reference/peers.md is run for real, in this
process (its ``main``), with its seeds, budget and workers rewritten to tiny values (``SMALL``)
and its output in a temporary folder; then every ``python -m analysis FOLDER`` command runs on
what the command writing FOLDER wrote. The commands that need the user's files, a training or a
cluster are skipped, each for a reason stated in ``NEEDS``. Every other script or module a page
runs (``python tests/perf/...``, ``python -m benchmarks.trained ...``) must exist.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest

import run_all
from algorithms import registry as algorithms
from analysis.__main__ import main as analysis_main
from harness.presets import PRESETS, Preset
from harness.results import read_meta, run_path
from harness.runner import run

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
#: the pages behind the README (docs/ and the study page beside its tables): every command in the
#: README or in any of them is run here
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "results" / "reference" / "peers.md"]
DOCS = "\n".join([README, *(page.read_text() for page in PAGES)])
#: seeds, budget and workers of every README command run here
SMALL = {"--seeds": ["0-1"], "--budget": ["10"], "--workers": ["1"]}
#: the README commands that cannot run here, and why
NEEDS = {
    "--nb101-path": "needs the user's NAS-Bench-101 file (its reader is tested on small files)",
    "trained/": "trains networks on a dataset the user installs (tested in test_trained.py)",
    "--scheduler": "needs a Dask scheduler on the user's cluster (Dask is tested in tests/harness/test_executors.py)",
    "--plugin": "needs the plugin file the Python page saves first (run by test_python_page_runs)",
}
#: the notebook-style walk-through whose Python blocks run in order (test_python_page_runs)
PYTHON_PAGE = ROOT / "docs" / "python.md"


def test_readme_example_algorithm_registers_and_runs(synthetic):
    code = re.search(r"```python\n(# algorithms/greedy_mutation.py.*?)```", README, re.S).group(1)
    with algorithms.scope():
        exec(compile(code.replace("from .registry import", "from algorithms.registry import"), "README", "exec"), {})
        first = run(synthetic, "greedy-mutation:n_init=5", seed=0, budget=50)
        again = run(synthetic, "greedy-mutation:n_init=5", seed=0, budget=50)
        assert first.status == "budget" and first.rows["arch"] == again.rows["arch"]
        parallel = run(synthetic, "greedy-mutation:n_init=5", seed=0, budget=50, parallel=4)
        assert parallel.status == "budget" and parallel.samples == 50
    assert "greedy-mutation" not in algorithms.names()


def test_readme_example_benchmark_registers_runs_and_joins_the_conformance_suite(tmp_path):
    from benchmarks import registry
    from tests.test_conformance import family_representatives

    code = re.search(r"```python\n(# benchmarks/toy.py.*?)```", README, re.S).group(1)
    code = re.sub(r"from \.(\w+) import", r"from benchmarks.\1 import", code)
    with registry.scope():
        exec(compile(code, "README", "exec"), {})
        bench = registry.make("toy/sum:size=4")
        assert len(bench) == 64 and bench.targets().optimum == 1.0
        assert registry.check("toy/sum:size=3") == "toy/sum"  # the default is dropped
        assert "toy/sum" in family_representatives()
        for spec in ("lanas", "random"):
            first = run(bench, spec, seed=0, budget=30)
            assert first.status == "budget" and first.rows["arch"] == run(bench, spec, seed=0, budget=30).rows["arch"]
        out = tmp_path / "toy"
        assert (
            run_all.main(
                [
                    "--benchmarks",
                    "toy/sum:size=4",
                    "--algorithms",
                    "lanas",
                    "random",
                    "--seeds",
                    "0-1",
                    "--budget",
                    "20",
                    "--workers",
                    "1",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        assert (out / "report.md").is_file()
        with pytest.raises(Exception, match="size"):
            registry.check("toy/sum:size=1")
    assert "toy/sum" not in registry.entries()


#: the tools the README's test command runs, installed by requirements-test.txt (not by the install)
TEST_TOOLS = ("ruff", "mypy")


def missing_scripts_and_modules(find_spec=importlib.util.find_spec) -> list[str]:
    """Scripts and modules README or docs/ run that do not exist (the test tools left to
    :func:`test_the_readme_test_tools_are_installed`)."""
    scripts = set(re.findall(r"python ((?:[\w.-]+/)*[\w.-]+\.py)\b", DOCS))
    scripts |= set(re.findall(r"python -m pytest ((?:[\w.-]+/)*[\w.-]+\.py)\b", DOCS))  # test files
    modules = set(re.findall(r"python -m ([A-Za-z_][\w.]*)", DOCS)) - set(TEST_TOOLS)
    assert "run_all.py" in scripts and "analysis" in modules
    missing = [s for s in scripts if not (ROOT / s).is_file()]
    for module in modules:
        local = ROOT.joinpath(*module.split("."))
        if (ROOT / module.split(".")[0]).is_dir():
            found = local.with_suffix(".py").is_file() or (local / "__main__.py").is_file()
        else:
            found = find_spec(module) is not None
        if not found:
            missing.append(f"-m {module}")
    return sorted(missing)


def test_docs_scripts_and_modules_exist():
    """Every ``python path/to/script.py``, ``python -m module`` and ``python -m pytest tests/file.py``
    named in README or docs/ (in a command line or inline) exists, so a moved file shows up here."""
    missing = missing_scripts_and_modules()
    assert not missing, f"README/docs run scripts or modules that do not exist: {missing}"


def test_without_the_test_tools_the_docs_check_still_passes():
    """ruff and mypy come with requirements-test.txt, not with the install: where they are missing
    the docs check passes and :func:`test_the_readme_test_tools_are_installed` skips."""
    assert missing_scripts_and_modules(lambda m: None if m in TEST_TOOLS else importlib.util.find_spec(m)) == []


@pytest.mark.parametrize("tool", TEST_TOOLS)
def test_the_readme_test_tools_are_installed(tool):
    assert f"python -m {tool}" in README
    if importlib.util.find_spec(tool) is None:
        pytest.skip(
            f"{tool} is not installed: the README's test command installs it (pip install -r requirements-test.txt)"
        )


def readme_commands(program: str) -> list[list[str]]:
    """The arguments of every README or docs/ command line that runs ``program`` (continuations joined)."""
    text = DOCS.replace("\\\n", " ")
    found = re.findall(rf"^(?:pip install .*&& )?python {re.escape(program)}([^\n#]*)", text, re.M)
    return [shlex.split(args) for args in found]


def small(args: list[str], tmp: Path) -> list[str]:
    """``args`` with SMALL's values, ``--out`` in ``tmp`` and no analysis (run separately)."""
    options: dict[str, list[str]] = {}
    key = ""
    for token in args:
        if token.startswith("--"):
            key = token
            options[key] = []
        else:
            options[key].append(token)
    out = options.get("--out", [f"results/{(options.get('--preset') or ['default'])[0]}"])[0]
    options.update(SMALL, **{"--out": [str(tmp / Path(out).name)], "--no-analysis": []})
    return [part for k, v in options.items() for part in (k, *v)]


def available(args: list[str]) -> list[str]:
    """``args`` without the ``--algorithms`` that an optional extra missing here would provide
    (``optuna-gp`` without torch: the README's install leaves torch out; CI adds it, so there every
    command runs whole)."""
    if "--algorithms" not in args:
        return args
    start = args.index("--algorithms") + 1
    end = next((i for i in range(start, len(args)) if args[i].startswith("--")), len(args))
    kept = [a for a in args[start:end] if not algorithms.unavailable(algorithms.resolve(a)[0])]
    assert kept, f"no algorithm of run_all.py {shlex.join(args)} can run here"
    return [*args[:start], *kept, *args[end:]]


@pytest.mark.slow  # every preset's grid, small: about half a minute
def test_readme_run_all_commands_run(tmp_path, capsys):
    commands = readme_commands("run_all.py")
    ran, skipped = [], set()
    for args in commands:
        need = [why for what, why in NEEDS.items() if any(what in a for a in args)]
        if need:
            skipped.update(need)
            continue
        if args == ["--list"]:
            assert run_all.main(args) == 0
            listing = capsys.readouterr().out
            assert all(name in listing for name in algorithms.names())
            continue
        argv = small(available(args), tmp_path)
        assert run_all.main(argv) == 0, f"README command failed: run_all.py {shlex.join(args)}"
        ran.append(argv)
    assert len(ran) >= 4 and skipped == set(NEEDS.values())
    for argv in ran:
        own = "--preset" in argv and not {"--benchmarks", "--algorithms"} & set(argv)  # the preset's own grid
        check_runs(Path(argv[argv.index("--out") + 1]), PRESETS[argv[argv.index("--preset") + 1]] if own else None)
    written = {Path(argv[argv.index("--out") + 1]).name: Path(argv[argv.index("--out") + 1]) for argv in ran}
    analyse = readme_commands("-m analysis")
    assert "results/mine" in [a[0] for a in analyse]
    for args in analyse:
        folder = written.get(Path(args[0]).name)
        assert folder is not None and folder.is_dir(), (
            f"python -m analysis {args[0]}: no command of README/docs writes it"
        )
        assert analysis_main([str(folder), *args[1:]]) == 0  # python -m analysis, in this process
    mine = written["mine"]
    report = (mine / "report.md").read_text()
    assert "nb201/cifar10-valid" in report and "anb201/baseline" in report
    assert sorted(p.name for p in (mine / "figures").glob("efficiency_*.png")) == [
        "efficiency_anb201_baseline.png",
        "efficiency_nb201_cifar10-valid.png",
    ]


def check_runs(out: Path, preset: Preset | None = None) -> None:
    """Every run of the grid in ``out`` is on disk, complete, and ended with its budget (but the
    pairs a preset's own grid skips)."""
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["budget"] == 10 and manifest["seeds"] == [0, 1]
    for bench in manifest["benchmarks"]:
        for spec in manifest["algorithms"]:
            if preset is not None and not preset.runs(bench, spec):
                assert not run_path(out, bench, spec, 0).exists(), (bench, spec)
                continue
            for seed in (0, 1):
                meta = read_meta(run_path(out, bench, spec, seed), budget=10)
                assert meta is not None and meta["status"] == "budget", (bench, spec, seed, meta)


@pytest.mark.slow  # a grid and a plugin run, as the page's reader runs them
def test_python_page_runs(tmp_path, monkeypatch, capsys):
    """docs/python.md: its Python blocks in order, in an empty folder (the ``# my_search.py`` block
    saved as that file), then its ``run_all.py --plugin`` command, small, on the saved file."""
    from harness.plugins import scope

    monkeypatch.chdir(tmp_path)
    page = PYTHON_PAGE.read_text()
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    namespace: dict = {}
    with scope():
        for block in blocks:
            if block.startswith("# my_search.py"):
                (tmp_path / "my_search.py").write_text(block)
            else:
                exec(compile(block, str(PYTHON_PAGE), "exec"), namespace)
        out = capsys.readouterr().out
        plugin_commands = [a for a in readme_commands("run_all.py") if "--plugin" in a]
        assert plugin_commands and all(run_all.main(small(a, tmp_path)) == 0 for a in plugin_commands)
    assert "error: algorithm 'lanas' has no option 'hieght'" in out
    table = namespace["exp"].statistics()
    assert {"random", "evolution", "lanas", "mutate-best"} <= set(table.spec)
    assert (tmp_path / "results" / "notebook" / "report.md").is_file()
    assert (tmp_path / "results" / "notebook" / "best_so_far.png").stat().st_size > 10_000
    assert "mutate-best" not in algorithms.names()


def test_readme_counts_of_the_default_run_are_the_presets():
    """Every "N algorithms" / "the default run's N" the README or docs/ say of the default run is
    the number of algorithms the default preset runs here (it said 6 beside 7)."""
    from harness.grids import preset_algorithms
    from harness.presets import PRESETS

    text = DOCS
    n = len(preset_algorithms(PRESETS["default"]))
    said = [int(m) for m in re.findall(r"default run's (\d+)", text)]
    said += [int(m) for m in re.findall(r"for the \d+ runs \((\d+) algorithms", text)]
    assert said and all(k == n for k in said), (said, n)


def test_ci_runs_the_readme_test_command_as_written():
    """.ci/run's last line is the README's test command, character for character (CI installs torch
    first, then runs exactly what a newcomer runs)."""
    readme = (ROOT / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("pip install -r requirements-test.txt"))
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == command


def test_every_stated_time_of_a_preset_is_its_estimate():
    """One number per promise: the README and docs/cli.md quote :func:`harness.presets.estimate`
    (idle 2-core wall time with the CPU time beside it); no other time is promised for the default
    run there or in the report's note."""
    from harness.presets import estimate

    readme = " ".join(README.split())
    cli = (ROOT / "docs" / "cli.md").read_text()
    default = estimate("default").text()
    assert default[: -len(")")] in readme
    assert not re.search(r"\d+ min \d+ s|about \d+ minutes", readme)
    for name in PRESETS:
        row = next(r for r in cli.splitlines() if r.startswith(f"| `{name}` |"))
        assert estimate(name).text() in row, name
    assert not re.search(r"\d+ min|minutes", PRESETS["default"].leaves_out)
