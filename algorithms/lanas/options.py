"""LaNAS's options, grouped by what they configure, and the old spellings still accepted.

The groups are the one source of every option, its type, its default and its documentation:
:data:`GROUPS` lists them in order, :class:`~algorithms.lanas.LaNAS`'s signature (and so the
registry's typed options and ``run_all.py --list``) is derived from them by :func:`signature`, and
the constructor splits its flat keyword options into them with :func:`build` (as Optuna's TPE
builds its ``_ParzenEstimatorParameters``). A spec stays flat (``lanas:height=8,empty_leaf=first_leaf``);
a group's field is the spec's option of the same name but for the two in :data:`SPEC_NAMES`.
A new option is one field in one group, with its allowed values in :data:`LIMITS` (and, where it
takes effect only with some values of other options, its entry in :data:`APPLIES`).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from benchmarks.specs import Limit

from ..registry import SpecError, above, at_least, between, one_of
from .empty_leaf import EMPTY_LEAF
from .inleaf import APPLIES as INLEAF_APPLIES
from .inleaf import HANDOVERS, KINDS
from .regressors import REGRESSORS
from .scale import SCALES
from .svm_split import SvmSplit
from .tree import UNSAMPLED_NODE, Splitter


class RunOptions(NamedTuple):
    """How the search starts and proposes (TPAMI, Sec. 3)."""

    n_init: int = 10  # uniform samples before the first tree
    #: proposals per selection round, each adding a pending visit along its path (not in the release)
    batch: int = 1
    #: what the node models fit: ``"value"`` (the paper) or ``"rank"`` (rank quantiles, :mod:`.scale`)
    scale: str = "value"


class RegressorOptions(NamedTuple):
    """The model of every internal node of the tree (:mod:`.regressors`)."""

    #: (the spec's ``regressor``) ``"lstsq"`` (default, a departure: the exact least-squares fit
    #: the release's Adam reaches only when converged), ``"ridge"`` (an ablation) or ``"adam"``
    #: (the release, warm-started)
    kind: str = "lstsq"
    ridge_alpha: float = 1.0  # ``ridge`` only
    adam_lr: float = 1e-5  # ``adam`` only, as the next two
    adam_epochs: int = 20_000  # the first fit
    adam_refit_epochs: int = 3_000  # every later fit


class TreeOptions(NamedTuple):
    """The tree, its splits and the UCB walk (TPAMI, Sec. 3; :mod:`.tree`)."""

    height: int = 5  # levels: 2**(height-1) - 1 internal nodes (the release: 5, 16 leaves)
    #: UCB exploration for values scaled to [0, 1] by ``benchmark.value_range`` (the release: 0.1)
    cp: float = 0.1
    rebuild_every: int = 20  # samples between rebuilds (the first after the ``n_init`` random ones)
    #: how evaluated samples go down: ``"actual"`` value (the release) or ``"predicted"`` (each
    #: leaf's samples then lie in its region)
    route: str = "actual"
    #: ``"regressor"`` (the paper: a node splits at the mean of its model's predictions) or
    #: ``"svm"`` (LA-MCTS: 2-means on [encoding, value], a linear SVM boundary; :mod:`.svm_split`)
    split: str = "regressor"
    #: how a node without samples routes candidates: ``"by_sign"`` of its current model's
    #: prediction (the release) or ``"all_good"`` (all to its good child)
    unsampled_node: str = "by_sign"


class InLeafOptions(NamedTuple):
    """How the selected leaf is searched (beyond the paper, after LA-MCTS; :mod:`.inleaf`)."""

    #: (the spec's ``inleaf``) ``"uniform"`` (the paper), ``"local"`` (a neighbour of the leaf's best samples), ``"bo"``
    #: (Thompson draw of a pairwise Bayesian linear model), ``"localbo"`` (the model picks among
    #: those neighbours, a trust region), ``"climb"`` (first-improvement hill climbing whose
    #: restarts start from the selected leaf's best samples), ``"climbbo"`` (the climb with the
    #: model picking the next neighbour) or ``"bandit"`` (a bandit over localbo, local, bo and the
    #: uniform draw, learning within the run which pays: :mod:`.bandit`)
    kind: str = "uniform"
    n_parents: int = 20  # local searches: the leaf's best samples whose neighbours are candidates
    widen: int = 0  # local searches: after this many samples without a new best, double n_parents (0: never)
    #: local searches: after this many samples without a new best since the last restart, the
    #: samples so far stop being parents, so the climb starts again from a fresh draw in the
    #: selected leaf, as local search restarts at a local optimum (0: never)
    restart: int = 0
    #: when the selected leaf gives the search no candidate: ``"first_leaf"``, the first leaf in
    #: breadth-first order that gives one (the release's rule for an empty leaf); ``"leaf_draw"``,
    #: the paper's uniform draw from the selected leaf; ``"neighbours"`` (local searches), the
    #: neighbours of the leaf's best samples wherever they lie, else the uniform draw
    handover: str = "first_leaf"
    #: while fewer samples than this are told, a Hamming-kernel GP's expected improvement picks
    #: among the selected leaf's unevaluated candidates first (:mod:`.gp`; 0: never)
    gp_until: int = 0
    #: where the GP of ``gp_until`` looks: ``"leaf"`` (the selected leaf's rows and the in-region
    #: neighbours of its best samples) or ``"space"`` (a random part of the whole space and those
    #: neighbours wherever they lie: the leaf only says around which samples to look closely)
    gp_scope: str = "leaf"
    #: where a climb stopped by ``restart`` starts again: ``"leaf"`` (from the selected leaf, by the
    #: ``handover``) or ``"gp"`` (the GP's expected-improvement pick over the whole space)
    restart_pick: str = "leaf"
    #: ``local``, ``localbo``: the neighbours of the leaf's best samples that are candidates,
    #: ``"leaf"`` (those in its region) or ``"space"`` (all, as local search's)
    near_scope: str = "leaf"


class SamplingOptions(NamedTuple):
    """Where a leaf's candidates come from (:mod:`.pool`, :mod:`.regions`, :mod:`.empty_leaf`)."""

    #: ``"auto"`` (the pool when the space is enumerable), ``"pool"``, or ``"reject"`` (the one-shot
    #: release's rejection sampler, also on enumerable spaces)
    sampler: str = "auto"
    max_tries: int = 1000  # rejection sampler: candidates drawn per proposal
    #: pool, when the selected leaf has no unevaluated row: ``"anywhere"`` (default, a departure):
    #: any unevaluated row, credited to the selected leaf; ``"first_leaf"`` (the release): the first
    #: leaf in breadth-first order that has one, credited to it (its walk keeps coming back);
    #: ``"avoid"`` (with ``inleaf=uniform``): the walk never enters a subtree without rows
    empty_leaf: str = "anywhere"


