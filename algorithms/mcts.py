"""Plain Monte Carlo tree search on the hand-designed sequential action space: the baseline
LaNAS argues against (Wang et al., TPAMI, arXiv 1906.06832, Sec. 2), as in AlphaX (Wang, Zhao,
Jinnai, Tian, Fonseca, "AlphaX: eXploring Neural Architectures with Deep Neural Networks and
Monte Carlo Tree Search", arXiv 1903.11059) without its meta-DNN."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from benchmarks.base import Arch, Benchmark, Result

from .registry import at_least, register

#: a subtree of at most this many encodings is enumerated when random roll-outs fail
_ENUMERATE = 1 << 16
_ROLLOUT_TRIES = 64
#: roll-outs tried in a subtree too large to enumerate before it is taken as used up
_MANY_TRIES = 10_000


@dataclass
class _Node:
    prefix: Arch
    n: int = 0  # told visits
    total: float = 0.0  # sum of the told values
    pending: int = 0  # virtual visits: proposals below this node not told yet
    children: dict[int, _Node] = field(default_factory=dict)
    done: bool = False  # every architecture below has been evaluated


@register("mcts", limits={"cp": at_least(0)})
class MCTS:
    """UCT over a tree whose level ``i`` chooses decision ``i`` (a fixed, hand-designed order).

    One iteration (Browne et al. 2012, "A Survey of MCTS Methods"): *selection* from the root
    by UCT, ``mean + 2 * cp * (hi - lo) * sqrt(2 ln N_parent / n_child)`` over the children
    not yet exhausted, while a node has every child; *expansion* of one untried child chosen
    uniformly; a random *roll-out* that completes the child's prefix uniformly (redrawn until
    the encoding, or its ``benchmark.canonical`` form, is valid and not evaluated yet); after
    the evaluation the value is *backed up* along the path root..child. Only the expanded
    node joins the tree, as in AlphaX.

    Several proposals may be outstanding (``--parallel K``): each adds a *virtual visit* to
    every node of its path (``pending``), counted in UCT's visit counts so that the next
    selection explores elsewhere, without a value (a node with only virtual visits takes
    its parent's mean). ``tell`` finds the path by the architecture, in any order, and turns
    its virtual visits into real ones; a ``tell`` of an architecture told before raises. A result it did
    not ask for (a zero-cost warm-up's cell, :mod:`algorithms._warmup`) is backed up along the nodes of
    the tree that hold its prefix.
    With one proposal at a time there is never a virtual visit at selection, so sequential
    runs are unchanged.

    ``cp=2`` is AlphaX's UCT constant for accuracies in [0, 1] (LaNAS paper, baselines); the
    exploration term is scaled by the width of the benchmark's ``value_range`` so that the
    same ``cp`` means the same on tables in percent.

    A subtree whose roll-outs (64) find nothing new is checked exhaustively (when it holds at
    most 2**16 encodings) and marked done; done subtrees are skipped, so no architecture is
    proposed twice, and ``ask`` returns None exactly when the space is used up. A subtree
    larger than that is marked done after 10,000 failed roll-outs (as ``Benchmark.sample``
    gives up), which on the spaces here happens only when it is all but used up.
    """

    def __init__(self, benchmark: Benchmark, rng: np.random.Generator, *, cp: float = 2.0) -> None:
        if cp < 0:
            raise ValueError("cp must be >= 0")
        self.benchmark = benchmark
        self.rng = rng
        self.cp = cp
        self.root = _Node(())
        self.seen: set[Arch] = set()  # told or pending
        self._pending: dict[Arch, list[_Node]] = {}  # arch -> its path, backed up by tell
        lo, hi = benchmark.value_range
        self._c = 2.0 * cp * (hi - lo)

    def ask(self) -> Arch | None:
        while not self.root.done:
            path = self._select()
            arch = self._rollout(path[-1].prefix)
            if arch is not None:
                self.seen.add(arch)
                self._pending[arch] = path
                for node in path:
                    node.pending += 1
                return arch
            self._mark_done(path)
        return None

    def tell(self, arch: Arch, result: Result) -> None:
        arch = tuple(int(a) for a in arch)
        path = self._pending.pop(arch, None)
        if path is None:
            if arch in self.seen:
                raise ValueError(f"tell({arch}) answers no pending ask()")
            self.seen.add(arch)
            path = self._existing(arch)
        for node in path:
            node.pending -= 1
            node.n += 1
            node.total += float(result.valid)

    def _existing(self, arch: Arch) -> list[_Node]:
        """The nodes of the tree on ``arch``'s prefix, root first, each with the virtual visit that its
        ``tell`` turns into a real one."""
        node: _Node | None = self.root
        path = []
        while node is not None:
            path.append(node)
            node.pending += 1
            node = node.children.get(arch[len(node.prefix)]) if len(node.prefix) < len(arch) else None
        return path

    # ----- the tree ----------------------------------------------------------------
    def _select(self) -> list[_Node]:
        """Descend by UCT to a node with untried children, expand one; the path to it."""
        choices = self.benchmark.choices
        node, path = self.root, [self.root]
        while len(node.prefix) < len(choices):
            untried = [v for v in range(choices[len(node.prefix)]) if v not in node.children]
            if untried:
                v = untried[int(self.rng.integers(len(untried)))]
                child = node.children[v] = _Node(node.prefix + (v,))
                path.append(child)
                return path
            node = self._uct(node)
            path.append(node)
        return path

    def _uct(self, node: _Node) -> _Node:
        live = [c for c in node.children.values() if not c.done]
        log_n = math.log(max(node.n + node.pending, 1))
        parent_mean = node.total / node.n if node.n else 0.0

        def score(c: _Node) -> float:
            visits = c.n + c.pending
            if visits == 0:
                return math.inf
            mean = c.total / c.n if c.n else parent_mean
            return mean + self._c * math.sqrt(2.0 * log_n / visits)

        scores = np.array([score(c) for c in live])
        best = np.flatnonzero(scores == scores.max())
        return live[int(best[self.rng.integers(len(best))])]

    def _mark_done(self, path: list[_Node]) -> None:
        """The last node of ``path`` is exhausted; so is every ancestor whose children all are."""
        path[-1].done = True
        choices = self.benchmark.choices
        for node in reversed(path[:-1]):
            full = len(node.children) == choices[len(node.prefix)]
            if full and all(c.done for c in node.children.values()):
                node.done = True
            else:
                break

    # ----- roll-outs ---------------------------------------------------------------
    def _rollout(self, prefix: Arch) -> Arch | None:
        rest = self.benchmark.choices[len(prefix) :]
        size = math.prod(rest)
        tries = _ROLLOUT_TRIES if size <= _ENUMERATE else _MANY_TRIES
        for _ in range(tries if size > tries else 0):
            arch = self._new(prefix + tuple(int(self.rng.integers(c)) for c in rest))
            if arch is not None:
                return arch
        if size > _ENUMERATE:
            return None
        # few or no new architectures are left below: try every completion in random order
        radix = np.cumprod((1, *rest[::-1]))[:-1][::-1]
        for code in self.rng.permutation(size):
            arch = self._new(prefix + tuple(int(d) for d in (code // radix) % np.asarray(rest)))
            if arch is not None:
                return arch
        return None

    def _new(self, encoding: Arch) -> Arch | None:
        """The valid (canonical) architecture of ``encoding`` if not evaluated yet, else None."""
        arch = self.benchmark.valid_canonical(encoding)
        return None if arch is None or arch in self.seen else arch
