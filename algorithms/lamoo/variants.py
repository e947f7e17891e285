"""Named LaMOO configurations.

``lamoo-plus``: the recommended LaMOO configuration, chosen on
``nb201/cifar10-valid:objectives=valid+latency`` only (docs/multiobjective.md) and run unchanged
on every other table: a small Cp (0.05 against the release's 6: hypervolumes here lie in
[0, 1.21]), the in-leaf sampler that draws one-decision neighbours of the leaf's non-dominated
samples inside its region (``inleaf=local``), the tree rebuilt once 20 samples were told since the
last build (the release: before every batch of 5), and each node's SVM fit on at most 100 of its
samples (the release: all of them); the last two bound its cost per sample (measured, with the
command, in docs/multiobjective.md).
"""

from __future__ import annotations

from ..registry import register_variant

LAMOO_PLUS = "lamoo:cp=0.05,inleaf=local,rebuild_every=20,svm_max=100"

register_variant("lamoo-plus", LAMOO_PLUS)
