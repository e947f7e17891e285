"""Named experiments for ``run_all.py --preset NAME``.

Each preset is a grid; :func:`estimate` is the one source of its time: wall time on an idle 2-core
machine, with the CPU time beside it (a loaded machine stretches the first, not the second), from
per-algorithm costs measured with ``run_all.py`` (docs/speed.md). ``run_all.py --list``, the README
and docs/cli.md quote it (tests/test_readme.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass

EMBEDDED_MAIN = ("nb201/cifar10-valid", "anb201/baseline", "nbgraph/cora")
ALL_EMBEDDED = (
    "nb201/cifar10-valid",
    "nb201/cifar100",
    "nb201/ImageNet16-120",
    "anb201/baseline",
    "anb201/analog",
    "nbgraph/cora",
    "nbgraph/citeseer",
    "nbgraph/pubmed",
    "nbgraph/cs",
    "nbgraph/physics",
    "nbgraph/photo",
    "nbgraph/computers",
    "nbgraph/arxiv",
    "nbgraph/proteins",
)


#: every embedded table with a latency column, accuracy against latency (benchmarks/objectives.py)
LATENCY_TABLES = tuple(f"{b}:objectives=valid+latency" for b in ALL_EMBEDDED if b.startswith(("nb201/", "nbgraph/")))
#: the multi-objective algorithms the ``multiobjective`` preset compares (docs/multiobjective.md): LaMOO
#: as its recommended variant ``lamoo-plus`` (chosen on nb201/cifar10-valid:objectives=valid+latency
#: alone); ``lamoo`` at the release's settings is one ``--algorithms`` away
MULTIOBJECTIVE = ("lamoo-plus", "optuna-nsga2", "optuna-motpe", "morea", "random")


@dataclass(frozen=True)
class Preset:
    description: str
    benchmarks: tuple[str, ...]
    #: the algorithms it runs; None: every registered algorithm that can run here (see ``slow``)
    algorithms: tuple[str, ...] | None
    seeds: range
    budget: int
    #: with ``algorithms=None``: run the SLOW algorithms too
    slow: bool = False
    #: what the grid leaves out and the command that runs it (quoted in the report)
    leaves_out: str = ""
    #: (benchmark family prefix, algorithm) pairs the preset's own grid leaves out, e.g.
    #: ``("nbgraph/", "optuna-motpe")``; naming ``--benchmarks`` or ``--algorithms`` runs every pair
    skip: tuple[tuple[str, str], ...] = ()

    def runs(self, benchmark: str, algorithm: str) -> bool:
        """Whether the preset's own grid runs ``algorithm`` on ``benchmark``."""
        return not any(benchmark.startswith(b) and algorithm == a for b, a in self.skip)


#: algorithms whose cost per trial makes large budgets impractical (Optuna's GP: seconds per
#: trial after a few hundred trials; BANANAS: five networks retrained every 10 samples, 25 minutes
#: per run at 1,000, docs/peers.md), and the releases' variants of the peers, which reproduce their
#: papers and are run by name; presets without an explicit list leave them out, and the
#: ``small-budget`` preset (``slow=True``) runs them where they are affordable.
SLOW = ("optuna-gp", "bananas", "bananas-release", "local-search-release")

