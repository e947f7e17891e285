"""The simulated clock (algorithms/simulate.py): event order and times exactly on a synthetic
table with known training times; K = 1 is the runner's history; several outstanding proposals."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from benchmarks.table import TableBenchmark
from harness.results import read_meta, write_run
from harness.runner import run
from harness.simulate import SimulationError, parse_duration, simulate, time_source

COSTS = (5.0, 1.0, 3.0, 2.0, 4.0, 6.0)


def timed_table(costs=COSTS) -> TableBenchmark:
    """Architecture i (one decision) has value i / 10 and trains for costs[i] seconds."""
    n = len(costs)
    bench = TableBenchmark(choices=(n,), archs=np.arange(n)[:, None], valid=np.arange(n) / 10, cost_s=np.array(costs))
    bench.name = "synthetic/timed"
    return bench


class Scripted:
    """Proposes the architectures ``d - 1`` for the digits d of ``order``, then None; logs what
    it had been told at each ask."""

    log: list = []

    def __init__(self, benchmark, rng, *, order: int = 12345):
        self.script = [int(c) for c in str(order)]
        self.told: list[int] = []
        Scripted.log = []

    def ask(self):
        Scripted.log.append(list(self.told))
        return (self.script.pop(0) - 1,) if self.script else None

    def tell(self, arch, result):
        self.told.append(arch[0])


@pytest.fixture(autouse=True)
def scripted():
    with algorithms.scope():
        algorithms.register("test-scripted")(Scripted)
        yield


def test_clock_and_event_order_exactly():
    out = simulate(timed_table(), "test-scripted:order=123456", 0, budget=6, workers=2)
    r = out.rows
    # t=0: w0 trains 0 (5 s), w1 trains 1 (1 s); t=1: w1 takes 2 (3 s); t=4: w1 takes 3 (2 s);
    # t=5: w0 takes 4 (4 s); t=6: w1 takes 5 (6 s); results at 1, 4, 5, 6, 9, 12
    assert out.status == "budget"
    assert r["arch"] == ["1", "2", "0", "3", "4", "5"]
    assert r["sim_finish_s"] == [1, 4, 5, 6, 9, 12]
    assert r["sim_start_s"] == [0, 1, 0, 4, 5, 6]
    assert r["worker"] == [1, 1, 0, 1, 0, 1]
    assert r["proposal"] == [2, 3, 1, 4, 5, 6]
    assert r["step"] == [1, 2, 3, 4, 5, 6]
    assert r["cost_s"] == [1, 3, 5, 2, 4, 6]
    assert r["best_valid"] == [0.1, 0.2, 0.2, 0.3, 0.4, 0.5]
    # a worker asks when it frees up, knowing exactly the results that arrived before
    assert Scripted.log == [[], [], [1], [1, 2], [1, 2, 0], [1, 2, 0, 3]]
    assert out.meta["sim_workers"] == 2 and out.meta["time_source"] == "the table's training time"


def test_time_budget_stops_before_a_late_result():
    out = simulate(timed_table(), "test-scripted:order=123456", 0, budget=6, workers=2, time_budget_s=10)
    assert out.status == "time"
    assert out.rows["sim_finish_s"] == [1, 4, 5, 6, 9]  # 5 would arrive at 12 > 10


def test_repeats_cost_no_time_and_wait_for_a_training_in_flight():
    out = simulate(timed_table(), "test-scripted:order=11223", 0, budget=6, workers=2)
    r = out.rows
    # script 0, 0, 1, 1, 2. t=0: w0 trains 0 (5 s), the second 0 waits for it, w1 trains 1 (1 s);
    # t=1: 1 arrives, the repeat of 1 is told at once, w1 takes 2 (3 s); t=4: 2 arrives;
    # t=5: 0 arrives, told twice; then the script is empty
    assert r["arch"] == ["1", "1", "2", "0", "0"]
    assert r["proposal"] == [3, 4, 5, 1, 2]
    assert r["cached"] == [False, True, False, False, True]
    assert r["worker"] == [1, -1, 1, 0, -1]
    assert r["sim_start_s"] == [0, 1, 1, 0, 0]
    assert r["sim_finish_s"] == [1, 1, 4, 5, 5]
    assert r["step"] == [1, 1, 2, 3, 3]
    assert r["cost_s"] == [1, 0, 3, 5, 0]
    assert out.status == "exhausted"


def test_one_worker_is_the_runners_history(synthetic):
    for spec in ("random", "evolution", "lanas"):
        a = run(synthetic, spec, seed=3, budget=60)
        b = simulate(synthetic, spec, seed=3, budget=60, workers=1)
        assert b.rows["arch"] == a.rows["arch"], spec
        assert b.rows["sim_start_s"][1:] == b.rows["sim_finish_s"][:-1]  # one after another
        assert b.rows["sim_finish_s"][-1] == pytest.approx(sum(b.rows["cost_s"]))


@pytest.mark.parametrize("spec", ["random", "evolution", "lanas", "lanas-plus"])
def test_several_outstanding_proposals(synthetic, spec):
    k = 4
    out = simulate(synthetic, spec, seed=1, budget=80, workers=k)
    again = simulate(synthetic, spec, seed=1, budget=80, workers=k)
    assert out.status == "budget", out.error
    same = [c for c in out.rows if c != "algo_s"]  # algo_s measures the machine
    assert out.samples == 80 and all(again.rows[c] == out.rows[c] for c in same)  # pure in (spec, seed, K)
    rows = [
        (s, f, w)
        for s, f, w, c in zip(out.rows["sim_start_s"], out.rows["sim_finish_s"], out.rows["worker"], out.rows["cached"])
        if not c
    ]
    assert len(rows) == 80 and {w for _, _, w in rows} == set(range(k))
    for w in range(k):  # a worker trains one architecture at a time, and is never idle while asked
        spans = sorted((s, f) for s, f, v in rows if v == w)
        assert all(f0 <= s1 for (_, f0), (s1, _) in zip(spans, spans[1:]))
    # with unit training times the K workers finish K evaluations per second
    assert max(out.rows["sim_finish_s"]) == 80 / k


def test_tables_without_time_have_no_simulated_view():
    bench = TableBenchmark(choices=(3,), archs=np.arange(3)[:, None], valid=np.arange(3) / 3)
    bench.name = "synthetic/untimed"
    with pytest.raises(SimulationError, match="no training time"):
        time_source(bench)
    out = simulate(bench, "random", 0, budget=3, workers=2)
    assert out.status == "failed" and "no simulated-time view" in out.error


def test_history_file_keeps_the_clock(tmp_path):
    out = simulate(timed_table(), "test-scripted:order=123456", 0, budget=6, workers=2)
    path = tmp_path / "run.parquet"
    write_run(path, out)
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    assert table["sim_finish_s"] == [1, 4, 5, 6, 9, 12] and table["worker"] == [1, 1, 0, 1, 0, 1]
    meta = read_meta(path, 6)
    assert meta["sim_workers"] == 2 and meta["status"] == "budget" and meta["samples"] == 6


@pytest.mark.parametrize("text,seconds", [("3600", 3600), ("90m", 5400), ("24h", 86400), ("1.5d", 129600)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0h", "-1h", "24 hours", "h"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)


def test_anb201_borrows_the_same_cells_nb201_training_time():
    from benchmarks import registry

    for name in ("anb201/baseline", "nb201/cifar10-valid"):
        if registry.entries()[name].unavailable():
            pytest.skip(f"{name} not installed")
    anb, nb = registry.make("anb201/baseline"), registry.make("nb201/cifar10-valid")
    cost, source = time_source(anb)
    assert "stand-in" in source and "nb201/cifar10-valid" in source
    for arch in [tuple(int(a) for a in anb.all_archs()[i]) for i in (0, 777, 15_000)]:
        assert anb.query(arch).cost_s == 0 and cost(arch, anb.query(arch)) == nb.query(arch).cost_s > 0


class OneAtATime:
    """Proposes 0, 1, 2, ... but only once everything asked was told: None meanwhile."""

    def __init__(self, benchmark, rng):
        self.asked = self.told = 0

    def ask(self):
        if self.asked > self.told:
            return None
        self.asked += 1
        return (self.asked - 1,)

    def tell(self, arch, result):
        self.told += 1


@pytest.mark.parametrize("how", [{"workers": 3}, {"parallel": 3}])
def test_a_none_from_ask_numbers_no_proposal_in_any_path(how):
    """A None (nothing to propose until a result arrives) is no proposal, on K simulated workers as
    in rounds of K: the proposals are numbered 1, 2, 3, ... in the order asked."""
    with algorithms.scope():
        algorithms.register("test-one-at-a-time")(OneAtATime)
        if "workers" in how:
            out = simulate(timed_table(), "test-one-at-a-time", 0, budget=6, workers=how["workers"])
        else:
            out = run(timed_table(), "test-one-at-a-time", 0, budget=6, parallel=how["parallel"])
    assert out.status == "budget", out.error
    assert out.rows["proposal"] == [1, 2, 3, 4, 5, 6]


class Insistent:
    """Proposes architecture 0 forever."""

    def __init__(self, benchmark, rng):
        pass

    def ask(self):
        return (0,)

    def tell(self, arch, result):
        pass


@pytest.mark.parametrize("how", [{"workers": 3}, {"workers": 1}, {"parallel": 3}])
def test_the_repeat_guard_counts_as_asked_and_what_was_asked_is_told(how):
    """``max_repeats`` repeats in a row end the run as stuck in every path, counted as they are
    asked; the proposals asked until then are told (on K workers: once the training they wait for ends)."""
    with algorithms.scope():
        algorithms.register("test-insistent")(Insistent)
        if "workers" in how:
            out = simulate(timed_table(), "test-insistent", 0, budget=6, workers=how["workers"], max_repeats=7)
        else:
            out = run(timed_table(), "test-insistent", 0, budget=6, parallel=how["parallel"], max_repeats=7)
    assert out.status == "stuck" and out.error == "7 repeated proposals in a row"
    assert out.rows["proposal"] == list(range(1, 9)) and out.rows["cached"] == [False] + [True] * 7
