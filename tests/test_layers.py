"""The architecture holds: ``run_all.py`` -> ``harness`` -> ``algorithms`` and ``analysis`` (side by
side, neither importing the other) -> ``benchmarks``, and no module imports itself back through
others. Inside ``analysis``, the statistics import neither the plots nor the report, the plots do
not import the report, and the results format imports no other module of the project and nothing
that draws. The study scripts (``studies/``) are imported by no source file, and every source file
stays under 300 lines (as ``ruff format`` writes them). Imports are read with ``ast`` from every file, those inside functions and
under ``TYPE_CHECKING`` included, so a deferred import cannot hide a loop."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "algorithms", "analysis", "benchmarks")
#: package -> the packages of this project it must not import
FORBIDDEN = {
    "algorithms": {"analysis", "harness"},
    "analysis": {"algorithms", "harness"},
    "benchmarks": {"algorithms", "analysis", "harness"},
}
#: subpackage or module -> the parts of the project (module name prefixes) it must not import
FORBIDDEN_INSIDE = {
    "analysis.stats": ("analysis.plots", "analysis.report"),
    "analysis.plots": ("analysis.report",),
    "analysis.load": ("analysis.plots", "analysis.report"),
    "analysis.frames": ("analysis.plots", "analysis.report"),
    "analysis.runformat": ("analysis", "harness", "algorithms", "benchmarks"),
}
#: third-party modules that draw, which the results format must not import
DRAWING = ("matplotlib", "seaborn", "plotly")
#: no product file reaches 300 lines (as ``ruff format`` writes them): split it by idea first
MAX_LINES = 300
#: files known to be over it, each with the work that splits it (then it leaves this list)
OVER_LIMIT: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _targets(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that ``name`` (stored at ``path``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            bases = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in bases:
            while target and target not in modules:  # ``import a.b.c`` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _targets(name, path, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop of ``graph`` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_loop():
    loop = _cycle(_graph())
    assert loop is None, "import loop: " + " -> ".join(loop)


def test_layers():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if target.split(".")[0] in FORBIDDEN.get(name.split(".")[0], ())
    )
    assert not wrong, "; ".join(wrong)


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_layers_inside_analysis():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for part, banned in FORBIDDEN_INSIDE.items()
        if _under(name, part)
        for target in targets
        if any(_under(target, b) for b in banned)
    )
    assert not wrong, "; ".join(wrong)


def _imported_names(path: Path) -> set[str]:
    """Every module name that ``path`` imports (absolute names; relative imports as written)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_the_results_format_draws_nothing():
    names = _imported_names(ROOT / "analysis" / "runformat.py")
    assert not [n for n in names if n.split(".")[0] in DRAWING], names


def _sources() -> list[Path]:
    return [ROOT / "run_all.py"] + [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]


def test_no_source_file_imports_the_studies():
    assert (ROOT / "studies").is_dir()
    wrong = sorted(
        str(p.relative_to(ROOT))
        for p in _sources()
        if any(n.split(".")[0] in ("studies", "tests") for n in _imported_names(p))
    )
    assert not wrong, "source files that import studies/ or tests/: " + ", ".join(wrong)


def test_source_files_stay_small():
    long = sorted(
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in _sources()
        if (n := len(p.read_text().splitlines())) >= MAX_LINES and p.relative_to(ROOT).as_posix() not in OVER_LIMIT
    )
    assert not long, "split these files: " + ", ".join(long)


#: the one home of the multi-objective maths (hypervolume, reference point, normalisation)
OBJECTIVES_HOME = "benchmarks/objectives.py"


def _hypervolume_homes(path: Path) -> list[str]:
    """What in ``path`` computes a hypervolume or sets a reference point: a call of moocore's
    hypervolume (``moocore.hypervolume`` or imported by name), a function named ``hypervolume``,
    a number assigned to ``REFERENCE``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr == "hypervolume" and ast.unparse(node.value) == "moocore":
            found.append(f"line {node.lineno}: moocore.hypervolume")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("moocore"):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name == "hypervolume"]
        elif isinstance(node, ast.FunctionDef) and node.name == "hypervolume":
            found.append(f"line {node.lineno}: def hypervolume")
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            named = any(isinstance(t, ast.Name) and t.id == "REFERENCE" for t in node.targets)
            if named and isinstance(node.value.value, float):  # a point, not e.g. a reference algorithm
                found.append(f"line {node.lineno}: REFERENCE =")
    return found


def test_only_benchmarks_objectives_computes_a_hypervolume():
    homes = {p.relative_to(ROOT).as_posix(): _hypervolume_homes(p) for p in _sources()}
    assert homes.pop(OBJECTIVES_HOME), "the checker no longer sees the home itself"
    wrong = sorted(f"{p} {h}" for p, found in homes.items() for h in found)
    assert not wrong, "hypervolume maths outside " + OBJECTIVES_HOME + ": " + "; ".join(wrong)


def test_the_hypervolume_rule_sees_each_form(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "import moocore\nfrom moocore import hypervolume as hv\nREFERENCE = 1.1\n"
        "def hypervolume(p):\n    return moocore.hypervolume(p, ref=[1, 1])\n"
    )
    assert len(_hypervolume_homes(path)) == 4
    path.write_text("from benchmarks.objectives import hypervolume\nx = hypervolume([[0, 0]])\n")
    assert _hypervolume_homes(path) == []


def test_the_checks_see_loops_and_layer_breaks():
    """The walker finds relative and deferred imports, and the loop finder finds a loop."""
    graph = _graph()
    assert "harness.tasks" in graph["harness.executors"]  # from .tasks import ...
    assert "harness.evaluation" in graph["harness.tasks"]  # deferred, inside a function
    assert "analysis.runformat" in graph["harness.results"] and "algorithms.registry" in graph["harness.runner"]
    assert "analysis.stats.tables" in graph["analysis.plots.figures"]  # from ..stats import tables
    assert "analysis.plots.simtime" in graph["analysis.report.simtime"]  # from ..plots.simtime import ...
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


#: an idea -> its one home: no other source file defines a function, class or module-level name so
#: called (the UCB formula and the selection rule of LaNAS's and LaMOO's one tree, the column
#: declaration of the results format, the code index of an architecture, the Objectives value)
HOMES = {
    "ucb": "algorithms/lanas/partition.py",
    "pick": "algorithms/lanas/partition.py",
    "grow": "algorithms/lanas/partition.py",
    "COLUMN_TYPES": "analysis/runformat.py",
    "arch_codes": "benchmarks/base.py",
    "Objectives": OBJECTIVES_HOME,
    "conv_counts": "benchmarks/flops.py",  # NAS-Bench-201's FLOPs: counted once, in closed form
    "macs": "benchmarks/flops.py",
}


def _defined_names(path: Path) -> set[str]:
    """Names a module defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_each_idea_has_one_home():
    defined = {p.relative_to(ROOT).as_posix(): _defined_names(p) for p in _sources()}
    for name, home in HOMES.items():
        assert name in defined[home], f"{name} is no longer defined in {home}: update HOMES"
        others = sorted(path for path, names in defined.items() if name in names and path != home)
        assert not others, f"{name} has one home, {home}; also defined in {', '.join(others)}"
