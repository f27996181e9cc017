"""The conformance checker over every registered task (one test per id), and one cross-process batch."""

import os

import pytest

from bootcamp import REGISTRY
from bootcamp.checker import check_cross_process
from bootcamp.checker_parallel import check_tasks, default_workers

SEEDS = int(os.environ.get("BOOTCAMP_CHECK_SEEDS", "5"))
#: Seeds per level of the quality checks (problem space, constant guess, levels); 0 skips them. CI
#: samples 50 per level of every task (then no two may repeat); ``bootcamp tasks check --all`` takes
#: 200 and ``--full`` (and ``bench/bench_tasks.py``) 1,000.
QUALITY_SEEDS = int(os.environ.get("BOOTCAMP_CHECK_QUALITY_SEEDS", "50"))
#: Seconds of quality checks per task and level: a slow verifier (sandboxed code) is judged on the
#: seeds done by then (at least 10), so the registry stays inside its CI time. Not scaled by
#: BOOTCAMP_CHECK_TIME_FACTOR: it bounds the time, it is no budget a task can fail.
QUALITY_TIME_S = float(os.environ.get("BOOTCAMP_CHECK_QUALITY_TIME_S", "0.3"))
#: Levels the quality checks sample per task: ``ends`` (level 1, the default and the top level) in CI;
#: ``all`` checks every level (as ``bootcamp tasks check --all`` does).
QUALITY_LEVELS = os.environ.get("BOOTCAMP_CHECK_QUALITY_LEVELS", "ends")
#: Seeds per sampled level whose reference and perturbations are verified (the default level also gets
#: SEEDS in the base checks); sandboxed tasks pay a process per verification.
QUALITY_LEVEL_SEEDS = int(os.environ.get("BOOTCAMP_CHECK_QUALITY_LEVEL_SEEDS", "2"))
#: Fail every task on its quality findings (by default only tasks with levels or a space_size).
STRICT_QUALITY = os.environ.get("BOOTCAMP_CHECK_STRICT_QUALITY", "") == "1"
#: Seeds every task generates again in one fresh process (another PYTHONHASHSEED).
CROSS_SEEDS = tuple(range(int(os.environ.get("BOOTCAMP_CHECK_CROSS_SEEDS", "2"))))
#: Worker processes the checks of the selected tasks run in (default: the cores this process may use).
WORKERS = int(os.environ.get("BOOTCAMP_CHECK_WORKERS", "0")) or default_workers()


@pytest.fixture(scope="module")
def reports(request):
    """The reports of every task id this session selected, checked in WORKERS processes at once."""
    ids = [item.callspec.params["task_id"] for item in request.session.items
           if item.originalname == "test_task_conforms" and hasattr(item, "callspec")]
    # The cross-process part runs once for all tasks below, not one fresh process per task.
    return {r.task_id: r for r in check_tasks(
        ids, WORKERS, seeds=SEEDS, cross_process=False, quality_seeds=QUALITY_SEEDS, strict_quality=STRICT_QUALITY,
        quality_time_limit_s=QUALITY_TIME_S, quality_levels=QUALITY_LEVELS, quality_level_seeds=QUALITY_LEVEL_SEEDS)}


@pytest.mark.parametrize("task_id", REGISTRY.ids())
def test_task_conforms(task_id, reports):
    report = reports[task_id]
    assert report.passed, "\n".join(report.failures)


def test_every_task_generates_the_same_problems_in_a_fresh_process():
    reports = check_cross_process(REGISTRY.ids(), seeds=CROSS_SEEDS)
    failed = {tid: r.failures for tid, r in reports.items() if not r.passed}
    assert not failed, f"{len(failed)} task(s) differ in a fresh process:\n" + "\n".join(
        f"{tid}: {'; '.join(fs[:3])}" for tid, fs in sorted(failed.items()))


def test_no_plugin_failed_to_load():
    assert REGISTRY.plugin_errors == {}
