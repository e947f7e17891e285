"""The numbers of the report, computed from loaded results and never drawn or written here:
:mod:`.censored` (samples to a target with censored runs: ECDF, restricted mean, Kaplan-Meier
median, intervals, tests), :mod:`.tables` (hitting times, the samples-to-target table with
Holm-adjusted comparisons, run health), :mod:`.crossbench` (ranks across benchmarks, Friedman,
Nemenyi), :mod:`.simtime` (simulated time to target) and :mod:`.oneshot` (proxies and two-stage
search). Figures: :mod:`analysis.plots`; words: :mod:`analysis.report`."""
