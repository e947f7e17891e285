"""Named LaNAS configurations.

``lanas-release``: the authors' released NAS-Bench-101 code in every detail (README, "LaNAS").

``lanas-plus``: the recommended LaNAS configuration beyond the paper. Chosen once from a short
study on ``nb201/cifar10-valid`` and ``anb201/baseline`` only (median distinct samples to the
table's optimum) and run unchanged on every other benchmark: the paper's tree and UCB walk,
searching inside the selected leaf with ``inleaf`` (see :mod:`algorithms.lanas.inleaf`) and
splitting with ``split`` (see :mod:`algorithms.lanas.svm_split`).
"""
from __future__ import annotations

from ..registry import register_variant

LANAS_RELEASE = "lanas:regressor=adam,fallback=bfs,empty=zero"
LANAS_PLUS = "lanas:inleaf=local,split=svm"

register_variant("lanas-release", LANAS_RELEASE)
register_variant("lanas-plus", LANAS_PLUS)
