"""The environment contract on a toy environment: turns, tools, budgets, memory, hostile actions."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from bootcamp.env import (
    TOOLS,
    Environment,
    InProcessExecutor,
    ToolError,
    format_call,
    parse_tool_calls,
    run_reference,
    tool,
)
from bootcamp.env.task_env import TaskEnvironment


class _Counter(Environment):
    """Find a hidden number: ``toy_peek`` tells it, ``toy_count`` is a stateful counter."""

    id = "math/toy_hidden"
    tools = ("toy_peek", "toy_count")
    max_turns = 4
    max_tool_calls = 5

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"secret": rng.randint(10**11, 10**12)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return "Find the hidden number. Answer in \\boxed{}."

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return float(answer.strip() == str(identity["secret"]) and memory.get("count", 0) >= 1)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return str(identity["secret"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("toy_peek", {}), ("toy_count", {"by": 1})] if turn == 0 else []


@pytest.fixture
def env():
    @tool("toy_peek", "The hidden number.", {"type": "object", "properties": {}, "additionalProperties": False})
    def peek(args: dict, context: dict) -> str:
        return str(context["identity"]["secret"])

    @tool("toy_count", "Add to a counter.", {"type": "object", "properties": {"by": {"type": "integer"}},
                                              "required": ["by"], "additionalProperties": False})
    def count(args: dict, context: dict) -> dict:
        if args["by"] < 0:
            raise ToolError("by must be >= 0")
        total = context["memory"].get("count", 0) + args["by"]
        return {"output": f"count {total}", "memory": {"count": total}}

    yield _Counter()
    TOOLS.remove("toy_peek")
    TOOLS.remove("toy_count")


def test_reference_policy_uses_the_tools_and_scores_one(env):
    result = run_reference(env, 7, InProcessExecutor())
    assert result.done and result.verdict.score == 1.0 and result.state["turn"] == 2
    assert result.state["memory"] == {"count": 1} and result.state["tool_calls"] == 2
    roles = [m["role"] for m in result.state["history"]]
    assert roles == ["user", "assistant", "tool", "assistant"]


def test_reset_is_deterministic_and_lists_the_tools(env):
    s1, o1 = env.reset(3)
    s2, o2 = env.reset(3)
    assert s1 == s2 and o1 == o2 and env.reset(4)[0]["identity"] != s1["identity"]
    assert '"name": "toy_peek"' in o1 and "<tool_call>" in o1


def test_a_direct_answer_without_the_tools_is_wrong(env):
    state, _ = env.reset(1)
    r = env.step(state, f"\\boxed{{{state['identity']['secret']}}}")  # right number, but the counter was never used
    assert r.done and r.verdict.score == 0.0 and r.verdict.reason == "wrong"


@pytest.mark.parametrize("action", [
    "<tool_call>not json</tool_call>",
    '<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>',
    '<tool_call>{"name": "toy_count", "arguments": {"by": "one"}}</tool_call>',
    '<tool_call>{"name": "toy_count", "arguments": {"by": 1, "extra": 2}}</tool_call>',
    '<tool_call>{"name": "toy_count", "arguments": {"by": -5}}</tool_call>',
    '<tool_call>[1, 2]</tool_call>',
    "<tool_call>" + "[" * 100_000 + "</tool_call>",
])
def test_bad_calls_are_error_observations(env, action):
    state, _ = env.reset(2)
    r = env.step(state, action, InProcessExecutor())
    assert not r.done and r.observation.startswith("<tool_response>") and "error:" in r.observation
    assert r.state["memory"] == {}


def test_turn_budget_ends_the_episode_with_reason_budget(env):
    state, _ = env.reset(2)
    call = format_call("toy_peek", {})
    for _ in range(env.max_turns):
        r = env.step(state, call, InProcessExecutor())
        state = r.state
    assert r.done and r.verdict.reason == "budget" and r.verdict.score == 0.0


def test_tool_call_budget_and_oversized_messages(env):
    state, _ = env.reset(2)
    r = env.step(state, "\n".join([format_call("toy_peek", {})] * 9), InProcessExecutor())
    assert r.observation.count("<tool_response>") == 9 and r.observation.count("budget") == 5  # 4 per turn run
    r = env.step(r.state, "x" * (env.max_action_chars + 1), InProcessExecutor())
    assert not r.done and "characters" in r.observation


def test_state_round_trips_through_json_and_steps_alike(env):
    state, _ = env.reset(5)
    action = env.reference_action(state)
    a = env.step(state, action, InProcessExecutor())
    b = env.step(json.loads(json.dumps(state)), action, InProcessExecutor())
    assert a.state == b.state and a.observation == b.observation
    with pytest.raises(ValueError, match="not a live episode"):
        env.step(run_reference(env, 5, InProcessExecutor()).state, "again")


def test_parse_tool_calls_takes_arguments_as_a_json_string():
    (call,) = parse_tool_calls('<tool_call>{"name": "f", "arguments": "{\\"a\\": 1}"}</tool_call>')
    assert call.name == "f" and call.arguments == {"a": 1} and call.error is None


def test_a_single_turn_task_is_a_one_step_environment():
    env = TaskEnvironment("math/gcd")
    state, first = env.reset(11)
    assert first == env.task.prompt(env.task.problem(11).identity)
    r = run_reference(env, 11)
    assert r.done and r.verdict.score == 1.0 and r.state["turn"] == 1
    wrong = env.step(state, "\\boxed{-1}")
    assert wrong.done and wrong.verdict.score < 1.0


def test_calls_of_one_turn_see_the_memory_the_previous_call_left(env):
    state, _ = env.reset(2)
    two = format_call("toy_count", {"by": 2}) + format_call("toy_count", {"by": 3})
    r = env.step(state, two, InProcessExecutor())
    assert r.state["memory"] == {"count": 5} and "count 2" in r.observation and "count 5" in r.observation
