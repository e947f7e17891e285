"""The README stays true: its example algorithm works, its commands parse."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from algorithms import base as algorithms
from algorithms.runner import run

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_example_algorithm_registers_and_runs(synthetic):
    code = re.search(r"```python\n(# algorithms/greedy_mutation.py.*?)```", README, re.S).group(1)
    exec(compile(code.replace("from .base import", "from algorithms.base import"), "README", "exec"), {})
    try:
        first = run(synthetic, "greedy-mutation:n_init=5", seed=0, budget=50)
        again = run(synthetic, "greedy-mutation:n_init=5", seed=0, budget=50)
        assert first.status == "budget" and first.rows["arch"] == again.rows["arch"]
    finally:
        algorithms._REGISTRY.pop("greedy-mutation")


def test_readme_run_all_commands_parse():
    import run_all
    parser = run_all.build_parser()
    text = README.replace("\\\n", " ")
    commands = re.findall(r"^(?:pip install .*&& )?python run_all\.py([^\n#]*)", text, re.M)
    assert len(commands) >= 4
    for args in commands:
        parser.parse_args(shlex.split(args))
