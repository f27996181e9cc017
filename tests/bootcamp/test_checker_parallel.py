"""The conformance checker over many tasks in worker processes (bootcamp.checker_parallel)."""

from __future__ import annotations

import pytest

from bootcamp.checker_parallel import check_tasks, default_workers

IDS = ["math/gcd", "biology/gc_content", "logic/lights_out", "earth/wind_chill"]
FAST = {"seeds": 2, "quality_seeds": 0, "cross_process": False, "hostile": False}


def test_workers_give_the_reports_one_process_gives():
    serial = {r.task_id: r for r in check_tasks(IDS, 1, **FAST)}
    parallel = {r.task_id: r for r in check_tasks(IDS, 2, **FAST)}
    assert set(parallel) == set(serial) == set(IDS)
    for task_id in IDS:
        assert parallel[task_id].passed and serial[task_id].passed, parallel[task_id].failures
        assert parallel[task_id].checks == serial[task_id].checks


def test_a_task_the_checker_cannot_run_fails_alone():
    reports = {r.task_id: r for r in check_tasks(["math/gcd", "math/no_such_task", "logic/lights_out"], 2, **FAST)}
    assert reports["math/gcd"].passed and reports["logic/lights_out"].passed
    bad = reports["math/no_such_task"]
    assert not bad.passed and "the checker raised" in bad.failures[0] and "no_such_task" in bad.failures[0]


def test_worker_count_is_checked():
    assert default_workers() >= 1
    with pytest.raises(ValueError, match="at least 1"):
        list(check_tasks(IDS, 0))
