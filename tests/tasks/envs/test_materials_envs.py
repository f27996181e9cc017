"""The materials environments (tasks/envs/materials_*.py): reference policy, wrong and hostile answers,
determinism, JSON round-trip of the episode state.

The checks every family runs are in ``_contract.py``; the tools are the real ones (tasks/tools, tasks/envs).
"""

from __future__ import annotations

from typing import Any

import pytest

from bootcamp.env import InProcessExecutor, get_env

ENV_IDS = ["materials/hull_stable_compounds", "materials/hull_decomposition", "materials/space_group_of_cell",
           "materials/weight_percent"]
SEEDS = [0, 1, 2]


def wrong_answer(env_id: str, identity: dict[str, Any]) -> str:
    if env_id == "materials/hull_stable_compounds":
        compounds = [e["composition"] for e in identity["entries"] if e["energy_per_atom"] != 0.0]
        unstable = [c for c in compounds if c not in identity["stable"]]
        return ", ".join(identity["stable"] + unstable[:1]) if unstable else ", ".join(identity["stable"][1:] or ["O"])
    if env_id == "materials/hull_decomposition":
        return ", ".join(identity["products"][:-1]) if len(identity["products"]) > 1 else "O2"
    if env_id == "materials/space_group_of_cell":
        return str(identity["space_group"] % 230 + 1)
    if env_id == "materials/weight_percent":
        return f"{identity['percent'] + 0.5:.3f}"
    raise AssertionError(env_id)


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_calculation_gives_the_answer(seed: int) -> None:
    """The reference policy's calculator result is the value its final answer states."""
    env = get_env("materials/weight_percent")
    state, _ = env.reset(seed)
    outputs = []
    while True:
        result = env.step(state, env.reference_action(state), InProcessExecutor())
        outputs += [r.output for r in result.tool_results if r.name == "calculator"]
        if result.done:
            break
        state = result.state
    assert outputs and float(outputs[-1]) == pytest.approx(state["identity"]["percent"], abs=1e-3)
