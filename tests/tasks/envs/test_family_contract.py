"""The checks of ``_contract.py`` on every environment of the chemistry, materials and biology families:
the reference policy scores 1.0 with working tool calls, a near-miss answer (each family's
``wrong_answer``) and hostile answers score below 1.0, resets are deterministic, states round-trip."""

from __future__ import annotations

import _contract as contract  # noqa: I001 - tests/tasks/envs is on the path (rootdir conftest)
import pytest
import test_biology_envs
import test_chem_envs
import test_materials_envs

from bootcamp.env import get_env

FAMILIES = (test_chem_envs, test_materials_envs, test_biology_envs)
WRONG = {env_id: family.wrong_answer for family in FAMILIES for env_id in family.ENV_IDS}
ENV_IDS = sorted(WRONG)
SEEDS = [0, 1, 2]


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_reference_policy_scores_one_with_working_tool_calls(env_id: str, seed: int) -> None:
    contract.reference_scores_one_with_working_tool_calls(env_id, seed)


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_wrong_answer_scores_below_one(env_id: str, seed: int) -> None:
    contract.wrong_answer_scores_below_one(env_id, seed, WRONG[env_id](env_id, get_env(env_id).reset(seed)[0]["identity"]))


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_hostile_answers_score_below_one_and_never_raise(env_id: str) -> None:
    contract.hostile_answers_score_below_one(env_id)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reset_is_deterministic_and_seeds_differ(env_id: str) -> None:
    contract.reset_is_deterministic_and_seeds_differ(env_id)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_state_round_trips_through_json(env_id: str) -> None:
    contract.state_round_trips_through_json(env_id)
