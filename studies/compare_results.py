#!/usr/bin/env python
"""Compare two result folders value for value: every run file (by relative path), and in each
row every column of the results format (:data:`analysis.runformat.COLUMNS`, the judged
``true_valid``/``true_test`` included, ``valid_mean`` in older folders) but the measured ``algo_s``;
also the run's status/error/samples metadata; partition side files by leaf and valid.

    python studies/compare_results.py BEFORE_DIR AFTER_DIR [SUBSTRING-OF-RUN-PATH]

Prints each difference and a count; exit 0 when identical, 1 otherwise. Used to show that a
restructuring changed no result (e.g. a fixed grid run before and after). Not collected by
pytest (no ``test_`` prefix)."""

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

from analysis.runformat import COLUMNS, META_KEY, OLD_TRUE_VALID  # noqa: E402

#: algo_s is the algorithm's measured time, never equal twice; leaf is the partition files' column
COLS = (*(c for c in COLUMNS if c != "algo_s"), OLD_TRUE_VALID, "leaf")
META = ("benchmark", "spec", "seed", "budget", "status", "error", "samples", "partition")


def runs(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.glob("runs/**/*.parquet"))}


def meta_of(table):
    md = table.schema.metadata or {}
    key = next((k for k in md if k in (META_KEY, b"nas-harness", b"harness")), None)
    return json.loads(md[key]) if key else {}


def main(a: str, b: str, spec_filter: str = "") -> int:
    ra, rb = runs(Path(a)), runs(Path(b))
    if spec_filter:
        ra = {k: v for k, v in ra.items() if spec_filter in k}
        rb = {k: v for k, v in rb.items() if spec_filter in k}
    bad = 0
    for name in sorted(set(ra) ^ set(rb)):
        print(f"only in {'A' if name in ra else 'B'}: {name}")
        bad += 1
    rows = 0
    for name in sorted(set(ra) & set(rb)):
        ta, tb = pq.read_table(ra[name]), pq.read_table(rb[name])
        for c in COLS:
            if c not in ta.column_names and c not in tb.column_names:
                continue
            va, vb = ta.column(c).to_pylist(), tb.column(c).to_pylist()
            if va != vb:
                first = next((i for i, (x, y) in enumerate(zip(va, vb)) if x != y), min(len(va), len(vb)))
                print(
                    f"DIFF {name} column {c}: first at row {first} "
                    f"({va[first] if first < len(va) else '-'} vs {vb[first] if first < len(vb) else '-'}), "
                    f"lengths {len(va)}/{len(vb)}"
                )
                bad += 1
        ma, mb = meta_of(ta), meta_of(tb)
        for k in META:
            if ma.get(k) != mb.get(k):
                print(f"DIFF {name} meta {k}: {ma.get(k)!r} vs {mb.get(k)!r}")
                bad += 1
        rows += ta.num_rows
    print(f"{len(set(ra) & set(rb))} runs, {rows} rows compared; {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
