"""What LaNAS does when the selected leaf has no unevaluated row left (``lanas:empty_leaf``).

Enumerable spaces only (the pool, :mod:`.pool`); one strategy per run, chosen at construction by
:func:`make_empty_leaf`. Each selects a leaf (:meth:`EmptyLeaf.select`) and draws a row for it
(:meth:`EmptyLeaf.draw`), counting in :attr:`EmptyLeaf.count` the times the leaf had none.
"""

from __future__ import annotations

import numpy as np

from .pool import Pool
from .tree import Tree


class EmptyLeaf:
    """The walk as the paper has it; subclasses say where the row of an empty leaf comes from."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.count = 0  # selected leaves whose bucket was empty

    def select(self, tree: Tree, cp: float, pool: Pool | None) -> int | None:
        """The UCB walk's leaf (None: no leaf can be proposed from)."""
        return tree.select(cp, self.rng)

    def draw(self, tree: Tree, cp: float, pool: Pool, leaf: int) -> tuple[int, int | None]:
        """(leaf credited, row) for the selected ``leaf``; row None when nothing is left."""
        row = pool.draw(leaf)
        if row is not None:
            return leaf, row
        self.count += 1
        return self.draw_instead(tree, pool, leaf)

    def draw_instead(self, tree: Tree, pool: Pool, leaf: int) -> tuple[int, int | None]:
        raise NotImplementedError


class Anywhere(EmptyLeaf):
    """``anywhere`` (default): any unevaluated row, credited to the selected leaf (so the walk moves on)."""

    def draw_instead(self, tree: Tree, pool: Pool, leaf: int) -> tuple[int, int | None]:
        rows = np.flatnonzero(pool.available)
        if len(rows) == 0:
            return leaf, None
        row = int(rows[int(self.rng.integers(len(rows)))])
        pool.available[row] = False
        return leaf, row


class FirstLeaf(EmptyLeaf):
    """``first_leaf`` (the release, ``MCTS.search``): the first leaf in breadth-first order that has
    a row, credited to it, so the selected leaf's statistics never change and later walks come back."""

    def draw_instead(self, tree: Tree, pool: Pool, leaf: int) -> tuple[int, int | None]:
        for other in range(tree.n_leaves):
            row = pool.draw(other)
            if row is not None:
                return other, row
        return 0, None


class Avoid(EmptyLeaf):
    """``avoid``: the walk never enters a subtree without rows, so a selected leaf is never empty."""

    def select(self, tree: Tree, cp: float, pool: Pool | None) -> int | None:
        return tree.select(cp, self.rng, None if pool is None else pool.sizes > 0)

    def draw(self, tree: Tree, cp: float, pool: Pool, leaf: int) -> tuple[int, int | None]:
        row = pool.draw(leaf)
        while row is None:  # the bucket held only rows evaluated since the rebuild
            found = self.select(tree, cp, pool)
            if found is None:
                return leaf, None
            leaf, row = found, pool.draw(found)
        return leaf, row


EMPTY_LEAF = {"anywhere": Anywhere, "first_leaf": FirstLeaf, "avoid": Avoid}


def make_empty_leaf(kind: str, rng: np.random.Generator, uniform_draw: bool) -> EmptyLeaf:
    """The strategy named ``kind``. ``avoid`` needs every proposal drawn from the pool by the walk
    (``uniform_draw``: the pool sampler without an in-leaf search); elsewhere it is ``first_leaf``."""
    if kind == "avoid" and not uniform_draw:
        kind = "first_leaf"
    return EMPTY_LEAF[kind](rng)
