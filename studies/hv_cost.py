"""CPU cost of the hypervolume bookkeeping of multi-objective runs, per distinct sample.

    python studies/hv_cost.py FOLDER

For every run of FOLDER on a benchmark with several objectives, re-computes the run's curve of
hypervolume after each distinct sample (:func:`analysis.stats.hypervolume.hv_curve`, the analysis's
own code) five times and prints the best CPU time per sample. Not collected by pytest.
"""

from __future__ import annotations

import sys
import time

import pyarrow.parquet as pq

from analysis import runformat
from analysis.load import load
from analysis.stats.hypervolume import fronts, hv_curve


def main(folder: str) -> None:
    exp = load(folder)
    known = fronts(exp)
    for path in sorted((exp.path / "runs").rglob("*.parquet")):
        meta = runformat.read_meta(pq.read_schema(path))
        front = known.get(meta["benchmark"])
        if front is None:
            continue
        table = pq.read_table(path).to_pandas()
        table = table[~table["cached"].to_numpy(dtype=bool)]
        points = front.normalise(table[[runformat.OBJECTIVE_PREFIX + n for n in front.names]].to_numpy(dtype=float))
        best = []
        for _ in range(5):
            t0 = time.process_time()
            hv_curve(points, front)
            best.append(time.process_time() - t0)
        per = min(best) / max(1, len(points)) * 1e6
        print(
            f"{meta['benchmark']:45s} {meta['spec']:14s} seed {meta['seed']}  {len(points):5d} samples  {per:6.1f} us/sample"
        )


if __name__ == "__main__":
    main(sys.argv[1])
