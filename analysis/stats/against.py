"""One candidate against its peers, table by table: which peer is significantly ahead of it, which
behind, and which are tied, with Holm across the tables.

Input: ``times[table][spec]``, the samples each seed needed to reach a target (``inf``: not within
the run), and a checkpoint ``c`` (100, 300, 1,000): a seed that needed more than ``c`` is censored
at ``c`` (:func:`ranking.at_checkpoint`), so runs of a larger budget serve every smaller checkpoint
(no algorithm depends on its budget).

- **Test**: the candidate against each peer on each table, the two-sided Gehan-Wilcoxon test of
  :func:`censored.mann_whitney` (a censored seed ties above every seed that reached the target).
- **Holm** across the tables, one family per peer, checkpoint and target (the tables where both
  ran): a peer's verdict on a table does not get easier with fewer peers.
- **Effect**: the ratio of restricted means, peer over candidate (> 1: the candidate needs fewer
  samples), with a percentile bootstrap interval over the seeds of each side
  (:func:`censored.speedup`), and the ratio of Kaplan-Meier medians where both are reached.
- **Verdict** of a table, from the candidate's side: ``behind`` where some peer is decided ahead
  of it, ``ahead`` where it is decided ahead of every peer, ``tied`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import censored
from .ranking import ALPHA, at_checkpoint

Times = Mapping[str, Mapping[str, np.ndarray]]
COLUMNS = ["table", "peer", "n_candidate", "n_peer", "ratio", "ratio_lo", "ratio_hi", "median_ratio", "p_raw"]


def pairs(times: Times, candidate: str, checkpoint: float, alpha: float = ALPHA) -> pd.DataFrame:
    """One row per (table, peer) where both ran: seeds, the effect and its interval, ``p_raw``,
    ``p`` (Holm over the tables, per peer) and ``side`` (``peer ahead``, ``peer behind`` or
    ``tied``)."""
    rows = []
    for table, specs in times.items():
        if candidate not in specs:
            continue
        mine = at_checkpoint(specs[candidate], checkpoint)
        for peer, theirs_raw in specs.items():
            if peer == candidate:
                continue
            theirs = at_checkpoint(theirs_raw, checkpoint)
            ratio, lo, hi = censored.speedup(mine, theirs, checkpoint)
            m_mine, m_theirs = censored.km_median(mine, checkpoint), censored.km_median(theirs, checkpoint)
            both = np.isfinite(m_mine) and np.isfinite(m_theirs) and m_mine > 0
            median_ratio = m_theirs / m_mine if both else np.nan
            p_raw = censored.mann_whitney(mine, theirs, checkpoint)
            rows.append([table, peer, len(mine), len(theirs), ratio, lo, hi, median_ratio, p_raw])
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["p"] = np.nan
    for _, idx in out.groupby("peer").groups.items():
        out.loc[idx, "p"] = censored.holm(out.loc[idx, "p_raw"].to_numpy())
    decided = out["p"] < alpha
    out["side"] = np.where(decided & (out["ratio"] < 1), "peer ahead", np.where(decided, "peer behind", "tied"))
    return out


def verdicts(table_pairs: pd.DataFrame) -> pd.DataFrame:
    """Per table: ``verdict`` (``behind``, ``ahead``, ``tied``), the peers decided ahead of the
    candidate (``ahead_of_it``) and those it is decided ahead of (``behind_it``)."""
    rows = []
    for table, g in table_pairs.groupby("table", sort=False):
        ahead = list(g.loc[g["side"] == "peer ahead", "peer"])
        behind = list(g.loc[g["side"] == "peer behind", "peer"])
        verdict = "behind" if ahead else "ahead" if len(behind) == len(g) else "tied"
        rows.append({"table": table, "verdict": verdict, "ahead_of_it": ahead, "behind_it": behind})
    return pd.DataFrame(rows, columns=["table", "verdict", "ahead_of_it", "behind_it"])


def summary_line(table_verdicts: pd.DataFrame) -> str:
    """``ahead significantly on N tables (names), tied on M, behind significantly on K (names)``."""

    def names(verdict: str) -> str:
        t = table_verdicts.loc[table_verdicts["verdict"] == verdict]
        if verdict == "behind":
            listed = [f"{r.table} ({', '.join(r.ahead_of_it)})" for r in t.itertuples()]
        else:
            listed = list(t["table"])
        return f" ({'; '.join(listed)})" if listed else ""

    count = table_verdicts["verdict"].value_counts()
    return (
        f"ahead significantly on {count.get('ahead', 0)}{names('ahead')}, "
        f"tied on {count.get('tied', 0)}, "
        f"behind significantly on {count.get('behind', 0)}{names('behind')}"
    )
