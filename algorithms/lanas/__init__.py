"""LaNAS (``lanas``, ``lanas-release``, ``lanas-plus``): one package, one concept per module.

- :mod:`.search`: the :class:`LaNAS` algorithm (ask/tell, selection, proposals, rebuilds);
- :mod:`.options`: its options, grouped and documented once, their allowed values and where each
  takes effect, and the old spellings accepted;
- :mod:`.tree`: the search tree of learned linear splits; :mod:`.regressors`: its node models;
  :mod:`.svm_split`: the LA-MCTS split (``split=svm``); :mod:`.scale`: what the models fit
  (``scale=value|rank``);
- :mod:`.pool`: the unevaluated rows of an enumerable space and their per-leaf buckets;
  :mod:`.empty_leaf`: what a selected leaf without rows does (``empty_leaf=anywhere|first_leaf|avoid``);
- :mod:`.samples`: the evaluated samples (and the read-only view the in-leaf searches get);
- :mod:`.regions`: candidates inside a leaf's region on spaces too large to enumerate;
- :mod:`.inleaf`: the in-leaf search (``inleaf=local|bo|localbo|climb|climbbo|bandit``, ``gp_until``):
  a candidate source of :mod:`.inleaf_source` combined with a picker of :mod:`.inleaf_pickers`,
  whose parts are the model (:mod:`.surrogate`), the climb (:mod:`.climb`), the bandit
  (:mod:`.bandit`) and the GP (:mod:`.gp`);
- :mod:`.variants`: the named configurations.
"""

from . import variants  # noqa: F401  (registers lanas-release and lanas-plus)
from .search import LIMITS, LaNAS

__all__ = ["LIMITS", "LaNAS"]
