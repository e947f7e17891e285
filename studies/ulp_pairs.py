"""Counts behind docs/rank-invariance.md: neighbouring distinct values of an embedded table that lie
exactly one ulp apart, and how many neighbouring values a transform merges (or reverses) in
floating point.

    python studies/ulp_pairs.py nbgraph/proteins nb201/cifar10-valid
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks import registry


def counts(values: np.ndarray, lo: float, hi: float) -> tuple[int, int, int]:
    """(distinct values, neighbouring pairs one ulp apart, pairs the cube transform merges)."""
    v = np.unique(np.asarray(values, dtype=float))
    one_ulp = int(np.sum(np.nextafter(v[:-1], np.inf) == v[1:]))
    cube = ((v - lo) / (hi - lo) - 0.3) ** 3  # tests/transformed.py's "cube"
    return len(v), one_ulp, int(np.sum(np.diff(cube) <= 0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="+")
    args = parser.parse_args(argv)
    print("| table | distinct values | pairs one ulp apart | merged by the cube |")
    print("| --- | --- | --- | --- |")
    for name in args.benchmarks:
        bench = registry.make(name)
        n, ulp, merged = counts(bench.valid, *bench.value_range)
        print(f"| `{name}` | {n:,} | {ulp} | {merged} |")


if __name__ == "__main__":
    main()
