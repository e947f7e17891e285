"""Zero-cost proxies of NAS-Bench-201 cells: scores of the untrained network (Abdelfattah et al. 2021)."""
