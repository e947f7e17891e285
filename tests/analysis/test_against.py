"""analysis.stats.against: the candidate against each peer per table, Holm across tables."""

import numpy as np
import pytest

from analysis.stats import against, censored

INF = np.inf


def _times(candidate, **peers):
    return {"cand": np.asarray(candidate, dtype=float), **{k: np.asarray(v, dtype=float) for k, v in peers.items()}}


def test_a_peer_clearly_ahead_makes_the_table_behind_and_is_named():
    fast, slow = np.arange(1, 21), np.arange(101, 121)
    times = {"t1": _times(slow, peer=fast), "t2": _times(fast, peer=slow)}
    pairs = against.pairs(times, "cand", checkpoint=1000)
    side = dict(zip(pairs["table"], pairs["side"]))
    assert side == {"t1": "peer ahead", "t2": "peer behind"}
    v = against.verdicts(pairs).set_index("table")
    assert v.loc["t1", "verdict"] == "behind" and v.loc["t1", "ahead_of_it"] == ["peer"]
    assert v.loc["t2", "verdict"] == "ahead" and v.loc["t2", "behind_it"] == ["peer"]
    line = against.summary_line(against.verdicts(pairs))
    assert line == "ahead significantly on 1 (t2), tied on 0, behind significantly on 1 (t1 (peer))"


def test_holm_is_over_the_tables_of_one_peer():
    # the same borderline difference on many tables: raw p below 0.05, Holm over the tables above it
    a, b = np.r_[np.arange(1, 9), 30, 31], np.r_[np.arange(6, 14), 40, 41]
    raw = censored.mann_whitney(a, b, 1000)
    assert 0.01 < raw < 0.05
    times = {f"t{i}": _times(a, peer=b, other=a) for i in range(6)}
    pairs = against.pairs(times, "cand", 1000)
    mine = pairs[pairs["peer"] == "peer"]
    assert np.allclose(mine["p_raw"], raw)
    assert np.allclose(mine["p"], min(1.0, 6 * raw))  # equal raw p: Holm multiplies by the family size
    assert (pairs.loc[pairs["peer"] == "other", "p"] == 1.0).all()  # another peer: its own family
    assert set(against.verdicts(pairs)["verdict"]) == {"tied"}


def test_a_checkpoint_censors_later_hits_and_ties_censored_seeds():
    cand = np.full(12, 150.0)  # every seed at 150: not reached by 100
    peer = np.arange(1, 13, dtype=float)
    at_1000 = against.pairs({"t": _times(cand, peer=peer)}, "cand", 1000).iloc[0]
    at_100 = against.pairs({"t": _times(cand, peer=peer)}, "cand", 100).iloc[0]
    assert at_1000["side"] == at_100["side"] == "peer ahead"
    assert at_1000["ratio"] == pytest.approx(6.5 / 150)
    assert at_100["ratio"] == pytest.approx(6.5 / 100)  # the candidate's seeds count as the checkpoint
    both_miss = against.pairs({"t": _times(cand, peer=cand + 10)}, "cand", 100).iloc[0]
    assert both_miss["p_raw"] == 1.0 and both_miss["side"] == "tied" and np.isnan(both_miss["median_ratio"])


def test_the_effect_interval_holds_the_ratio_and_tables_without_the_candidate_are_skipped():
    rng = np.random.default_rng(0)
    cand, peer = rng.integers(10, 60, 20), rng.integers(20, 90, 20)
    pairs = against.pairs({"t": _times(cand, peer=peer), "u": {"peer": peer}}, "cand", 1000)
    assert list(pairs["table"]) == ["t"]
    r = pairs.iloc[0]
    assert r["ratio_lo"] < r["ratio"] < r["ratio_hi"]
    assert r["ratio"] == pytest.approx(peer.mean() / cand.mean())
    assert (r["n_candidate"], r["n_peer"]) == (20, 20)