PRESETS: dict[str, Preset] = {
    "default": Preset(
        "main job: the embedded NAS-Bench-201 and NAS-Bench-Graph tables, every registered algorithm but the slow ones (optuna-gp, bananas)",
        EMBEDDED_MAIN,
        None,
        range(6),
        1000,
        leaves_out="left out for time (`python run_all.py --list` estimates every preset): seeds 6-9 (`python run_all.py "
        "--preset default --seeds 0-9` adds them to this folder), `optuna-gp` and `bananas` "
        "(`--preset small-budget`), the other 11 embedded tables and budget 3,000 (`--preset paper`)",
    ),
    "small-budget": Preset(
        "every registered algorithm, optuna-gp included, at a budget the GP can afford",
        ("nb201/cifar10-valid", "anb201/baseline"),
        None,
        range(5),
        100,
        slow=True,
    ),
    "paper": Preset(
        "all embedded benchmarks, every registered algorithm but the slow ones (optuna-gp, bananas), 100 seeds",
        ALL_EMBEDDED,
        None,
        range(100),
        3000,
    ),
    "ablation": Preset(
        "LaNAS ablations on nb201/cifar10-valid: tree height 1..8, Cp 0..2, n_init, rebuild_every, "
        "in-leaf sampler and split (LA-MCTS), against random, evolution and optuna-tpe",
        ("nb201/cifar10-valid",),
        tuple(
            ["lanas"]  # the default point of every sweep (height 5, Cp 0.1, n_init 10, rebuild every 20)
            + [f"lanas:height={h}" for h in (1, 2, 3, 4, 6, 7, 8)]
            + [f"lanas:cp={c}" for c in (0, 0.01, 0.05, 0.2, 0.5, 1, 2)]
            + [f"lanas:n_init={n}" for n in (2, 50, 200)]
            + [f"lanas:rebuild_every={k}" for k in (1, 5, 100)]
            + [f"lanas:empty_leaf={f}" for f in ("first_leaf", "avoid")]
            + ["lanas-release"]
            + [
                "lanas:inleaf=local",
                "lanas:inleaf=bo",
                "lanas:inleaf=localbo",
                "lanas:split=svm",
                "lanas:inleaf=bo,split=svm",
                "lanas:inleaf=localbo,split=svm",
                "lanas:inleaf=local,split=svm",
                "lanas-plus",
                "lanas-plus:widen=50",
                "lanas-plus:handover=neighbours",
            ]
            + ["random", "evolution", "optuna-tpe"]
        ),
        range(20),
        2000,
    ),
    "oneshot": Preset(
        "one-shot evaluation (the paper's RQ4): every main algorithm on nb201/cifar10-valid searched on the "
        "table and through the published one-shot and few-shot supernet estimates, judged on the table",
        ("nb201/cifar10-valid", "nb201/cifar10-valid:evaluator=oneshot", "nb201/cifar10-valid:evaluator=fewshot"),
        ("lanas", "lanas-plus", "evolution", "optuna-tpe", "random"),
        range(20),
        1000,
    ),
    "multiobjective": Preset(
        "accuracy against latency on the NAS-Bench-201 and NAS-Bench-Graph tables: lamoo's recommended variant against NSGA-II, "
        "multi-objective TPE, MOREA and random search, judged by the hypervolume of the exact Pareto front",
        LATENCY_TABLES,
        MULTIOBJECTIVE,
        range(2),
        1000,
        leaves_out="left out for time: seeds 2-9 (`python run_all.py --preset "
        "multiobjective --seeds 0-9` adds them to this folder), `optuna-motpe` on the NAS-Bench-Graph tables "
        "(it proposes ever more repeats there, each a trial Optuna refits on: past 500 distinct samples a run "
        "takes minutes; docs/multiobjective.md runs it at budget 500, where it needs fewer samples to 95% of HV* "
        "than `lamoo-plus` on 8 of the 9 tables), the GP (`optuna-mogp`, seconds per "
        "trial: docs/multiobjective.md runs it at budget 100) and `lamoo` at the release's settings "
        "(`--algorithms lamoo`)",
        skip=(("nbgraph/", "optuna-motpe"),),
    ),
}

