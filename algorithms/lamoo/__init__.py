"""LaMOO (Zhao, Wang, Yang, Zhang, Guo, Tian, "Multi-objective Optimization by Learning Space
Partitions", ICLR 2022) on the harness's LaNAS machinery: LaNAS's pool of table rows
(:mod:`algorithms.lanas.pool`), the tree both grow and search by UCB
(:mod:`algorithms.lanas.partition`), the multi-objective maths of :mod:`benchmarks.objectives`.
:mod:`.search` is the algorithm, :mod:`.tree` its labelling by dominance and its node cap (LaMOO's two
differences from LaNAS's value labelling and fixed height), :mod:`.variants` the named configurations (``lamoo-plus``)."""

from . import variants  # noqa: F401  (registers lamoo-plus)
from .search import LaMOO

__all__ = ["LaMOO"]
