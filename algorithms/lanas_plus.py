"""``lanas-plus``: the recommended LaNAS configuration beyond the paper.

Chosen once from a short study on ``nb201/cifar10-valid`` and ``anb201/baseline`` only (median
distinct samples to the table's optimum) and run unchanged on every other benchmark: the
paper's tree and UCB walk, searching inside the selected leaf with ``inleaf`` (see
:mod:`algorithms._inleaf`) and splitting with ``split`` (see :mod:`algorithms._svm_split`).
"""
from __future__ import annotations

from .registry import register_variant

LANAS_PLUS = "lanas:inleaf=local,split=svm"

register_variant("lanas-plus", LANAS_PLUS)