#: seconds per sample of one run at budget 1,000 (algorithm and queries), measured with
#: run_all.py on a 2-core machine (docs/speed.md); lanas-release, lanas-plus and optuna-tpe as CPU
#: seconds per run (docs/speed.md: at a load average of 11-18 on 2 cores, where these costs match
#: the idle wall times of the slower machines of this kind); and how the cost per sample grows with
#: the budget for model-based methods (cost per trial grows with the trials seen).
COST_PER_SAMPLE_S = {
    "random": 1e-4,
    "evolution": 2e-4,
    "mcts": 3e-4,
    "lanas": 3e-3,
    "lanas-plus": 1.7e-3,
    "lanas-gp": 1.7e-3,  # docs/speed.md: 1.05-1.72 s per 1,000-sample run on one idle core
    "lanas-release": 9.5e-3,
    "optuna-tpe": 9.5e-3,
    "optuna-gp": 45.0,
    # at a load average of 10-15 on 2 cores (docs/peers.md): upper bounds; BANANAS's cost per sample grows with the samples it retrains on
    "local-search": 2.8e-3,
    "bananas": 1.5,
    # multi-objective: CPU seconds per sample of one 1,000-sample run, queries included, on
    # nb201/cifar10-valid (nbgraph/cora in the comment), measured on the shared 2-core machine at a
    # load average of 11-20 (docs/multiobjective.md); lamoo:cp=0.05,inleaf=local (lamoo-plus before
    # rebuild_every and svm_max): 0.21 s a sample (algo_s at a load average of about 2)
    "lamoo": 0.21,
    "lamoo-plus": 7.3e-3,  # cora 9.4e-3
    "optuna-nsga2": 2.4e-3,  # cora 7.9e-3
    "optuna-motpe": 5.4e-2,
    "morea": 4.5e-4,  # cora 6.3e-4
    "optuna-mogp": 45.0,
}
GROWTH = {"optuna-tpe": 1.0, "optuna-gp": 1.65, "bananas": 1.0}


def run_s(spec: str, budget: int) -> float:
    """Rough seconds of one run of ``spec`` with ``budget`` samples."""
    base = spec.split(":")[0]
    per = COST_PER_SAMPLE_S.get(base, COST_PER_SAMPLE_S.get(base.split("-")[0], 1e-3))
    return per * budget * (budget / 1000) ** GROWTH.get(base, 0.0)


def estimate_s(algorithms: list[str], n_benchmarks: int, n_seeds: int, budget: int, workers: int) -> float:
    """Rough wall-time estimate of a grid (seconds)."""
    total = sum(run_s(spec, budget) for spec in algorithms)
    return total * n_benchmarks * n_seeds / max(1, workers) + 5.0


def preset_cpu_s(preset: Preset, algorithms: list[str]) -> float:
    """CPU seconds of a preset's grid (the sum of its runs), less the pairs it skips."""
    total = sum(run_s(a, preset.budget) * sum(preset.runs(b, a) for b in preset.benchmarks) for a in algorithms)
    return total * len(preset.seeds)


def preset_estimate_s(preset: Preset, algorithms: list[str], workers: int) -> float:
    """Wall seconds of a preset's grid on ``workers`` idle cores (:func:`preset_cpu_s` shared out)."""
    return preset_cpu_s(preset, algorithms) / max(1, workers) + 5.0


#: the machine every stated estimate is for
IDLE_CORES = 2


def duration(seconds: float) -> str:
    """``45 s``, ``4 min``, ``26.9 h``: how every estimate is written."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class Estimate:
    """A preset's estimated time: ``wall_s`` on an idle :data:`IDLE_CORES`-core machine,
    ``cpu_s`` of CPU time (the sum over its runs), and the algorithms it names that cannot run here."""

    wall_s: float
    cpu_s: float
    unavailable: tuple[str, ...] = ()

    def text(self) -> str:
        return f"~{duration(self.wall_s)} estimated on an idle {IDLE_CORES}-core machine ({duration(self.cpu_s)} of CPU time)"


def planned(preset: Preset) -> list[str]:
    """Every algorithm the preset runs where every optional package is installed (its list, else
    every registered single-objective algorithm, the SLOW ones only with ``slow=True``)."""
    if preset.algorithms is not None:
        return list(preset.algorithms)
    from algorithms import registry

    return [
        n
        for n in registry.names()
        if (preset.slow or n not in SLOW) and getattr(registry.algorithm_class(n), "single_objective", True)
    ]


def estimate(name: str) -> Estimate:
    """The estimate of preset ``name`` (every algorithm it plans, available here or not)."""
    from algorithms import registry

    preset = PRESETS[name]
    algos = planned(preset)
    missing = tuple(a for a in algos if registry.unavailable(registry.resolve(a)[0]))
    return Estimate(preset_estimate_s(preset, algos, IDLE_CORES), preset_cpu_s(preset, algos), missing)
