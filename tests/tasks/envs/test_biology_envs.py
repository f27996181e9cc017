"""The biology environments (tasks/envs/biology_*.py): reference policy, wrong and hostile answers,
determinism, JSON round-trip of the episode state, and the environments' own tools.

The checks every family runs are in ``_contract.py``; the tools are the real ones (tasks/tools, tasks/envs).
"""

from __future__ import annotations

from typing import Any

import pytest

from bootcamp.env import InProcessExecutor, get_env
from bootcamp.env.toolcall import format_call

ENV_IDS = ["biology/longest_orf_protein", "biology/gc_content_region", "biology/peptide_average_mass",
           "biology/hardy_weinberg_chi2"]
SEEDS = [0, 1, 2]


def wrong_answer(env_id: str, identity: dict[str, Any]) -> str:
    if env_id == "biology/longest_orf_protein":
        p = identity["protein"]
        return p[:-1] + ("A" if p[-1] != "A" else "G")
    if env_id == "biology/gc_content_region":
        return f"{identity['percent'] + 0.05:.4f}"
    if env_id == "biology/peptide_average_mass":
        return f"{identity['mass'] - 18.01524:.4f}"  # forgot the water
    if env_id == "biology/hardy_weinberg_chi2":
        return f"{identity['chi2'] * 1.01 + 0.01:.6g}"
    raise AssertionError(env_id)


@pytest.mark.parametrize(("env_id", "name", "args"), [
    ("biology/longest_orf_protein", "biology_translate", {"start": 0}),
    ("biology/longest_orf_protein", "biology_translate", {"start": 10**9}),
    ("biology/longest_orf_protein", "biology_translate", {"start": "1"}),
    ("biology/gc_content_region", "biology_base_counts", {"start": 50, "end": 10}),
    ("biology/gc_content_region", "biology_base_counts", {"start": 1, "end": 10**7}),
    ("biology/peptide_average_mass", "biology_residue_counts", {"sequence": "MKV1Z"}),
    ("biology/peptide_average_mass", "biology_residue_counts", {"sequence": "A" * 10_000}),
    ("biology/peptide_average_mass", "biology_residue_counts", {"sequence": "MK", "extra": 1}),
])
def test_env_tools_refuse_bad_arguments_cleanly(env_id: str, name: str, args: dict[str, Any]) -> None:
    env = get_env(env_id)
    state, _ = env.reset(0)
    result = env.step(state, format_call(name, args), InProcessExecutor())
    assert not result.done and result.tool_results[0].error, result.tool_results[0]


def test_env_tools_report_what_the_sequence_holds() -> None:
    env = get_env("biology/gc_content_region")
    state, _ = env.reset(3)
    ident = state["identity"]
    out = env.step(state, format_call("biology_base_counts", {"start": ident["start"], "end": ident["end"]}),
                   InProcessExecutor()).tool_results[0].output
    counts = dict(part.split(": ") for part in out.split("): ")[1].split(", "))
    assert int(counts["G"]) + int(counts["C"]) == ident["gc"]
    orf = get_env("biology/longest_orf_protein")
    state, _ = orf.reset(3)
    out = orf.step(state, format_call("biology_translate", {"start": state["identity"]["start"]}),
                   InProcessExecutor()).tool_results[0].output
    assert state["identity"]["protein"] in out and "stop codon at" in out


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_calculations_give_the_answer(seed: int) -> None:
    """The reference policy's last calculator result is the value its final answer states."""
    for env_id, key in (("biology/hardy_weinberg_chi2", "chi2"), ("biology/peptide_average_mass", "mass"),
                        ("biology/gc_content_region", "percent")):
        env = get_env(env_id)
        state, _ = env.reset(seed)
        outputs = []
        while True:
            result = env.step(state, env.reference_action(state), InProcessExecutor())
            outputs += [r.output for r in result.tool_results if r.name == "calculator"]
            if result.done:
                break
            state = result.state
        assert outputs and float(outputs[-1]) == pytest.approx(state["identity"][key], rel=1e-6), env_id
