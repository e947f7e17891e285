"""The run queue and the progress line: an even mix of algorithms along the queue, a steady ETA,
each progress state printed once in a log file, and results that do not depend on the order."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from harness.grids import preset_algorithms
from harness.presets import PRESETS, SLOW
from harness.processes import run_local
from harness.progress import Progress
from harness.tasks import grid

ALGOS = [a for a in ("random", "evolution", "optuna-tpe", "mcts", "lanas", "lanas-plus") if a not in SLOW]


def test_queue_is_the_whole_grid_with_the_same_mix_in_every_stretch():
    benches, seeds = ["b1", "b2", "b3"], range(4)
    tasks = grid(benches, ALGOS, seeds, 100)
    assert sorted((t.benchmark, t.spec, t.seed) for t in tasks) == sorted(itertools.product(benches, ALGOS, seeds))
    stretch = len(benches) * len(ALGOS)
    for i in range(0, len(tasks), stretch):
        assert sorted((t.benchmark, t.spec) for t in tasks[i : i + stretch]) == sorted(
            itertools.product(benches, ALGOS)
        )
    assert [t.save_partition for t in tasks] == [t.seed == 0 for t in tasks]


def simulated_etas(tasks, cost) -> list[tuple[float, float]]:
    """(ETA shown, true time left) at every tenth of a one-worker run with the given run costs."""
    now = [0.0]
    progress = Progress(len(tasks), stream=io.StringIO(), clock=lambda: now[0], every_s=1e9)
    total = sum(cost(t) for t in tasks)
    out = []
    for i, t in enumerate(tasks, 1):
        now[0] += cost(t)
        progress({"status": "budget"})
        if 10 * i // len(tasks) > 10 * (i - 1) // len(tasks) and i < len(tasks):
            out.append((progress.eta_s(), total - now[0]))
    return out


def _measured_cost():
    """The wall time of each run of the default grid, from the runs measured on that grid
    (tests/default_run_wall_s.csv: every run of an idle default run); a run not measured costs the
    mean of its (benchmark, algorithm)'s measured runs, and an algorithm registered since (a new
    baseline joins the default grid by itself) the median run of its benchmark."""
    table = pd.read_csv(Path(__file__).with_name("default_run_wall_s.csv"), comment="#")
    seconds = {(r.benchmark, r.spec, r.seed): r.wall_s for r in table.itertuples()}
    mean = table.groupby(["benchmark", "spec"])["wall_s"].mean().to_dict()
    median = table.groupby("benchmark")["wall_s"].median().to_dict()
    return lambda t: seconds.get((t.benchmark, t.spec, t.seed), mean.get((t.benchmark, t.spec), median[t.benchmark]))


def test_eta_is_steady_on_the_default_grid():
    """With the run times measured on the default grid (lanas-release ~9 s, optuna-tpe ~7.5 s,
    random < 0.1 s), the ETA at every tenth from 10% on is within a factor of 2 of the time really
    left; seeds in the inner loop (the earlier order) put the slow runs together and miss by far more."""
    preset = PRESETS["default"]
    cost = _measured_cost()
    algos = preset_algorithms(preset)
    tasks = grid(preset.benchmarks, algos, preset.seeds, preset.budget)
    etas = simulated_etas(tasks, cost)
    assert len(etas) == 9 and all(0.5 <= shown / left <= 2 for shown, left in etas), etas
    inner_seeds = sorted(tasks, key=lambda t: (t.benchmark, algos.index(t.spec), t.seed))
    assert any(not 0.5 <= shown / left <= 2 for shown, left in simulated_etas(inner_seeds, cost))


def test_a_line_between_tenths_never_shows_the_next_tenths_percentage():
    """The percentage is floored, as the tenths are: on 210 runs, run 62 (a line printed after
    ``every_s``) reads 29%, and the line at the tenth, run 63, reads 30% (not 30% twice)."""
    for total in (210, 7, 33, 1000):
        progress = Progress(total, stream=io.StringIO(), clock=lambda: 0.0)
        for n in range(1, total + 1):
            progress.done = n
            shown = int(progress.line().split("(")[1].split("%")[0])
            tenth = 10 * n // total
            assert shown // 10 == tenth, (total, n, progress.line())


def test_log_file_gets_a_line_per_tenth_and_the_last_line_once():
    stream, now = io.StringIO(), [0.0]
    progress = Progress(20, initial=5, stream=stream, clock=lambda: now[0], every_s=1e9)
    for k in range(15):
        now[0] += 2.0
        progress({"status": "failed" if k == 3 else "budget"})
    progress.close()
    lines = stream.getvalue().splitlines()
    assert [ln.split()[0] for ln in lines] == ["6/20", "8/20", "10/20", "12/20", "14/20", "16/20", "18/20", "20/20"]
    assert lines[0] == "6/20 runs (30%), 00:02 elapsed, ETA 00:28"
    assert lines[-1] == "20/20 runs (100%), 1 failed, 00:30 elapsed, ETA 00:00"
    assert progress.eta_s() == 0


def test_interrupted_progress_prints_its_state_once_and_a_quiet_stretch_prints_by_time():
    stream, now = io.StringIO(), [0.0]
    progress = Progress(100, stream=stream, clock=lambda: now[0], every_s=60)
    for _ in range(3):
        now[0] += 40.0
        progress({"status": "budget"})
    progress.close()
    progress.close()
    assert stream.getvalue().splitlines() == [
        "2/100 runs (2%), 01:20 elapsed, ETA 1:05:20",
        "3/100 runs (3%), 02:00 elapsed, ETA 1:04:40",
    ]


def test_results_do_not_depend_on_the_queue_order(tmp_path):
    tasks = grid(["synthetic/linear"], ["random", "evolution", "lanas"], range(3), 40)
    run_local(tasks, tmp_path / "a", 1, lambda s: None)
    run_local(tasks[::-1], tmp_path / "b", 1, lambda s: None)
    files = sorted(f.relative_to(tmp_path / "a") for f in (tmp_path / "a").rglob("*.parquet"))
    assert len([f for f in files if f.name.startswith("seed-") and "partition" not in f.name]) == 9
    assert files == sorted(f.relative_to(tmp_path / "b") for f in (tmp_path / "b").rglob("*.parquet"))
    for f in files:
        a, b = pq.read_table(tmp_path / "a" / f), pq.read_table(tmp_path / "b" / f)
        drop = [c for c in ("algo_s",) if c in a.column_names]
        assert a.drop(drop).equals(b.drop(drop)), f
