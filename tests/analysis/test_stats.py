"""Statistics of samples-to-target on hand-made numbers with known answers."""

import numpy as np
import pytest
from scipy import stats as sps

from analysis import families
from analysis.stats import censored as stats

INF = np.inf


def test_hitting_time_is_first_sample_at_or_above_target():
    best = np.array([0.1, 0.5, 0.5, 0.9, 0.9])
    assert stats.hitting_time(best, 0.5) == 2
    assert stats.hitting_time(best, 0.9) == 4
    assert stats.hitting_time(best, 0.95) == INF
    assert stats.hitting_time(best, 0.9 + 1e-13) == 4  # JSON round-off of a target is tolerated
    assert stats.hitting_time(np.full(3, np.nan), 0.0) == INF  # a run with no samples never hits


def test_ecdf_keeps_censored_runs_in_the_denominator():
    times = np.array([1, 5, INF, INF])
    assert stats.ecdf(times, np.array([1, 4, 5, 100])).tolist() == [0.25, 0.25, 0.5, 0.5]
    assert stats.ecdf(np.array([]), np.array([1.0])).tolist() == [0.0]


def test_restricted_mean_counts_censored_runs_as_the_budget():
    assert stats.restricted_mean(np.array([10, INF]), 100) == 55
    assert stats.restricted_mean(np.array([10, 30]), 100) == 20


def test_kaplan_meier_median_with_censoring_at_different_times():
    # events at 2, 4, 5; censored at 3 and 6: S(2)=4/5, S(4)=4/5*2/3, S(5)=S(4)/2 <= 0.5
    times = np.array([2, INF, 4, 5, INF])
    assert stats.km_median(times, censor_at=np.array([0, 3, 0, 0, 6])) == 5
    # no censoring: the ordinary median (midpoint of the two middle values for an even count)
    assert stats.km_median(np.array([4, 1, 3, 2])) == 2.5 == np.median([4, 1, 3, 2])
    assert stats.km_median(np.array([1, 2, 3])) == 2
    # half or more censored at the budget: the median is not reached ("How to read" says so)
    assert stats.km_median(np.array([1, 2, INF, INF, INF]), 100) == INF
    assert stats.km_median(np.array([1, 2, 3, INF, INF]), 100) == 3
    five_of_ten = np.r_[np.arange(100.0, 600.0, 100.0), np.full(5, INF)]
    assert stats.km_median(five_of_ten, 1000) == INF  # exactly half censored: beyond the budget
    six_of_ten = np.r_[np.arange(100.0, 600.0, 100.0), 848.0, np.full(4, INF)]
    assert stats.km_median(six_of_ten, 1000) == (500 + 848) / 2  # the two middle seeds both reached


def test_bootstrap_interval_is_reproducible_and_covers_the_known_mean():
    rng = np.random.default_rng(123)
    hits = 0
    trials = 200
    for _ in range(trials):
        x = rng.normal(50.0, 10.0, 40)
        lo, hi = stats.bootstrap_ci(x, lambda s: s.mean(axis=1), n_boot=1000)
        hits += lo <= 50.0 <= hi
    assert 0.89 <= hits / trials <= 0.99
    # the restricted mean's percentile interval, recomputed by hand from default_rng(0)'s draws
    x = np.r_[np.arange(20.0), INF, INF]
    v = np.minimum(x, 30.0)
    boot = v[np.random.default_rng(0).integers(0, len(v), size=(stats.N_BOOT, len(v)))].mean(axis=1)
    lo, hi = stats.mean_ci(x, 30.0)
    assert (lo, hi) == pytest.approx(tuple(np.quantile(boot, [0.025, 0.975])))
    assert lo < v.mean() < hi and stats.mean_ci(x, 30.0, seed=1) != (lo, hi)


def test_median_interval_reaches_budget_when_many_runs_are_censored():
    lo, hi, cover = stats.median_ci(np.array([5, 6, INF, INF, INF, INF]))
    assert hi == INF and lo == 5 and cover == pytest.approx(1 - 2 / 64)


