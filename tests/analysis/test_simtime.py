"""Simulated-time statistics on a common horizon: a run stopped early by its
sample budget (cheaper cells) must not look faster than one that ran longer and reached the target."""

from __future__ import annotations

import numpy as np

from analysis.stats import simtime
from analysis.stats.simtime import SimRun


class _Exp:
    def targets(self, bench):
        return {"top1": 1.0}


def _run(spec: str, seed: int, finish_h: list[float], best: list[float], status: str = "budget") -> SimRun:
    return SimRun(
        "toy/t",
        spec,
        seed,
        4,
        status,
        "test",
        max(finish_h),
        np.array(finish_h),
        np.array(best),
        np.arange(1, len(finish_h) + 1),
        np.diff([0.0, *finish_h]),
    )


def _runs() -> list[SimRun]:
    # "cheap" stops at its sample budget after 5 h and 6 h without reaching the target; "dear"
    # covers 10 h and reaches it at 8 h and 9 h: until 5 h, neither has reached it
    cheap = [_run("cheap", s, [1, 2, 3, 4, 5 + s], [0.1, 0.2, 0.3, 0.4, 0.5]) for s in (0, 1)]
    dear = [_run("dear", s, [2, 4, 6, 8 + s, 10], [0.1, 0.2, 0.3, 1.0, 1.0]) for s in (0, 1)]
    return cheap + dear


def test_every_statistic_is_cut_at_the_horizon_all_runs_cover():
    table = simtime.time_table(_Exp(), _runs()).set_index("spec")
    assert list(table["horizon_h"]) == [5.0, 5.0]
    # before: cheap "≥5.5 h (0/2)" ranked ahead of dear "8.5 h (2/2)"
    assert table.loc["cheap", "mean_hours"] == table.loc["dear", "mean_hours"] == 5.0
    assert list(table["reached"]) == [0, 0] and table["censored"].all()


def test_ranking_never_puts_an_early_cut_off_ahead():
    runs = _runs()
    table = simtime.time_table(_Exp(), runs)
    sentence = simtime.ranking_sentence(_Exp(), runs, "toy/t", table)
    assert "by hours with K = 4 (all cut off at 5.0 h): `cheap` = `dear`" in sentence, sentence


def test_a_target_reached_within_the_common_horizon_counts():
    runs = [_run("a", 0, [1, 2, 6], [0.2, 1.0, 1.0]), _run("b", 0, [3, 4], [0.1, 0.2])]
    table = simtime.time_table(_Exp(), runs).set_index("spec")
    assert table.loc["a", "reached"] == 1 and table.loc["a", "mean_hours"] == 2.0
    assert table.loc["b", "reached"] == 0 and table.loc["b", "mean_hours"] == 4.0
