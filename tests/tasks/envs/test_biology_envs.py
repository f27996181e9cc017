"""The biology environments (tasks/envs/biology_*.py): reference policy, wrong and hostile answers,
determinism, JSON round-trip of the episode state, and the environments' own tools.

The generic calculator comes from tasks/tools; where it is not installed yet, a minimal stand-in is
registered for this module only (and removed afterwards), so the episodes still exercise real tool calls.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Iterator
from typing import Any

import pytest

from bootcamp.env import TOOLS, InProcessExecutor, ToolError, get_env, run_reference, tool
from bootcamp.env.environment import Environment
from bootcamp.env.toolcall import format_call

ENV_IDS = ["biology/longest_orf_protein", "biology/gc_content_region", "biology/peptide_average_mass",
           "biology/hardy_weinberg_chi2"]
SEEDS = [0, 1, 2]
HOSTILE = ["", "x" * 1_000_000, "\\boxed{}", "\\boxed{)(*&^%$ ]] garbage}", "\\boxed{1}\\boxed{2}" * 20,
           "\\boxed{" + "M" * 25000 + "}", "\\boxed{" + "(" * 3000 + "}", "\\boxed{ñ∅\x00}", "<think>\\boxed{1}",
           "\\boxed{MKV1}", "\\boxed{-1}", "\\boxed{nan}", "\\boxed{1e999}", "\\boxed{inf}"]


# -- stand-ins for generic tools that are not installed yet ------------------------------------
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow}


def _stub_calculator(args: dict[str, Any], context: dict[str, Any]) -> str:
    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        raise ToolError("unsupported expression")

    return repr(ev(ast.parse(args["expression"], mode="eval").body))


STUBS = {"calculator": (_stub_calculator, {"expression": "string"})}


@pytest.fixture(scope="module", autouse=True)
def generic_tools() -> Iterator[None]:
    added = []
    for name, (fn, props) in STUBS.items():
        if name not in TOOLS.names():
            schema = {"type": "object", "properties": {k: {"type": t} for k, t in props.items()},
                      "required": list(props)}
            tool(name, f"test stand-in for {name}", schema)(fn)
            added.append(name)
    yield
    for name in added:
        TOOLS.remove(name)


# -- wrong answers, one per environment ----------------------------------------------------------
def _wrong(env_id: str, identity: dict[str, Any]) -> str:
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


def _first_answer(env: Environment, seed: int, action: str) -> float | None:
    state, _ = env.reset(seed)
    result = env.step(state, action, InProcessExecutor())
    return result.verdict.score if result.done else None


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_reference_policy_scores_one_with_working_tool_calls(env_id: str, seed: int) -> None:
    env = get_env(env_id)
    state, first = env.reset(seed)
    assert "\\boxed{}" in first and all(t in first for t in env.tools)
    n_calls = 0
    while True:
        result = env.step(state, env.reference_action(state), InProcessExecutor())
        assert all(r.error is None for r in result.tool_results), [r.error for r in result.tool_results]
        n_calls += len(result.tool_results)
        if result.done:
            break
        state = result.state
    assert result.verdict.score == 1.0, result.verdict
    assert n_calls >= 1
    assert run_reference(env, seed, InProcessExecutor()).verdict.score == 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_wrong_answer_scores_below_one(env_id: str, seed: int) -> None:
    env = get_env(env_id)
    state, _ = env.reset(seed)
    wrong = _wrong(env_id, state["identity"])
    score = _first_answer(env, seed, env.format_answer(wrong))
    assert score is not None and score < 1.0
    assert env.check(wrong, state["identity"], {}) < 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_hostile_answers_score_below_one_and_never_raise(env_id: str) -> None:
    env = get_env(env_id)
    state, _ = env.reset(0)
    for action in HOSTILE:
        score = _first_answer(env, 0, action)
        assert score is None or score < 1.0, action[:50]
        assert env.check(action[:20_000], state["identity"], {}) < 1.0
    assert env.check("X" + env.solve(state["identity"], {}), state["identity"], {}) < 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reset_is_deterministic_and_seeds_differ(env_id: str) -> None:
    env = get_env(env_id)
    assert env.reset(5) == env.reset(5)
    assert len({json.dumps(env.reset(s)[0]["identity"], sort_keys=True) for s in range(4)}) >= 3


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_state_round_trips_through_json(env_id: str) -> None:
    env = get_env(env_id)
    state, _ = env.reset(1)
    first = env.step(state, env.reference_action(state), InProcessExecutor())
    copy = json.loads(json.dumps(first.state))
    if first.done:
        return
    a = env.step(first.state, env.reference_action(first.state), InProcessExecutor())
    b = env.step(copy, env.reference_action(copy), InProcessExecutor())
    assert a.observation == b.observation and a.done == b.done
    assert (a.verdict and a.verdict.score) == (b.verdict and b.verdict.score)
    for r in (a, b):  # the tools' timings differ; everything else must agree
        r.state.pop("verdict", None)
    assert a.state == b.state


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
