"""The presets (harness/presets.py): which algorithms each runs, and the note the default grid
writes about what it leaves out."""

from __future__ import annotations

from harness.presets import PRESETS, SLOW


def test_presets_name_their_algorithms_or_run_every_registered_one():
    """``default`` and ``paper`` run every registered algorithm that can run here but the slow
    ones; ``small-budget`` runs every one, the slow ones included; ``ablation`` names its own.
    Algorithms that need several objectives run only where a preset names them (``multiobjective``)."""
    from algorithms import registry as algorithms
    from harness.grids import preset_algorithms

    runnable = [
        n
        for n in algorithms.names()
        if not algorithms.unavailable(algorithms.resolve(n)[0])
        and getattr(algorithms.algorithm_class(n), "single_objective", True)
    ]
    assert "lamoo" not in runnable and "lamoo-plus" in PRESETS["multiobjective"].algorithms
    assert preset_algorithms(PRESETS["small-budget"]) == runnable
    assert preset_algorithms(PRESETS["default"]) == [n for n in runnable if n not in SLOW]
    assert preset_algorithms(PRESETS["paper"]) == preset_algorithms(PRESETS["default"])
    assert preset_algorithms(PRESETS["ablation"]) == list(PRESETS["ablation"].algorithms)
    assert "every registered algorithm" in PRESETS["small-budget"].description


def test_default_grid_says_what_it_leaves_out_and_a_changed_grid_does_not(tmp_path):
    """The default preset's manifest carries its ``leaves_out`` note (the report quotes it), with
    commands that add what is left out; a command that changes the grid gets no note."""
    import json

    from harness.plan import plan

    for name, extra in (("default", {}), ("changed", {"seeds": "0-9"})):
        plan(out=tmp_path / name, **extra)
    note = json.loads((tmp_path / "default" / "manifest.json").read_text())["note"]
    seeds = PRESETS["default"].seeds
    assert note == PRESETS["default"].leaves_out and "--preset small-budget" in note and "--preset paper" in note
    if len(seeds) < 10:
        assert "--seeds 0-9" in note and f"seeds {len(seeds)}-9" in note
    assert "note" not in json.loads((tmp_path / "changed" / "manifest.json").read_text())


def test_a_preset_skips_its_pairs_in_its_own_grid_only(tmp_path):
    """``multiobjective`` leaves ``optuna-motpe`` off the NAS-Bench-Graph tables (``skip``), keeps it on
    NAS-Bench-201, with other seeds too; naming ``--algorithms`` or ``--benchmarks`` runs every pair."""
    from harness.plan import plan

    def pairs(**kw) -> set[tuple[str, str]]:
        return {(t.benchmark.split("/")[0], t.spec) for t in plan(preset="multiobjective", **kw).tasks}

    own = pairs(out=tmp_path / "own", seeds="1")
    assert ("nb201", "optuna-motpe") in own and ("nbgraph", "lamoo-plus") in own
    assert ("nbgraph", "optuna-motpe") not in own
    named = pairs(out=tmp_path / "named", seeds="1", algorithm_specs=["optuna-motpe", "random"])
    assert ("nbgraph", "optuna-motpe") in named
    preset = PRESETS["multiobjective"]
    assert not preset.runs("nbgraph/cora:objectives=valid+latency", "optuna-motpe")
    assert preset.runs("nb201/cifar10-valid:objectives=valid+latency", "optuna-motpe")
    assert "optuna-motpe" in preset.leaves_out


def test_the_default_run_runs_the_recommendation():
    from harness.grids import preset_algorithms

    assert "lanas-gp" in preset_algorithms(PRESETS["default"]) and "lanas-plus" in preset_algorithms(PRESETS["default"])


def test_an_estimate_states_the_idle_two_core_wall_time_with_the_cpu_time():
    """One source: wall = CPU shared over 2 idle cores (plus start-up); the text says both."""
    from harness.presets import IDLE_CORES, estimate, planned, preset_cpu_s

    est = estimate("default")
    assert est.cpu_s == preset_cpu_s(PRESETS["default"], planned(PRESETS["default"]))
    assert IDLE_CORES == 2 and est.wall_s == est.cpu_s / 2 + 5.0
    assert est.text() == "~4 min estimated on an idle 2-core machine (9 min of CPU time)"


def test_list_fits_100_columns_groups_unavailable_benchmarks_and_names_missing_algorithms(capsys, monkeypatch):
    """``--list`` at 100 columns: every line fits; one reason per unavailable group, said once;
    a preset that names an algorithm that cannot run here says so."""
    import dataclasses

    import run_all
    from algorithms import registry as algorithms
    from harness import presets

    monkeypatch.delenv("NATS_PATH", raising=False)

    class NeedsAPackage:
        """Needs a package."""

        def __init__(self, benchmark, rng):
            pass

        def ask(self):
            return None

        def tell(self, arch, result):
            pass

    with algorithms.scope():
        algorithms.register("needs-a-package", unavailable=lambda: "the package 'nope' is not installed")(NeedsAPackage)
        extra = dataclasses.replace(PRESETS["oneshot"], algorithms=("random", "needs-a-package"))
        monkeypatch.setitem(presets.PRESETS, "with-missing", extra)
        assert run_all.main(["--list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(map(len, lines)) <= 100, max(lines, key=len)
    assert out.count("NATS_PATH is not set") == 2  # the topology and the size space: a line each
    assert "not available (3): nats-tss/cifar10-valid, nats-tss/cifar100, nats-tss/ImageNet16-120" in out
    tail = out[out.index("  with-missing") :]
    assert "not available here, left out of its runs: needs-a-package" in tail
    assert "  lanas-gp       a named configuration of lanas-plus:" in out
