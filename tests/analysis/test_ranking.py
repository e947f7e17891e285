"""The report's opening ranking (analysis/stats/ranking.py): ranks by restricted mean, a
censoring-aware two-sample test per pair, Holm over the pairs, the effect, and letters for ties."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.stats import censored, ranking

INF = np.inf


def test_checkpoints_are_100_300_and_the_budget_where_below_it():
    assert ranking.checkpoints(1000) == [100, 300, 1000]
    assert ranking.checkpoints(300) == [100, 300]
    assert ranking.checkpoints(50) == [50]


def test_a_checkpoint_censors_later_hits():
    assert list(ranking.at_checkpoint(np.array([50, 150, INF]), 100)) == [50, INF, INF]


def test_censored_seeds_count_as_slower_than_every_hit_not_as_the_budget():
    """Seeds that never reached the target are slower than any that did: 8 fast against 8 censored
    is decided, whatever number a censored seed would be given."""
    times = {"fast": np.arange(10.0, 18.0), "never": np.full(8, INF)}
    pairs = ranking.verdicts(times, budget=100)
    (row,) = pairs.itertuples()
    assert (row.a, row.b) == ("fast", "never") and row.decided and row.censored
    assert row.mean_ratio == pytest.approx(100 / 13.5)
    assert row.median_ratio != row.median_ratio  # "never" has no median: no ratio of medians


def test_holm_over_every_pair_and_letters_mark_the_ties():
    times = {
        "a": np.arange(10.0, 20.0),
        "b": np.arange(11.0, 21.0)[::-1],  # about as fast as a: undecided
        "c": np.arange(60.0, 80.0, 2.0),
        "d": np.r_[[61.0, 65.0, 69.0, 73.0, 77.0, 79.0], [INF] * 4],
    }
    table, pairs = ranking.ranking(times, budget=100)
    assert list(table["spec"]) == ["a", "b", "c", "d"]
    assert len(pairs) == 6
    assert np.allclose(pairs["p"], censored.holm(pairs["p_raw"].to_numpy()))
    assert (pairs["p"] >= pairs["p_raw"]).all()
    got = dict(zip(table["spec"], table["letters"]))
    assert got["a"] == got["b"] == "a" and "a" not in got["c"] and "a" not in got["d"]
    assert set(got["c"]) & set(got["d"])  # c and d: undecided at 10 seeds
    first = table.iloc[0]
    assert first["ratio"] == 1.0 and table.iloc[-1]["mean_censored"]
    # against the first: Holm over its 3 comparisons only
    raw = [censored.mann_whitney(times[s], times["a"], 100) for s in ("b", "c", "d")]
    assert np.allclose(table["p_first"].iloc[1:], censored.holm(raw))
    assert list(table["tied"]) == [True, True, False, False]


def test_against_the_first_decides_what_every_pair_cannot_at_few_seeds():
    """6 seeds against 6 that never reached the target among 9 algorithms: raw p 0.0028 (scipy's
    tie-corrected normal approximation); Holm over the 8 comparisons with the first decides it
    (0.022), over the 36 pairs it does not (0.10)."""
    times = {"fast": np.arange(10.0, 16.0), **{f"never{i}": np.full(6, INF) for i in range(8)}}
    raw = censored.mann_whitney(times["fast"], times["never0"], 100)
    table, pairs = ranking.ranking(times, budget=100)
    assert 8 * raw < 0.05 < 36 * raw
    assert table.iloc[1]["p_first"] == pytest.approx(8 * raw) and not table.iloc[1]["tied"]
    assert pairs["p"].min() == pytest.approx(36 * raw) and not pairs["decided"].any()
    assert set(table["letters"]) == {"a"}


def test_letters_overlap_where_ties_chain():
    """a ~ b and b ~ c but a < c: a and c share no letter, b has both."""
    ranked = ["a", "b", "c"]
    assert ranking.letters(ranked, {frozenset(("a", "c"))}) == {"a": "a", "b": "ab", "c": "b"}
    assert ranking.letters(ranked, set()) == {"a": "a", "b": "a", "c": "a"}


def test_equal_numbers_share_a_rank():
    """Every seed censored on both sides: the same numbers, the same rank (not an order by name)."""
    table, _ = ranking.ranking({"x": np.full(3, INF), "y": np.full(3, INF), "z": np.array([5.0, 6.0, 7.0])}, 100)
    assert dict(zip(table["spec"], table["rank"])) == {"z": 1, "x": 2, "y": 2}


def test_verdicts_from_a_table_of_seeds_read_nan_as_not_reached():
    import pandas as pd

    table = pd.DataFrame(
        {"spec": ["x"] * 6 + ["y"] * 6, "samples_to_optimum": [5, 6, 7, 8, 9, 10] + [np.nan] * 3 + [INF] * 3}
    )
    got = ranking.verdicts_of(table, "samples_to_optimum", budget=50)
    want = ranking.verdicts({"x": np.arange(5.0, 11.0), "y": np.full(6, INF)}, budget=50)
    pd.testing.assert_frame_equal(got, want)
    assert got["decided"].item()
