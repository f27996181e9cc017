"""The chemistry environments (tasks/envs/chem_*.py): reference policy, wrong and hostile answers,
determinism, JSON round-trip of the episode state.

The checks every family runs are in ``_contract.py``; the tools are the real ones (tasks/tools, tasks/envs).
"""

from __future__ import annotations

from typing import Any

import pytest

from bootcamp.env import InProcessExecutor, get_env

ENV_IDS = ["chem/design_with_feedback", "chem/identify_by_profile", "chem/same_molecule_smiles",
           "chem/smarts_group_counts", "chem/molar_mass_large_formula"]
SEEDS = [0, 1, 2]


def wrong_answer(env_id: str, identity: dict[str, Any]) -> str:
    if env_id == "chem/design_with_feedback":
        return "C"  # methane: far below the MW window and without the group
    if env_id == "chem/identify_by_profile":
        return "B" if identity["answer"] != "B" else "C"
    if env_id == "chem/same_molecule_smiles":
        return ", ".join(str(n) for n in range(2, 9) if n not in identity["answer"]) or "2"
    if env_id == "chem/smarts_group_counts":
        return ", ".join(str(n + 1) for n in identity["answer"])
    if env_id == "chem/molar_mass_large_formula":
        return f"{identity['molar_mass'] + 1.0:.4f}"
    raise AssertionError(env_id)


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_calculation_gives_the_answer(seed: int) -> None:
    """The reference policy's calculator result is the value its final answer states."""
    env = get_env("chem/molar_mass_large_formula")
    state, _ = env.reset(seed)
    outputs = []
    while True:
        result = env.step(state, env.reference_action(state), InProcessExecutor())
        outputs += [r.output for r in result.tool_results if r.name == "calculator"]
        if result.done:
            break
        state = result.state
    assert outputs and float(outputs[-1]) == pytest.approx(state["identity"]["molar_mass"], rel=1e-6)
