"""The climb of ``inleaf=climb|climbbo`` (:class:`algorithms.lanas.climb.Climb`): first improvement
from the leaf's best samples, restarts, and the order in which neighbours are tried."""

from __future__ import annotations

import numpy as np

from algorithms.lanas import LaNAS
from algorithms.lanas.climb import Climb
from algorithms.lanas.samples import Samples
from benchmarks.base import Result
from tests.synthetic import linear_table


def answer(bench, arch) -> Result:
    return Result(float(bench.valid[bench.index([arch])[0]]))


def climb_on(bench, starts_y, next_of=lambda untried: len(untried) - 1):
    """A climb over ``bench`` whose samples are the architectures ``starts_y`` (arch -> value)."""
    samples = Samples()
    for arch, y in starts_y.items():
        samples.add(arch, y, y)
    return Climb(bench, np.random.default_rng(0), samples.view(), next_of), samples


def test_a_climb_starts_from_the_best_start_and_proposes_its_neighbours():
    bench = linear_table()
    a, b = (0, 0, 0, 0, 0), (1, 1, 1, 1, 1)
    climb, samples = climb_on(bench, {a: 0.2, b: 0.5})
    first = climb.next(np.array([1, 0]))  # best first: b
    assert first in bench.neighbours(b) and climb.center == (b, 0.5)


def test_the_first_better_neighbour_becomes_the_centre_and_a_worse_one_does_not():
    bench = linear_table()
    start = (0, 0, 0, 0, 0)
    climb, samples = climb_on(bench, {start: 0.5})
    worse = climb.next(np.array([0]))
    samples.add(worse, 0.1, 0.1)
    climb.tell(worse, 0.1)
    assert climb.center == (start, 0.5)
    better = climb.next(np.array([0]))
    samples.add(better, 0.9, 0.9)
    climb.tell(better, 0.9)
    assert climb.center == (better, 0.9)
    assert climb.next(np.array([0])) in bench.neighbours(better)


def test_at_a_local_optimum_it_restarts_from_a_start_not_used_before_and_then_gives_up():
    bench = linear_table(choices=(2, 2), optimum=(1, 1))
    a, b = (0, 0), (1, 1)
    climb, samples = climb_on(bench, {a: 0.9, b: 0.1})
    proposed = []
    while (arch := climb.next(np.array([0, 1]))) is not None:
        proposed.append(arch)
        samples.add(arch, 0.0, 0.0)  # every neighbour is worse: a local optimum each time
        climb.tell(arch, 0.0)
    assert set(proposed) == {(0, 1), (1, 0)}  # the neighbours of a, then b's are all seen
    assert climb._started == {a, b}


def test_restart_abandons_the_current_climb():
    bench = linear_table()
    start, other = (0, 0, 0, 0, 0), (3, 3, 3, 3, 2)
    climb, samples = climb_on(bench, {start: 0.5, other: 0.4})
    climb.next(np.array([0, 1]))
    climb.restart()
    assert climb.center is None
    assert climb.next(np.array([0, 1])) in bench.neighbours(other)  # start was used: the next start


def test_next_of_orders_the_neighbours():
    """``next_of`` picks the next neighbour among the untried ones (``climbbo``: the model's)."""
    bench = linear_table()
    start = (0, 0, 0, 0, 0)
    climb, samples = climb_on(bench, {start: 0.5}, next_of=lambda untried: untried.index(min(untried)))
    got = []
    for _ in range(4):
        arch = climb.next(np.array([0]))
        samples.add(arch, 0.0, 0.0)
        got.append(arch)
    assert got == sorted(bench.neighbours(start))[:4]


def test_climb_moves_to_the_first_better_neighbour():
    """Once a neighbour of the climb's current architecture is told better, the next proposals
    are that neighbour's neighbours (first improvement), until a local optimum."""
    bench = linear_table(choices=(5, 5, 5, 5, 4), optimum=(4, 3, 2, 1, 0))
    algo = LaNAS(bench, np.random.default_rng(0), inleaf="climb", n_parents=3, scale="rank", split="svm")
    moves = 0
    for _ in range(200):
        arch = algo.ask()
        climber = algo._inleaf.picker.climber
        before = None if climber.center is None else climber.center[0]
        algo.tell(arch, answer(bench, arch))
        after = None if climber.center is None else climber.center[0]
        if before is not None and after != before:
            if after == arch:
                moves += 1
                assert sum(a != b for a, b in zip(arch, before)) == 1  # a neighbour ...
                assert answer(bench, arch).valid > answer(bench, before).valid  # ... that is better
    assert moves >= 3
