"""The environment checker over every registered environment (one test per id), and one cross-process batch.

Environments register themselves from ``tasks/envs/``: a new module there is picked up here with no edit.
With none registered the parametrised test collects zero cases. A module of ``tasks/envs`` that fails to
import does not break collection: ``test_environments_load`` reports it.
"""

from __future__ import annotations

import os

import pytest

from bootcamp.env.checker import check_env, cross_process_reports
from bootcamp.env.registry import ENVIRONMENTS

SEEDS = int(os.environ.get("BOOTCAMP_ENV_CHECK_SEEDS", "3"))
#: Seeds every environment resets again in one fresh process (another PYTHONHASHSEED).
CROSS_SEEDS = tuple(range(int(os.environ.get("BOOTCAMP_ENV_CHECK_CROSS_SEEDS", "2"))))


def _registered() -> tuple[list[str], str | None]:
    try:
        return ENVIRONMENTS.names(), None
    except Exception as exc:  # noqa: BLE001 - reported by test_environments_load
        return [], f"{type(exc).__name__}: {exc}"


ENV_IDS, LOAD_ERROR = _registered()


def test_environments_load():
    assert LOAD_ERROR is None, f"a module of tasks/envs failed to import: {LOAD_ERROR}"


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_env_conforms(env_id):
    # The cross-process part runs once for all environments below, not one fresh process per environment.
    report = check_env(env_id, seeds=SEEDS, cross_process=False)
    assert report.passed, f"{env_id}: {len(report.failures)} failure(s)\n" + "\n".join(report.failures)


def test_every_env_starts_the_same_episodes_in_a_fresh_process():
    if not ENV_IDS:
        pytest.skip("no environment is registered")
    reports = cross_process_reports(ENV_IDS, seeds=CROSS_SEEDS)
    failed = {eid: r.failures for eid, r in reports.items() if not r.passed}
    assert not failed, f"{len(failed)} environment(s) differ in a fresh process:\n" + "\n".join(
        f"{eid}: {'; '.join(fs[:3])}" for eid, fs in sorted(failed.items()))
