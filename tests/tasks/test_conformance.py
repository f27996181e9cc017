"""The conformance checker over every registered task (one test per id)."""

import os

import pytest

from bootcamp import REGISTRY, check_task

SEEDS = int(os.environ.get("BOOTCAMP_CHECK_SEEDS", "5"))


@pytest.mark.parametrize("task_id", REGISTRY.ids())
def test_task_conforms(task_id):
    report = check_task(task_id, seeds=SEEDS)
    assert report.passed, "\n".join(report.failures)


def test_no_plugin_failed_to_load():
    assert REGISTRY.plugin_errors == {}
