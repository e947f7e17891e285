"""The summary speaks of the hardest target that at least half the seeds of some algorithm reach
on a table where one seed of one algorithm found the optimum, the sentence
compares the algorithms on the top-0.1%, and names the optimum only as not reached."""

from __future__ import annotations

import numpy as np

from analysis.load import load
from analysis.report.summary import family_sentences
from analysis.stats import tables

from .test_analysis import write_manifest, write_run

BUDGET = 100


def _bench() -> dict:
    """The manifest entry of a 1,000-architecture table with targets 1.0 / 0.99 / 0.985."""
    return {
        "size": 1000,
        "objective": "validation accuracy",
        "value_range": [0, 1],
        "targets": {"optimum": 1.0, "top0_1": 0.99, "top1": 0.985},
        "at_target": None,
    }


def test_summary_speaks_of_the_hardest_target_half_the_seeds_reach(tmp_path):
    exp = tmp_path / "exp"
    bench = _bench()
    write_manifest(exp, BUDGET, range(6), ["lanas-release", "random"], {"toy/hard": bench})
    for seed in range(6):
        for spec, top, at in (
            ("lanas-release", 0.99 if seed < 2 else 0.98, 40),
            ("random", 0.99 if seed < 5 else 0.986, 10 + seed),
        ):
            values = np.full(BUDGET, 0.5)
            values[at - 1] = top
            if spec == "lanas-release" and seed == 0:
                values[60] = 1.0  # the optimum, in one seed only
            write_run(exp, "toy/hard", spec, seed, values, BUDGET)
    loaded = load(exp)
    sentence = " ".join(family_sentences(loaded, tables.target_table(loaded)))
    assert "`random` reaches the top-0.1% in the fewest samples" in sentence, sentence
    assert "the global optimum: not reached in half the seeds by any algorithm" in sentence
    assert "only `lanas-release` reached the global optimum" not in sentence


def test_every_benchmark_speaks_of_the_same_target_and_names_every_algorithm(tmp_path):
    """Two tables: on toy/easy every algorithm finds the optimum, on toy/hard only the top-1%. Both
    sentences speak of the top-1% (a target half the seeds reach on every table), and each names
    every algorithm that reached it, in order (evolution sits between two others)."""
    exp = tmp_path / "exp"
    bench = _bench()
    at = {"local-search": 20, "optuna-tpe": 30, "evolution": 45, "lanas": 70, "random": 90}
    write_manifest(exp, BUDGET, range(4), list(at), {"toy/easy": bench, "toy/hard": bench})
    for seed in range(4):
        for spec, step in at.items():
            for name, top in (("toy/easy", 1.0), ("toy/hard", 0.986)):
                values = np.full(BUDGET, 0.5)
                values[step + seed - 1] = top
                write_run(exp, name, spec, seed, values, BUDGET)
    loaded = load(exp)
    sentences = family_sentences(loaded, tables.target_table(loaded))
    for name in ("toy/easy", "toy/hard"):
        line = next(s for s in sentences if f"on {name}" in s)
        assert f"on {name} `local-search` reaches the top-1% in the fewest samples" in line, line
        places = [line.index(f"`{spec}`") for spec in at]
        assert places == sorted(places), line  # every algorithm, in order
