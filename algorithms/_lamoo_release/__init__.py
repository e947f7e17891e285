"""The parts of ``lamoo-release`` (:mod:`algorithms.lamoo_release`): :mod:`.encoding`, the
release's continuous encoding of a cell; :mod:`.tree`, its round-wise dominance tree; :mod:`.leaf`,
qEHVI started inside the selected leaf."""
