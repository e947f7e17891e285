"""The report's "One-shot evaluation" section with a zero-cost evaluator (``evaluator=zc-<proxy>``):
what the searches saw, the rank agreement over the cells the proxy scores, and the two-stage flow
charged the proxy's CPU-seconds per query and no supernet."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.load import load
from analysis.report.oneshot import section
from analysis.stats import oneshot
from benchmarks import registry
from benchmarks.zerocost import evaluator as zc
from harness.manifest import write_manifest
from harness.tasks import execute_task, grid

BASE = "nb201/cifar10-valid"


@pytest.fixture(scope="module")
def exp(tmp_path_factory):
    reason = registry.entries()[BASE].unavailable()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("zc")
    tasks = grid([f"{BASE}:evaluator=zc-flops,k=3", BASE], ["random"], [0], 100)
    write_manifest(folder, tasks, ["test"])
    for task in tasks:
        execute_task(task, str(folder))
    return load(folder)


def test_the_searches_are_said_to_see_the_zero_cost_proxy(exp):
    assert "zero-cost proxy flops" in oneshot.searched_through(f"{BASE}:evaluator=zc-flops,k=3")


def test_the_rank_agreement_counts_only_the_cells_the_proxy_scores():
    table = zc.shipped()
    partial = next((p for p in ("naswot", "jacov") if 0 < table.covered(p) < len(table.done[p])), None)
    if partial is None:
        pytest.skip("the shipped table scores every cell with every proxy")
    row = oneshot.rank_agreement(BASE, [f"zc-{partial}"]).iloc[0]
    assert row.cells == table.covered(partial) and np.isfinite(row.kendall_tau)


def test_the_two_stage_flow_charges_the_proxys_cpu_seconds_and_no_supernet(exp):
    group = oneshot.groups(exp)[BASE]
    stages = oneshot.two_stage(exp, BASE, group).set_index("evaluator")
    rows = next(iter(oneshot._rows(exp, {group["zc-flops"]}).values()))
    top3 = rows.sort_values("valid", ascending=False, kind="stable").head(3)
    table = registry.make(BASE)
    trained = table.cost_s[table.index([[int(a) for a in s.split("-")] for s in top3["arch"]])].sum()
    assert stages.loc["zc-flops", "gpu_hours"] == pytest.approx((100 * zc.cost_s("flops") + trained) / 3600)


def test_the_section_is_written(exp):
    (exp.path / "figures").mkdir(exist_ok=True)
    text = "\n".join(section(exp, exp.path / "figures", exp.path))
    assert "zero-cost proxies" in text and "zc-flops: 0.0 once" in text
