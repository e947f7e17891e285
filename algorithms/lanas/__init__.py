"""LaNAS (``lanas``, ``lanas-release``, ``lanas-plus``): one package, one concept per module.

- :mod:`.search`: the :class:`LaNAS` algorithm (ask/tell, selection, proposals, rebuilds);
- :mod:`.options`: its options, grouped and documented once, and the old spellings accepted;
- :mod:`.tree`: the search tree of learned linear splits; :mod:`.regressors`: its node models;
  :mod:`.svm_split`: the LA-MCTS split (``split=svm``);
- :mod:`.pool`: the unevaluated rows of an enumerable space and their per-leaf buckets;
  :mod:`.empty_leaf`: what a selected leaf without rows does (``empty_leaf=anywhere|first_leaf|avoid``);
- :mod:`.samples`: the evaluated samples (and the read-only view the in-leaf samplers get);
- :mod:`.regions`: candidates inside a leaf's region on spaces too large to enumerate;
- :mod:`.inleaf`: in-leaf searches (``inleaf=local|bo|localbo``, one class per kind of space) and
  :mod:`.surrogate`, their model;
- :mod:`.variants`: the named configurations.
"""

from . import variants  # noqa: F401  (registers lanas-release and lanas-plus)
from .search import LIMITS, LaNAS

__all__ = ["LIMITS", "LaNAS"]
