"""``report.md``: :mod:`.build` (``analyse``: the per-benchmark sections, tables and figures),
:mod:`.summary` (markdown tables and summary sentences) and one module per further section:
:mod:`.crossbench`, :mod:`.simtime`, :mod:`.oneshot`."""
