"""LaMOO (Zhao, Wang, Yang, Zhang, Guo, Tian, "Multi-objective Optimization by Learning Space
Partitions", ICLR 2022) on the harness's LaNAS machinery: :mod:`.search` is the algorithm,
:mod:`.tree` its dominance-split tree, :mod:`.variants` the named configurations (``lamoo-plus``)."""

from . import variants  # noqa: F401  (registers lamoo-plus)
from .search import LaMOO

__all__ = ["LaMOO"]
