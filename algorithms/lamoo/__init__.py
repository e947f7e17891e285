"""LaMOO (Zhao, Wang, Yang, Zhang, Guo, Tian, "Multi-objective Optimization by Learning Space
Partitions", ICLR 2022) on the harness's LaNAS machinery: LaNAS's pool of table rows
(:mod:`algorithms.lanas.pool`), its UCB and selection rule and its split protocol
(:mod:`algorithms.lanas.tree`), the multi-objective maths of :mod:`benchmarks.objectives`.
:mod:`.search` is the algorithm, :mod:`.tree` its tree with the dominance labelling (LaMOO's one
difference from LaNAS's value labelling), :mod:`.variants` the named configurations (``lamoo-plus``)."""

from . import variants  # noqa: F401  (registers lamoo-plus)
from .search import LaMOO

__all__ = ["LaMOO"]
