"""The zero-cost warm-up (algorithms/_warmup.py): ``warmup=PROXY[/N[/K]]`` on any algorithm spec."""

from __future__ import annotations

import numpy as np
import pytest

from algorithms import registry as algorithms
from benchmarks import registry
from benchmarks._cell import CellTable
from benchmarks.zerocost import evaluator as zc
from benchmarks.zerocost.table import all_cells
from harness.results import read_meta, write_run
from harness.runner import run

WARM = "warmup=params/2000/10"


@pytest.fixture(scope="module")
def nb201():
    reason = registry.entries()["nb201/cifar10-valid"].unavailable()
    if reason:
        pytest.skip(reason)
    return registry.make("nb201/cifar10-valid")


def archs(result) -> list[tuple[int, ...]]:
    return [tuple(map(int, a.split("-"))) for a in result.rows["arch"]]


def test_spec_names_and_refusals():
    assert algorithms.check("evolution:warmup=synflow/3000/64") == "evolution:warmup=synflow"
    assert algorithms.check("evolution:warmup=synflow/1000,sample=3") == "evolution:sample=3,warmup=synflow/1000"
    assert algorithms.check("lanas-plus:warmup=naswot/500/5") == "lanas-plus:warmup=naswot/500/5"
    plus = algorithms.REGISTRY.variants["lanas-plus"]
    assert algorithms.check(f"{plus},warmup=naswot/500/5") == "lanas-plus:warmup=naswot/500/5"
    for spec, says in [
        ("evolution:warmup=synflw", "did you mean 'synflow'"),
        ("random:warmpu=synflow", "did you mean 'warmup'"),
        ("random:warmup=synflow/10/20", "between 1 and N"),
        ("random:warmup=synflow/x", "PROXY/N/K"),
        ("random:warmup=synflow/1/1/1", "PROXY/N/K"),
    ]:
        with pytest.raises(algorithms.SpecError, match=says) as err:
            algorithms.check(spec)
        assert "\n" not in str(err.value)


def test_a_table_of_other_architectures_is_refused_in_one_line(synthetic):
    with pytest.raises(algorithms.SpecError, match="needs a NAS-Bench-201 cell table") as err:
        algorithms.make(f"random:{WARM}", synthetic, np.random.default_rng(0))
    assert "\n" not in str(err.value)


def test_cells_the_table_lacks_need_torch_said_in_one_line(nb201, monkeypatch):
    table = zc.shipped()
    partial = next((p for p in table.values if table.covered(p) < len(table.done[p])), None)
    if partial is None:
        pytest.skip("the shipped table scores every cell with every proxy")
    monkeypatch.setattr(zc, "find_spec", lambda name: None)  # as without torch
    with pytest.raises(algorithms.SpecError, match="needs torch") as err:
        algorithms.make(f"random:warmup={partial}/15625/5", nb201, np.random.default_rng(0))
    assert "\n" not in str(err.value)


def test_the_first_proposals_are_the_proxys_best_cells(nb201):
    """With N = every cell, the K first proposals are the K best of the whole table by the proxy."""
    r = run(nb201, "random:warmup=params/15625/40", seed=0, budget=60)
    score = zc.column("params")
    codes = np.ravel_multi_index(np.array(archs(r)).T, nb201.choices)
    first, rest = score[codes[:40]], np.delete(score, codes[:40])
    assert list(first) == sorted(first, reverse=True) and first.min() >= rest.max()
    assert len(set(codes)) == 60


def test_the_algorithm_keeps_its_own_random_stream(nb201):
    """The warm-up draws from a child of the run's stream: after the warm cells, random search
    proposes what it proposes without warm-up (less the warm cells)."""
    warm = archs(run(nb201, f"random:{WARM}", seed=4, budget=50))
    plain = archs(run(nb201, "random", seed=4, budget=60))
    assert warm[10:] == [a for a in plain if a not in warm[:10]][:40]
    again = archs(run(nb201, f"random:{WARM}", seed=4, budget=50))
    assert again == warm and archs(run(nb201, f"random:{WARM}", seed=5, budget=50))[:10] != warm[:10]


def test_evolution_starts_from_the_warm_population(nb201):
    """With K = population, every proposal after the warm cells is a child of a warm cell."""
    r = run(nb201, f"evolution:population=10,sample=3,{WARM}", seed=1, budget=11)
    proposed = archs(r)
    assert min(sum(x != y for x, y in zip(proposed[10], w)) for w in proposed[:10]) == 1
    assert [a for a, _ in r.algorithm.members] == proposed[1:11]  # the oldest warm cell aged out


def test_local_search_climbs_from_the_best_warm_cell(nb201):
    r = run(nb201, f"local-search:{WARM}", seed=2, budget=11)
    proposed = archs(r)
    best = max(proposed[:10], key=lambda a: nb201.query(a).valid)
    assert sum(x != y for x, y in zip(proposed[10], best)) == 1


def test_tpe_takes_the_warm_cells_as_trials(nb201):
    if algorithms.unavailable("optuna-tpe"):
        pytest.skip(algorithms.unavailable("optuna-tpe"))
    r = run(nb201, f"optuna-tpe:{WARM}", seed=0, budget=10)
    trials = r.algorithm.study.trials
    assert [tuple(t.params.values()) for t in trials] == archs(r)
    assert [t.value for t in trials] == r.rows["valid"]


def test_the_run_records_the_proxy_cost(nb201, tmp_path):
    r = run(nb201, "random:warmup=flops/300/5", seed=0, budget=8)
    table = zc.shipped()
    expected = 300 * table.cpu_s["flops"] / table.count["flops"]
    assert r.meta["warmup"] == "flops/300/5" and r.meta["warmup_cpu_s"] == pytest.approx(expected)
    write_run(tmp_path / "run.parquet", r)
    assert read_meta(tmp_path / "run.parquet")["warmup_cpu_s"] == pytest.approx(expected)
    assert "warmup_cpu_s" not in run(nb201, "random", seed=0, budget=8).meta


def test_any_cell_table_is_warmed(synthetic):
    """Any table of NAS-Bench-201 cells (here a synthetic one) takes the warm-up; the scores are the
    cells' own."""
    cells = all_cells()
    bench = CellTable(choices=(5,) * 6, archs=cells, valid=cells.sum(1) / 24.0, value_range=(0.0, 1.0))
    bench.name = "synthetic/cells"
    r = run(bench, "evolution:warmup=params/15625/3", seed=0, budget=5)
    assert r.status == "budget", r.error
    assert list(zc.archs_column("params", archs(r)[:3])) == sorted(zc.archs_column("params", archs(r)[:3]))[::-1]
