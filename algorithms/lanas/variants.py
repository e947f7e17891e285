"""Named LaNAS configurations.

``lanas-release``: the authors' released NAS-Bench-101 code in every detail but three
(docs/lanas-release.md: the NB101 feature vector, float32, values <= 0 skipped in x̄).

``lanas-plus``: LaNAS beyond the paper, run unchanged on every benchmark: the paper's tree and UCB walk, the LA-MCTS SVM split (:mod:`.svm_split`), and inside the
selected leaf the pairwise Bayesian linear model's Thompson pick (:mod:`.surrogate`) among the
unevaluated in-region neighbours of the leaf's 3 best samples that have any (``inleaf=localbo``,
:mod:`.inleaf`), a new climb after 50 samples without a new best (``restart=50``), every model
fitted on the values' ranks (``scale=rank``, :mod:`.scale`), so that the history is the same under
any strictly increasing transform of the values (tests/algorithms/test_rank_invariance.py). How
it was chosen and how it compares: docs/lanas.md and results/reference/peers.md.

``lanas-gp``: the recommended configuration, ``lanas-plus`` with the small Gaussian process of
:mod:`.gp` scoring the selected leaf's candidates for the first 100 samples; against local search,
BANANAS and Optuna's GP it has the best average rank to the top-0.1% over the 14 embedded tables at
100, 300 and 1,000 samples (docs/peers.md, "How LaNAS compares"). ``lanas-plus`` keeps its meaning,
since reference studies name their exact specs.
"""

from __future__ import annotations

from ..registry import register_variant

LANAS_RELEASE = "lanas:regressor=adam,empty_leaf=first_leaf,unsampled_node=by_sign"
LANAS_PLUS = "lanas:inleaf=localbo,n_parents=3,restart=50,scale=rank,split=svm"

register_variant("lanas-release", LANAS_RELEASE)
LANAS_GP = "lanas-plus:gp_until=100"

register_variant("lanas-plus", LANAS_PLUS)
register_variant("lanas-gp", LANAS_GP)
