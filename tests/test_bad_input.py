"""Property-based checks that bad input gives one clear error and never a traceback or a file.

Set ``HYPOTHESIS_EXAMPLES`` to try more inputs (the suite uses a modest number).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import run_all
from algorithms import registry as algorithms
from analysis import AnalysisError
from benchmarks import registry
from benchmarks.base import BenchmarkError, Result
from benchmarks.specs import SpecError
from harness.args import UsageError, parse_seeds
from tests.procs import cli, run
from tests.readonly import read_only

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
spec_text = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda n, kv: n + ":" + ",".join(kv),
        st.sampled_from(["random", "lanas", "evolution", "mcts", "x"]),
        st.lists(st.text(alphabet="abcdehilnprtuxy_=,:0123456789.-", max_size=12), max_size=4),
    ),
)


@SETTINGS
@given(spec_text)
def test_algorithm_specs(spec):
    try:
        canonical = algorithms.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert algorithms.check(canonical) == canonical


@SETTINGS
@given(st.one_of(st.text(max_size=30), st.sampled_from(list(registry.entries())).map(lambda n: n + ":noisy=2")))
def test_benchmark_specs(spec):
    try:
        registry.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc)


@SETTINGS
@given(st.lists(st.text(alphabet="0123456789-, x", max_size=10), max_size=3))
def test_seed_lists(tokens):
    try:
        seeds = parse_seeds(tokens)
    except UsageError as exc:
        assert "\n" not in str(exc)
    else:
        assert seeds and all(isinstance(s, int) and s >= 0 for s in seeds) and len(set(seeds)) == len(seeds)


QUERY_BENCHMARKS = [
    b
    for b in ("synthetic/linear", "nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora", "nbgraph/proteins")
    if b in registry.entries()
]


@pytest.mark.parametrize("name", QUERY_BENCHMARKS)
@SETTINGS
@given(arch=st.lists(st.integers(-3, 12), max_size=9).map(tuple))
def test_query_any_tuple(name, arch):
    bench = registry.make(name)
    try:
        result = bench.query(arch, np.random.default_rng(0))
    except BenchmarkError as exc:
        assert "\n" not in str(exc)
        assert not bench.is_valid(arch)
    else:
        assert isinstance(result, Result) and bench.is_valid(arch)


@settings(max_examples=max(20, EXAMPLES // 5), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "--benchmarks",
                "--algorithms",
                "--seeds",
                "--budget",
                "--workers",
                "--preset",
                "nope",
                "random:q=1",
                "-3",
                "5-1",
                "x/y",
                "0",
                "lanas:height=x",
            ]
        ),
        max_size=6,
    )
)
def test_cli_bad_arguments_write_nothing(tmp_path_factory, argv):
    out = tmp_path_factory.mktemp("cli")
    small = [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--budget",
        "5",
        "--seeds",
        "0",
        "--workers",
        "1",
        "--no-analysis",
        "--out",
        str(out / "exp"),
    ]
    try:
        code = run_all.main([*small, *argv])  # later flags override the small defaults
    except UsageError:
        code = 2
    if code == 2:
        assert not (out / "exp" / "runs").exists()


# ----- every option of every registered algorithm and benchmark, typed from its signature -------
def _option_text(option) -> st.SearchStrategy[str]:
    """Texts for one option: values of its type (in and out of its limits), other types, garbage."""
    typed = []
    for kind in option.kinds:
        if kind is bool:
            typed.append(st.sampled_from(["true", "false", "yes", "no", "on", "off", "1", "0", "True", "maybe", "2"]))
        elif kind is int:
            typed.append(st.integers(-3, 40).map(str))
        elif kind is float:
            typed.append(
                st.one_of(
                    st.floats(-2, 3, allow_nan=False).map(repr),
                    st.sampled_from(["nan", "inf", "-inf", "1e-5", "0", "1"]),
                )
            )
        elif kind is str:
            typed.append(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=8))
    if isinstance(option.limit, tuple):
        typed.append(st.sampled_from([str(v) for v in option.limit]))
    garbage = st.sampled_from(["abc", "none", "-1", "0", "1.5", "1e400", "True", "x y", "5.0"])
    return st.one_of(*typed, garbage)


ALGORITHM_OPTIONS = [(name, key) for name in algorithms.names(variants=False) for key in algorithms.options(name)]


#: the searches whose acquisition optimiser's cost grows with their option values (one drawn spec took
#: 128 s at budget 12): the twin of the test below builds them and runs their initial design only; the
#: acquisition runs in the conformance suite and tests/algorithms/test_botorch_mo.py
BOTORCH = {"lamoo-release", "botorch-qnehvi"}


@st.composite
def algorithm_specs(draw, names: frozenset[str] = frozenset()):
    name = draw(st.sampled_from(sorted(names or {n for n, _ in ALGORITHM_OPTIONS} - BOTORCH)))
    opts = algorithms.options(name)
    keys = draw(st.lists(st.sampled_from(sorted(opts)), min_size=1, max_size=3, unique=True))
    return name + ":" + ",".join(f"{k}={draw(_option_text(opts[k]))}" for k in keys)


ODD_TEXTS = ("abc", "nan", "inf", "-inf", "1e400", "maybe", "none", "-1", "0", "1", "1.5", "5.0", "True", "x y")


def test_every_option_of_every_algorithm_and_benchmark_answers_odd_values_in_one_line():
    for name, key in ALGORITHM_OPTIONS + BENCHMARK_OPTIONS:
        check = algorithms.check if (name, key) in ALGORITHM_OPTIONS else registry.check
        for text in ODD_TEXTS:
            try:
                canonical = check(f"{name}:{key}={text}")
            except SpecError as exc:
                assert "\n" not in str(exc) and key in str(exc), (name, key, text)
                assert "must be" in str(exc) or "applies only with" in str(exc), (name, key, text)
            else:
                assert check(canonical) == canonical


def _checked_then_run(synthetic, spec: str, budget: int = 12) -> None:
    """A spec that passes ``check`` builds and runs; every other one is refused in one line."""
    from harness.runner import run
    from tests.mo_synthetic import two_objective_table

    try:
        canonical = algorithms.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and any(m in str(exc) for m in ("must be", "has no option", "applies only with"))
        return
    assert algorithms.check(canonical) == canonical
    if algorithms.unavailable(algorithms.resolve(spec)[0]):
        return
    several = not getattr(algorithms.algorithm_class(spec), "single_objective", True)
    result = run(two_objective_table() if several else synthetic, spec, seed=0, budget=budget)
    assert result.status != "failed", (spec, result.error)


@settings(
    max_examples=max(30, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(algorithm_specs())
def test_every_algorithm_option_is_checked_before_any_run(synthetic, spec):
    _checked_then_run(synthetic, spec)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(algorithm_specs(frozenset(BOTORCH)))
def test_every_botorch_option_is_checked_before_any_run(synthetic, spec):
    _checked_then_run(synthetic, spec, budget=2)


BENCHMARK_OPTIONS = [(name, key) for name, entry in registry.entries().items() for key in entry.options()]


@SETTINGS
@given(
    st.sampled_from(BENCHMARK_OPTIONS).flatmap(
        lambda nk: _option_text(registry.entries()[nk[0]].options()[nk[1]]).map(lambda v: f"{nk[0]}:{nk[1]}={v}")
    )
)
def test_every_benchmark_option_is_checked(spec):
    try:
        canonical = registry.check(spec)
    except SpecError as exc:
        assert "\n" not in str(exc) and "must be" in str(exc)
        return
    assert registry.check(canonical) == canonical
    if registry.entries()[canonical.split(":")[0]].unavailable() is None:
        try:
            registry.make(canonical)
        except (SpecError, BenchmarkError) as exc:  # e.g. hp=12 needs the official file
            assert "\n" not in str(exc)


@pytest.mark.parametrize(
    "argv, names",
    [
        (["--algorithms", "lanas:height=abc"], ("height", "integer")),
        (["--algorithms", "lanas:height=0"], ("height", ">= 1")),
        (["--algorithms", "lanas:height=-1"], ("height", ">= 1")),
        (["--algorithms", "lanas:cp=nan"], ("cp", "finite number")),
        (["--algorithms", "lanas:regressor=lsq"], ("regressor", "lstsq, ridge, adam")),
        (["--benchmarks", "nb201/cifar10-valid:noisy=maybe"], ("noisy", "true or false")),
    ],
)
def test_bad_option_values_stop_before_any_run(tmp_path, capsys, argv, names):
    out = tmp_path / "exp"
    base = [
        "--benchmarks",
        "synthetic/linear",
        "--algorithms",
        "random",
        "--seeds",
        "1",
        "--budget",
        "5",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert run_all.main([*base, *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and all(n in err for n in names), err
    assert not out.exists()


def test_equal_configurations_are_run_and_stored_once(tmp_path, capsys):
    """``lanas``, ``lanas:height=5`` and ``lanas:cp=0.1`` are one configuration."""
    out = tmp_path / "exp"
    code = run_all.main(
        [
            "--benchmarks",
            "synthetic/linear",
            "synthetic/linear:noisy=no",
            "--algorithms",
            "lanas",
            "lanas:height=5",
            "lanas:cp=0.1",
            "random",
            "lanas:split=svm,inleaf=localbo,height=5,parents=3",
            "--seeds",
            "1",
            "--budget",
            "12",
            "--workers",
            "1",
            "--no-analysis",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "1 benchmarks x 3 algorithms x 1 seeds" in err
    assert "note: lanas, lanas:height=5, lanas:cp=0.1 are one configuration: run and stored once as lanas" in err
    assert (
        "note: lanas:split=svm,inleaf=localbo,height=5,parents=3 is stored as lanas:inleaf=localbo,n_parents=3,split=svm"
        in err
    )
    assert sorted(p.name for p in (out / "runs" / "synthetic+linear").iterdir()) == [
        "lanas",
        "lanas@inleaf=localbo,n_parents=3,split=svm",
        "random",
    ]
    assert algorithms.check("lanas:rebuild_every=20,n_init=11") == "lanas:n_init=11"
    assert algorithms.check("lanas:cp=1.0") == algorithms.check("lanas:cp=1") == "lanas:cp=1"
    assert algorithms.check("lanas-plus:split=regressor") == "lanas:inleaf=localbo,n_parents=3,restart=50,scale=rank"
    assert algorithms.check("lanas:inleaf=localbo,parents=3,restart=50,scale=rank,split=svm") == "lanas-plus"
    assert algorithms.check("lanas-plus:scale=value") == "lanas:inleaf=localbo,n_parents=3,restart=50,split=svm"
    assert registry.check("synthetic/linear:noisy=on") == "synthetic/linear:noisy=True"


# ----- the analysis' inputs: truncated, corrupt, unreadable and read-only files ------------------
@pytest.fixture(scope="module")
def small_experiment(tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis-input") / "exp"
    assert (
        run_all.main(
            [
                "--benchmarks",
                "synthetic/linear",
                "--algorithms",
                "lanas",
                "random",
                "--seeds",
                "2",
                "--budget",
                "25",
                "--workers",
                "1",
                "--no-analysis",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out


FAULTS = ("truncate", "garbage", "empty", "folder", "read-only")


def _break(path, fault: str, cut: float, stack: contextlib.ExitStack) -> None:
    if fault == "truncate":
        path.write_bytes(path.read_bytes()[: int(cut * path.stat().st_size)])
    elif fault == "garbage":
        data = bytearray(path.read_bytes())
        at = int(cut * (len(data) - 1))
        data[at : at + 16] = b"\x00\xff" * 8
        path.write_bytes(bytes(data))
    elif fault == "empty":
        path.write_bytes(b"")
    elif fault == "folder":  # a path that cannot be read as a file
        path.unlink()
        path.mkdir()
    else:
        stack.enter_context(read_only(path.parent))


@pytest.mark.slow
@settings(
    max_examples=max(8, EXAMPLES // 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    faults=st.lists(st.tuples(st.integers(0, 99), st.sampled_from(FAULTS), st.floats(0, 1)), min_size=1, max_size=3),
    analyse_too=st.booleans(),
)
def test_analysis_never_raises_on_broken_files(small_experiment, tmp_path_factory, capsys, faults, analyse_too):
    from analysis import __main__ as analysis_cli
    from analysis.load import load

    exp = tmp_path_factory.mktemp("broken") / "exp"
    shutil.copytree(small_experiment, exp)
    files = sorted(p for p in exp.rglob("*") if p.is_file())
    with contextlib.ExitStack() as stack:
        for index, fault, cut in sorted(faults, key=lambda f: f[1] == "read-only"):  # read-only last
            target = files[index % len(files)]
            if target.is_file() and target.parent.exists():
                _break(target, fault, cut, stack)
        try:
            loaded = load(exp)
        except AnalysisError as exc:
            assert "\n" not in str(exc)
        else:
            assert loaded.runs and all(len(r.best) == loaded.horizon for r in loaded.runs)
        if analyse_too:
            capsys.readouterr()
            code = analysis_cli.main([str(exp)])
            err = capsys.readouterr().err.strip().splitlines()
            assert code in (0, 1, 2) and "Traceback" not in "\n".join(err)
            if code == 1:  # the report is written; runs of the folder failed, or files were left out
                assert err[-1].endswith(("their causes are in the report's run health table", "listed in the report"))
            if code == 2:
                assert len(err) == 1 and err[0].startswith("error: ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--benchmarks", "nope/x"], "unknown benchmark 'nope/x'"),
        (["--benchmarks", "synthetic/linear", "--algorithms", "random:foo=1"], "has no option 'foo'"),
        (["--benchmarks", "synthetic/linear", "--algorithms", "ghost"], "unknown algorithm 'ghost'"),
        (["--benchmarks", "synthetic/linear", "--seeds", "9-1"], "bad seed range"),
        (["--budget", "0", "--benchmarks", "synthetic/linear"], "bad budget"),
        (["--preset", "nope"], "unknown preset"),
        (["--budget", "ten"], "invalid int value"),
    ],
)
def test_bad_input_is_one_line(args, message, tmp_path, capsys):
    assert run_all.cli([*args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("run_all.py: error: ")
    assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x" / "runs").exists()


@pytest.mark.slow
def test_bad_input_from_the_shell_is_one_line_and_status_2(tmp_path):
    p = run([sys.executable, "run_all.py", "--budget", "ten", "--out", str(tmp_path / "x")])
    assert p.returncode == 2 and p.stderr == "run_all.py: error: argument --budget: invalid int value: 'ten'\n"
    p = cli("--benchmarks", "synthetic/linear", "--algorithms", "ghost", "--out", str(tmp_path / "x"))
    assert p.returncode == 2 and p.stderr.startswith("run_all.py: error: unknown algorithm 'ghost'")
    assert len(p.stderr.splitlines()) == 1 and not (tmp_path / "x").exists()


def test_a_cannot_line_has_one_form():
    from benchmarks.base import cannot

    assert cannot("write results in x", PermissionError(13, "Permission denied"), "make it writable") == (
        "cannot write results in x: Permission denied; make it writable"
    )
    assert (
        cannot("reach the Dask scheduler s", OSError("refused\nmore")) == "cannot reach the Dask scheduler s: refused"
    )


@pytest.mark.parametrize(
    "folder, command",
    [
        ("benchmarks", ["-m", "run_all", "--list"]),
        ("harness", ["-m", "run_all", "--list"]),
        ("benchmarks", ["-m", "analysis", "results/x"]),
        ("analysis", ["-m", "run_all", "--list"]),
    ],
)
def test_a_folder_of_the_working_directory_that_hides_a_package_is_one_line(tmp_path, folder, command):
    """``python -m`` puts the working directory first on the import path: a research repository's
    own ``benchmarks/`` (a package) would be imported instead of this project's."""
    import subprocess

    from harness.identity import ROOT

    (tmp_path / folder).mkdir()
    (tmp_path / folder / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    err = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(err) == 1, p.stderr
    assert f"the folder {tmp_path / folder} hides this project's {folder} package" in err[0]
    assert "run from another directory" in err[0]


def test_a_mistyped_flag_names_the_close_flags_in_its_one_line():
    with pytest.raises(UsageError) as err:
        run_all.main(["--budjet", "5", "--no-analysis"])
    assert str(err.value).startswith("unrecognized arguments: --budjet 5; did you mean '--budget'")
    assert "\n" not in str(err.value)
    with pytest.raises(UsageError) as err:
        run_all.main(["--zzzzzz"])
    assert str(err.value) == "unrecognized arguments: --zzzzzz"  # nothing close: no hint