def test_median_interval_is_the_order_statistic_interval_with_its_exact_coverage():
    t = np.arange(1.0, 21.0)  # n = 20: l = 6, coverage 1 - 2 P(B(20, 1/2) <= 5) = 95.86%
    lo, hi, cover = stats.median_ci(t)
    assert (lo, hi) == (6.0, 15.0) and cover == pytest.approx(1 - 2 * sps.binom.cdf(5, 20, 0.5))
    assert cover >= 0.95 and 1 - 2 * sps.binom.cdf(6, 20, 0.5) < 0.95  # the narrowest with >= 95%
    lo, hi, cover = stats.median_ci(np.array([3.0, 1.0, 2.0]))
    assert (lo, hi, cover) == (1.0, 3.0, 0.75)  # too few seeds for 95%: the range, and its coverage


def test_median_interval_keeps_its_coverage_on_censored_synthetic_data():
    """n = 20 log-normal samples censored at the budget (25% censored on average): the interval
    must cover the true median at least at its stated level (a percentile bootstrap of the median
    covered it only about 92% of the time)."""
    rng = np.random.default_rng(7)
    budget, truth, trials = np.exp(5.5 + 0.8 * 0.6745), np.exp(5.5), 4000
    hits = 0
    for _ in range(trials):
        t = np.exp(rng.normal(5.5, 0.8, 20))
        lo, hi, cover = stats.median_ci(np.where(t > budget, INF, t))
        hits += lo <= truth <= hi
    assert cover == pytest.approx(0.9586, abs=1e-4)
    assert 0.945 <= hits / trials <= 0.975  # binomial sd at 4,000 trials: 0.3%


def test_speedup_is_the_ratio_of_restricted_means():
    s, lo, hi = stats.speedup(np.full(10, 10.0), np.full(10, 100.0), budget=1000)
    assert (s, lo, hi) == (10.0, 10.0, 10.0)
    # random never reaches within a budget of 200: its restricted mean is 200, a lower bound
    s, lo, hi = stats.speedup(np.array([10.0, 30.0]), np.array([INF, INF]), budget=200)
    assert s == 10.0
    rng = np.random.default_rng(5)
    a, b = rng.uniform(10, 30, 30), rng.uniform(100, 300, 30)
    s, lo, hi = stats.speedup(a, b, budget=1000)
    assert s == pytest.approx(b.mean() / a.mean())
    assert lo < s < hi and lo > 4 and hi < 20


