"""Named LaNAS configurations.

``lanas-release``: the authors' released NAS-Bench-101 code in every detail but three (docs/lanas-release.md:
the NB101 feature vector, float32, values <= 0 skipped in x̄; docs/lanas.md).

``lanas-plus``: the recommended LaNAS configuration beyond the paper, chosen on
``nb201/cifar10-valid`` and ``anb201/baseline`` only (20 seeds, budget 1,000: distinct samples to
the top-0.1% and to the optimum, median and restricted mean) and run unchanged on every other
benchmark: the paper's tree and UCB walk, the LA-MCTS SVM split (:mod:`algorithms.lanas.svm_split`),
and inside the selected leaf a Thompson draw of the pairwise Bayesian linear model
(:mod:`algorithms.lanas.surrogate`) picking among the unevaluated in-region neighbours of the
leaf's 3 best samples that have any (:mod:`algorithms.lanas.inleaf`). ``lanas-plus:scale=rank``
fits every model on the values' ranks (:mod:`algorithms.lanas.scale`: the history is the same under
any strictly increasing transform of the values); it is not yet the default, because it costs about
1.5x the time per sample and has not been through the budget-1,000 study (docs/rank-invariance.md).
The first ``lanas-plus``
(until 2026-11-26) was ``lanas:inleaf=local,split=svm``; docs/lanas.md, "`lanas-plus`: beyond the paper", has
both on all 14 embedded tables.
"""

from __future__ import annotations

from ..registry import register_variant

LANAS_RELEASE = "lanas:regressor=adam,empty_leaf=first_leaf,unsampled_node=by_sign"
LANAS_PLUS = "lanas:inleaf=localbo,n_parents=3,split=svm"

register_variant("lanas-release", LANAS_RELEASE)
register_variant("lanas-plus", LANAS_PLUS)
