"""The project is an installed package: the README's ``pip install -r requirements.txt`` installs it in
place (``-e .``, the file's last line), so ``import harness`` works from any folder, and no product
file or study edits ``sys.path`` to find the packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "algorithms", "analysis", "benchmarks")
#: bench_scale.py writes its synthetic NAS-Bench-101 file with the tests' helper (tests/nb101_space.py):
#: a synthetic table belongs to the tests, which are not an installed package, so it puts the root on the path
SYS_PATH_PENDING = {"bench_scale.py"}


def test_requirements_install_this_project_and_pyproject_finds_every_package():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")][-1] == "-e ."
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert sorted(p.rstrip("*") for p in found) == sorted(PACKAGES)
    assert config["tool"]["setuptools"]["py-modules"] == ["run_all"]
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert on_disk == set(PACKAGES)


def _edits_sys_path(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys":
            return True
    return False


def test_no_product_file_or_study_edits_sys_path():
    files = [ROOT / "run_all.py", *(ROOT / "studies").glob("*.py")]
    files += [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    # harness/plugins.py puts the working folder on the path for a plugin module, as ``python -m`` does
    allowed = {ROOT / "harness" / "plugins.py"}
    wrong = [
        str(p.relative_to(ROOT))
        for p in files
        if p not in allowed and p.name not in SYS_PATH_PENDING and _edits_sys_path(p)
    ]
    assert not wrong, f"these files edit sys.path: {wrong}"


def _installed(folder: Path) -> bool:
    """Whether this Python has the project installed, seen from ``folder`` (not from the checkout,
    whose build metadata would answer for it)."""
    code = "import importlib.metadata as m; m.distribution('lanas-harness')"
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, timeout=300).returncode == 0


def test_import_harness_works_from_another_folder(tmp_path):
    if not _installed(tmp_path):
        pytest.skip("the project is not installed in this Python (pip install -r requirements.txt installs it)")
    (tmp_path / "elsewhere").mkdir()
    code = "import harness, algorithms, analysis, benchmarks, run_all; print(harness.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve() == (ROOT / "harness" / "__init__.py").resolve()
