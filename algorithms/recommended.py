"""``lanas-gp``: the recommended configuration, ``lanas-plus:gp_until=100``.

``lanas-plus`` (:mod:`algorithms.lanas.variants`) with the small Gaussian process of
:mod:`algorithms.lanas.gp` scoring the selected leaf's candidates for the first 100 samples.
Against the strongest peers (local search, BANANAS, Optuna's GP) it has the best average rank to
the top-0.1% over the 14 embedded tables at 100, 300 and 1,000 samples (docs/peers.md, "The
recommendation"). A name of its own, so the default run includes it and a report names it;
``lanas-plus`` keeps its meaning (reference studies name their exact specs).
"""

from __future__ import annotations

from .registry import register_variant

LANAS_GP = "lanas-plus:gp_until=100"

register_variant("lanas-gp", LANAS_GP)