#: the split rules (``split``): None is the paper's (each node's regressor)
SPLITS: dict[str, Callable[[np.random.Generator], Splitter] | None] = {"regressor": None, "svm": SvmSplit}

#: allowed option values, checked before any run starts (types come from the signature)
LIMITS: dict[str, Limit] = {
    "height": between(1, 12),
    "cp": at_least(0),
    "n_init": at_least(0),
    "rebuild_every": at_least(1),
    "batch": at_least(1),
    "max_tries": at_least(1),
    "ridge_alpha": at_least(0),
    "adam_lr": above(0),
    "adam_epochs": at_least(0),
    "adam_refit_epochs": at_least(0),
    "regressor": one_of(*REGRESSORS),
    "route": one_of("actual", "predicted"),
    "sampler": one_of("auto", "pool", "reject"),
    "inleaf": one_of(*KINDS),
    "split": one_of(*SPLITS),
    "empty_leaf": one_of(*EMPTY_LEAF),
    "unsampled_node": one_of(*UNSAMPLED_NODE),
    "n_parents": at_least(1),
    "widen": at_least(0),
    "restart": at_least(0),
    "handover": one_of(*HANDOVERS),
    "gp_until": at_least(0),
    "gp_scope": one_of("leaf", "space"),
    "restart_pick": one_of("leaf", "gp"),
    "near_scope": one_of("leaf", "space"),
    "scale": one_of(*SCALES),
}

