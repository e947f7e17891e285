"""Rank agreement of each zero-cost proxy with each table's accuracy: Spearman, Kendall, top-10% overlap.

python studies/zerocost_correlations.py OUT_DIR [TABLE.npz] [--boot B]

Over the cells the table scored for each proxy (a uniform sample where it is partial), against
``nb201/cifar10-valid``, ``nb201/cifar100``, ``nb201/ImageNet16-120`` (validation accuracy, mean
over seeds) and ``anb201/baseline``, ``anb201/analog``. NaN and -inf scores (a network without signal)
rank lowest. Top-10% overlap: the share of the proxy's best 10% of cells that are among the table's
best 10% (the paper's "top-10%/top-10%"). 95% intervals: percentile bootstrap over cells (B resamples,
seed 0). Writes ``OUT_DIR/correlations.md`` and ``OUT_DIR/zerocost.png`` (each proxy's score rank
against CIFAR-10 validation accuracy).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, rankdata

from benchmarks import registry
from benchmarks._cell import CHOICES
from benchmarks.base import arch_codes
from benchmarks.zerocost import PROXIES
from benchmarks.zerocost.table import SHIPPED, load

TABLES = ("nb201/cifar10-valid", "nb201/cifar100", "nb201/ImageNet16-120", "anb201/baseline", "anb201/analog")
#: Abdelfattah et al. (ICLR 2021), NAS-Bench-201 table: Spearman rho, CIFAR-10, CIFAR-100, ImageNet16-120
PUBLISHED = {
    "grad_norm": (0.58, 0.64, 0.58),
    "snip": (0.58, 0.63, 0.58),
    "grasp": (0.48, 0.54, 0.56),
    "fisher": (0.36, 0.39, 0.33),
    "synflow": (0.74, 0.76, 0.75),
    "jacov": (0.73, 0.71, 0.71),
}


def stats(score: np.ndarray, acc: np.ndarray) -> tuple[float, float, float]:
    s = rankdata(np.nan_to_num(score, nan=-np.inf))
    a = rankdata(acc)
    rho = float(np.corrcoef(s, a)[0, 1])
    tau = float(kendalltau(s, a).statistic)
    k = max(1, len(s) // 10)
    top = len(np.intersect1d(np.argsort(-s, kind="stable")[:k], np.argsort(-a, kind="stable")[:k])) / k
    return rho, tau, top


def with_intervals(score: np.ndarray, acc: np.ndarray, boot: int, rng: np.random.Generator) -> list[str]:
    point = stats(score, acc)
    draws = np.array([stats(score[i], acc[i]) for i in (rng.integers(len(acc), size=len(acc)) for _ in range(boot))])
    lo, hi = np.percentile(draws, [2.5, 97.5], axis=0)
    return [f"{p:.3f} [{a:.2f}, {b:.2f}]" for p, a, b in zip(point, lo, hi)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("table", type=Path, nargs="?", default=SHIPPED)
    ap.add_argument("--boot", type=int, default=200)
    args = ap.parse_args()
    t, rng = load(args.table), np.random.default_rng(0)
    s = t.setting
    lines = [
        f"Scores: {args.table.name}, minibatch {s.dataset}, batch {s.batch_size}, seed {s.seed}; "
        f"{args.boot} bootstrap resamples.",
        "",
        "| proxy | cells | table | Spearman [95%] | Kendall [95%] | top-10% overlap [95%] | published Spearman |",
        "| --- | ---: | --- | --- | --- | --- | ---: |",
    ]
    accs = {}
    for name in TABLES:
        b = registry.make(name)
        accs[name] = np.full(len(t.values["synflow"]), np.nan)
        accs[name][arch_codes(b.all_archs(), CHOICES)] = b.valid
    for p in PROXIES:
        rows = np.flatnonzero(t.done[p])
        for j, name in enumerate(TABLES):
            keep = rows[np.isfinite(accs[name][rows])]
            if len(keep) < 10:
                continue
            cells = with_intervals(t.values[p][keep], accs[name][keep], args.boot, rng)
            pub = PUBLISHED.get(p, (None,) * 3)[j] if j < 3 else None
            lines.append(f"| {p} | {len(keep):,} | {name} | {' | '.join(cells)} | {'' if pub is None else pub} |")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "correlations.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    figure(t, accs["nb201/cifar10-valid"], args.out / "zerocost.png")


def figure(t, acc: np.ndarray, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [p for p in PROXIES if t.done[p].sum() >= 10]
    cols = 3
    nrows = -(-len(shown) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.7 * nrows), sharey=True, squeeze=False)
    for ax, p in zip(axes.flat, shown):
        rows = np.flatnonzero(t.done[p])
        r = rankdata(np.nan_to_num(t.values[p][rows], nan=-np.inf)) / len(rows)
        ax.scatter(r, acc[rows], s=2, alpha=0.3, rasterized=True)
        ax.set_title(f"{p} ({len(rows):,} cells)", fontsize=9)
        ax.set_xlabel("score rank (fraction)", fontsize=8)
    for ax in axes.flat[len(shown) :]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("CIFAR-10 valid. acc. (%)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