def test_mann_whitney_against_scipy_and_with_censoring():
    a, b = np.arange(1.0, 11.0), np.arange(11.0, 21.0)
    p = stats.mann_whitney(a, b, budget=100)
    assert p == pytest.approx(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    assert p < 0.001
    assert stats.mann_whitney(np.full(5, INF), np.full(5, INF), budget=100) == 1.0
    # censored runs rank above every observed time
    censored = stats.mann_whitney(a, np.full(10, INF), budget=100)
    assert censored == pytest.approx(sps.mannwhitneyu(a, np.full(10, 101.0), alternative="two-sided").pvalue)


def test_summarise_marks_censored_means():
    row = stats.summarise(np.array([10, 20, INF, INF]), budget=100)
    assert row["reached"] == 2 and row["success"] == 0.5
    assert row["mean"] == 57.5 and row["mean_censored"]
    assert row["mean_of_successes"] == 15
    assert row["median"] == INF  # half censored: S stays at 1/2 from t = 20 past the budget
    assert stats.summarise(np.array([10, 20, 30, INF]), budget=100)["median"] == 25


def test_ablation_series_place_the_default_from_the_plain_spec_and_the_defaults():
    specs = ["lanas", "lanas:height=1", "lanas:height=8", "lanas:cp=0", "random"]
    defaults = {"lanas": {"height": 5, "cp": 0.1, "sampler": "auto"}, "random": {}}
    found = {s.option: s for s in families.series(specs, defaults)}
    assert [(v, s) for v, s in found["height"].points] == [(1, "lanas:height=1"), (5, "lanas"), (8, "lanas:height=8")]
    assert found["height"].default == 5 and found["height"].numeric
    # one explicit value and the default make a series
    assert [v for v, _ in found["cp"].points] == [0, 0.1] and found["cp"].reference == "lanas"
    # without the plain spec there is no default point, and one value is no series
    assert not [s for s in families.series(["lanas:cp=0", "random"], defaults)]


def test_ablation_series_are_found_from_the_specs():
    specs = [
        "lanas",
        "lanas:height=1",
        "lanas:height=8",
        "lanas:cp=0.5",
        "lanas:cp=1",
        "lanas:cp=1,height=8",
        "random",
        "lanas:sampler=local",
        "evolution",
    ]
    found = {(s.family, s.option, s.fixed): s for s in families.series(specs)}
    height = found[("lanas", "height", ())]
    assert [v for v, _ in height.points] == [1, 8] and height.reference == "lanas"
    assert [v for v, _ in found[("lanas", "cp", ())].points] == [0.5, 1]
    assert ("lanas", "sampler", ()) not in found  # one value only: no series
    assert families.variant_specs(specs + ["lanas-plus"]) == [s for s in specs if s.startswith("lanas")] + [
        "lanas-plus"
    ]
    assert families.main_specs(specs) == ["lanas", "random", "evolution"]


def test_tail_counts_slow_seeds_and_says_when_censoring_leaves_it_open():
    t = np.array([10, 12, 14, 16, 200, INF, 18, 11, 13, 15], dtype=float)  # median 14.5
    row = stats.tail(t, budget=1000, limit=3000)
    assert row["tail_limit"] == 1000 and row["tail_beyond_limit"] == 0.1  # the censored seed
    assert row["tail_10x_lo"] == row["tail_10x_hi"] == 0.2  # 200 and the censored one > 145
    row = stats.tail(t, budget=100, limit=50)  # 10x the median (145) is beyond the budget
    assert row["tail_limit"] == 50 and row["tail_beyond_limit"] == 0.2
    assert (row["tail_10x_lo"], row["tail_10x_hi"]) == (0.1, 0.2)
    assert np.isnan(stats.tail(np.array([1.0, INF, INF]), 100)["tail_10x_lo"])  # no median


def test_trend_is_the_rank_correlation_with_a_stratified_bootstrap_interval():
    x = np.repeat([1.0, 3.0, 5.0, 8.0], 6)
    rng = np.random.default_rng(0)
    falling = 1000 / x + rng.uniform(0, 30, len(x))
    rho, lo, hi = stats.trend(x, falling, budget=2000)
    assert rho == pytest.approx(sps.spearmanr(x, falling).statistic) and rho < -0.8
    assert -1 <= lo < hi < 0
    flat = rng.uniform(100, 200, len(x))
    rho, lo, hi = stats.trend(x, flat, budget=2000)
    assert lo < 0 < hi
    # censored seeds tie above every observed time: one success among censored seeds is no trend
    one = np.full(len(x), INF)
    one[0] = 500.0
    rho, lo, hi = stats.trend(x, one, budget=1000)
    assert lo <= 0 <= hi
    assert np.isnan(stats.trend(x, np.full(len(x), INF), budget=1000)[0])


def test_a_spec_naming_the_default_value_is_the_default_point():
    # before specs are canonical, ``lanas:height=5`` is the default configuration under another name
    defaults = {"lanas": {"height": 5}}
    found = families.series(["lanas", "lanas:height=5", "lanas:height=1"], defaults)[0]
    assert [(v, s) for v, s in found.points] == [(1, "lanas:height=1"), (5, "lanas:height=5")]
    assert found.is_default(5, "lanas:height=5") and not found.is_default(1, "lanas:height=1")
    assert not families.series(["lanas", "lanas:height=1"], None)  # defaults unknown: one value only