#: options that take effect only when other options have these values (others are rejected, see
#: algorithms.registry.check); the in-leaf ones come from :data:`.inleaf.KINDS`; those that depend
#: on the benchmark (sampler, empty_leaf, max_tries: enumerable or not) are not listed
APPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    **{k: {"regressor": ("adam",)} for k in ("adam_lr", "adam_epochs", "adam_refit_epochs")},
    "ridge_alpha": {"regressor": ("ridge",)},
    **INLEAF_APPLIES,
}

#: the option groups in the order of the constructor's signature: attribute of LaNAS -> group
GROUPS: dict[str, Any] = {  # NamedTuple classes
    "run_options": RunOptions,
    "tree_options": TreeOptions,
    "regressor_options": RegressorOptions,
    "inleaf_options": InLeafOptions,
    "sampling_options": SamplingOptions,
}
#: group fields that a spec names otherwise: (group, field) -> the spec's option
SPEC_NAMES: dict[tuple[Any, str], str] = {(RegressorOptions, "kind"): "regressor", (InLeafOptions, "kind"): "inleaf"}


def fields() -> dict[str, tuple[Any, str]]:
    """Every spec option, in signature order -> (its group, its field there)."""
    return {SPEC_NAMES.get((g, f), f): (g, f) for g in GROUPS.values() for f in g._fields}


def signature() -> inspect.Signature:
    """``LaNAS(benchmark, rng, *, n_init=10, ...)``: each option keyword-only, typed, with its default."""
    params = [
        inspect.Parameter("benchmark", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("rng", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    ]
    for option, (group, field) in fields().items():
        hint = typing.get_type_hints(group)[field]
        default = group._field_defaults[field]
        params.append(inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=hint))
    return inspect.Signature(params, return_annotation=None)


def build(options: Mapping[str, Any]) -> dict[str, Any]:
    """The groups (attribute name -> group) for flat keyword ``options``, defaults filled in;
    an option that no group has raises TypeError, as an unknown keyword does."""
    known = fields()
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise TypeError(f"LaNAS got unexpected options {', '.join(unknown)} (options: {', '.join(known)})")
    values: dict[Any, dict[str, Any]] = {g: {} for g in GROUPS.values()}
    for option, value in options.items():
        group, field = known[option]
        if typing.get_type_hints(group)[field] is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        values[group][field] = value
    return {attr: group(**values[group]) for attr, group in GROUPS.items()}


#: old option -> (new option, old value -> new value); see :func:`renamed`
RENAMED: dict[str, tuple[str, dict[str, str]]] = {
    "fallback": ("empty_leaf", {"uniform": "anywhere", "bfs": "first_leaf", "skip": "avoid"}),
    "inleaf_fallback": ("handover", {"bfs": "first_leaf", "uniform": "leaf_draw", "near": "neighbours"}),
    "empty": ("unsampled_node", {"zero": "by_sign", "good": "all_good"}),
    "parents": ("n_parents", {}),
}


def renamed(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A spec's options with the old spellings (``fallback=bfs``) in the new ones
    (``empty_leaf=first_leaf``): commands and stored experiment folders keep working."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        new, values = RENAMED.get(key, (key, {}))
        if new in out or (new != key and new in raw):
            raise SpecError(f"lanas option {new} given twice ({key} is its old name)")
        out[new] = values.get(value, value) if isinstance(value, str) else value
    return out
