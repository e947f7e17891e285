"""The report's figures: :mod:`.style` (one look per algorithm), :mod:`.files` (the one ``save``,
in every format of ``--figure-format``), and one module per section: :mod:`.figures` (per
benchmark), :mod:`.ablation`, :mod:`.crossbench`, :mod:`.simtime`, :mod:`.oneshot`. They draw the
numbers of :mod:`analysis.stats` and never import :mod:`analysis.report`."""
