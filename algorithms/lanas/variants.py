"""Named LaNAS configurations.

``lanas-release``: the authors' released NAS-Bench-101 code in every detail but three (docs/lanas-release.md:
the NB101 feature vector, float32, values <= 0 skipped in x̄; docs/lanas.md).

``lanas-plus``: the recommended LaNAS configuration beyond the paper, chosen on
``nb201/cifar10-valid`` and ``anb201/baseline`` only (20 seeds, budget 1,000: distinct samples to
the top-0.1% and to the optimum, median and restricted mean) and run unchanged on every other
benchmark: the paper's tree and UCB walk, the LA-MCTS SVM split (:mod:`algorithms.lanas.svm_split`),
and inside the selected leaf a Thompson draw of the pairwise Bayesian linear model
(:mod:`algorithms.lanas.surrogate`) picking among the unevaluated in-region neighbours of the
leaf's 3 best samples that have any (:mod:`algorithms.lanas.inleaf`), a new climb after 50
samples without a new best (``restart=50``). Every model is fitted on the values' ranks
(``scale=rank``, :mod:`algorithms.lanas.scale`), so the history is the same under any strictly
increasing transform of the values (tests/algorithms/test_rank_invariance.py). The earlier
definitions, under which results/reference/lanas-plus-study.md was measured: ``lanas-plus:scale=value,restart=0``
and, before it, ``lanas:inleaf=local,split=svm``; docs/lanas.md has the choice
of ``restart``, docs/peers.md the study.
"""

from __future__ import annotations

from ..registry import register_variant

LANAS_RELEASE = "lanas:regressor=adam,empty_leaf=first_leaf,unsampled_node=by_sign"
LANAS_PLUS = "lanas:inleaf=localbo,n_parents=3,restart=50,scale=rank,split=svm"

register_variant("lanas-release", LANAS_RELEASE)
register_variant("lanas-plus", LANAS_PLUS)
