"""The environment checker: a good environment passes, and each kind of broken one is caught by its check."""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import pytest
from typer.testing import CliRunner

from bootcamp.cli import app
from bootcamp.env import TOOLS, Environment, ToolError, tool
from bootcamp.env.checker import CHECKS, MAX_OBSERVATION_CHARS, check_env, check_envs, cross_process_reports
from bootcamp.env.registry import ENVIRONMENTS, register_env

# Registered at import (not in a fixture) so that the checker's fresh process, which imports this
# module to rebuild the environments below, has the same tools.
_TOOL_NAMES = ("checker_test_peek", "checker_test_count", "checker_test_tuple", "checker_test_code",
               "checker_test_bad_schema")
_NO_ARGS = {"type": "object", "properties": {}, "additionalProperties": False}


def _peek(args: dict, context: dict) -> str:
    return str(context["identity"]["secret"])


def _count(args: dict, context: dict) -> dict:
    if args["by"] < 0 or args["by"] > 10:
        raise ToolError("by must be in 0..10")
    total = context["memory"].get("count", 0) + args["by"]
    return {"output": f"count {total}", "memory": {"count": total}}


def _tuple_memory(args: dict, context: dict) -> dict:
    return {"output": "stored", "memory": {"pair": (1, 2)}}  # a tuple: not what JSON gives back


if "checker_test_peek" not in TOOLS:
    tool("checker_test_peek", "The hidden number.", _NO_ARGS)(_peek)
    tool("checker_test_count", "Add 0..10 to a counter.",
         {"type": "object", "properties": {"by": {"type": "integer"}}, "required": ["by"],
          "additionalProperties": False})(_count)
    tool("checker_test_tuple", "Store a pair.", _NO_ARGS)(_tuple_memory)
    tool("checker_test_code", "Runs code (sandbox only).", _NO_ARGS, sandbox_only=True)(_peek)
    tool("checker_test_bad_schema", "A schema that is not an object.", {"type": "array"})(_peek)


@pytest.fixture(autouse=True, scope="module")
def _unregister_tools():
    yield
    for name in _TOOL_NAMES:
        TOOLS.remove(name)


class Hidden(Environment):
    """A good environment: peek at a hidden number, count once, answer it."""

    id = "math/checker_test_hidden"
    description = "Find a hidden number with tools."
    tools = ("checker_test_peek", "checker_test_count")
    max_turns = 4
    max_tool_calls = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"secret": rng.randint(10**11, 10**12)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return "Find the hidden number. Answer in \\boxed{}."

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return float(answer.strip() == str(identity["secret"]) and memory.get("count", 0) >= 1)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return str(identity["secret"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("checker_test_peek", {}), ("checker_test_count", {"by": 1})] if turn == 0 else []


class Flaky(Hidden):
    id = "math/checker_test_flaky"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"secret": random.randint(10**11, 10**12)}  # the global generator: another episode every time


class HashOrder(Hidden):
    """Deterministic in one process, not across processes: a set of strings has PYTHONHASHSEED's order."""

    id = "math/checker_test_hash_order"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        names = list({f"word{i}" for i in range(12)})
        return {"secret": rng.randint(10**11, 10**12), "names": names}


class HalfReference(Hidden):
    id = "math/checker_test_half"

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return 0.5 * super().check(answer, identity, memory)


class RaisesOnLongMessages(Hidden):
    id = "math/checker_test_raises"

    def step(self, state: dict[str, Any], action: str, executor: Any = None) -> Any:
        if len(action) > 50_000:
            raise ValueError("cannot handle long messages")
        return super().step(state, action, executor)


class TupleState(Hidden):
    id = "math/checker_test_tuple_state"
    tools = ("checker_test_peek", "checker_test_count", "checker_test_tuple")

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        calls = super().reference_calls(identity, memory, turn)
        return [*calls, ("checker_test_tuple", {})] if calls else []


class Permissive(Hidden):
    id = "math/checker_test_permissive"

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return 1.0


class NeverEnds(Hidden):
    """Forgets the turn budget: tool calls go on forever."""

    id = "math/checker_test_never_ends"

    def _continue(self, state: dict[str, Any], results: list) -> Any:
        state = {**state, "turn": 0}
        return super()._continue(state, results)


class HugePrompt(Hidden):
    id = "math/checker_test_huge_prompt"

    def prompt(self, identity: dict[str, Any]) -> str:
        return "Find the hidden number. " * 10_000


class SlowCheck(Hidden):
    id = "math/checker_test_slow"
    time_budget = 0.05

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        if "garbage" in answer:
            time.sleep(0.6)  # over the budget even with BOOTCAMP_CHECK_TIME_FACTOR (CI: 3)
        return super().check(answer, identity, memory)


class UnknownTool(Hidden):
    id = "math/checker_test_unknown_tool"
    tools = ("checker_test_peek", "checker_test_count", "checker_test_bad_schema")


class StatefulInstance(Hidden):
    """Its observations depend on a counter of the instance, not on the state."""

    id = "math/checker_test_stateful_instance"

    def __init__(self, env_id: str | None = None) -> None:
        super().__init__(env_id)
        self.steps = 0

    def step(self, state: dict[str, Any], action: str, executor: Any = None) -> Any:
        self.steps += 1
        result = super().step(state, action, executor)
        if result.observation is not None:
            result.observation += f"\n(step {self.steps})"
        return result


class BadInfo(Hidden):
    id = "math/checker_test_bad_info"

    def info(self) -> dict[str, Any]:
        return {**super().info(), "tags": {"a", "b"}}


class SandboxReference(Hidden):
    """Its reference policy needs a sandbox-only tool."""

    id = "math/checker_test_sandbox_reference"
    tools = ("checker_test_peek", "checker_test_count", "checker_test_code")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return float(answer.strip() == str(identity["secret"]))

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return str(identity["secret"]) if memory.get("ran") else "0"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("checker_test_code", {})] if turn == 0 else []


class RaisingFormat(Hidden):
    id = "math/checker_test_raising_format"

    def format_answer(self, answer: str) -> str:
        if "\x00" in answer:
            raise ValueError("cannot format a NUL")
        return super().format_answer(answer)


def _failed(report, check: str) -> list[str]:
    return [f for f in report.failures if f.startswith(f"[{check}]")]


def test_good_environment_passes_every_check_across_processes():
    report = check_env(Hidden(), seeds=3)
    assert report.passed, report.failures
    assert set(report.results) == set(CHECKS) and set(report.results.values()) == {"pass"}, report.results
    assert report.checks > 200
    assert json.loads(json.dumps(report.to_dict()))["passed"] is True


def test_nondeterministic_reset_fails():
    report = check_env(Flaky(), seeds=2, cross_process=False)
    assert _failed(report, "determinism") and "not deterministic" in _failed(report, "determinism")[0]


def test_reset_that_differs_in_a_fresh_process_fails():
    report = check_env(HashOrder(), seeds=2)
    assert not _failed(report, "determinism"), report.failures
    assert any("fresh process" in f and "names" in f for f in _failed(report, "cross_process")), report.failures


def test_cross_process_reports_batch_many_environments():
    reports = cross_process_reports([Hidden(), HashOrder()], seeds=(0, 1))
    assert reports[Hidden.id].passed and reports[Hidden.id].results["cross_process"] == "pass"
    assert _failed(reports[HashOrder.id], "cross_process")


def test_reference_that_scores_half_fails():
    report = check_env(HalfReference(), seeds=2, cross_process=False)
    assert any("scored 0.5" in f for f in _failed(report, "reference")), report.failures


def test_step_that_raises_on_a_hostile_action_fails():
    report = check_env(RaisesOnLongMessages(), seeds=1, cross_process=False)
    assert any("1 MB message" in f and "raised ValueError" in f for f in _failed(report, "hostile")), report.failures


def test_state_that_is_not_json_fails():
    report = check_env(TupleState(), seeds=1, cross_process=False)
    assert any("not strict JSON" in f and "pair" in f for f in _failed(report, "json_state")), report.failures


def test_permissive_check_fails_hostile_and_other_seed_checks():
    report = check_env(Permissive(), seeds=3, cross_process=False)
    assert any("hostile answer" in f and "scored 1.0" in f for f in _failed(report, "hostile"))
    assert _failed(report, "other_seed"), report.failures


def test_episode_that_never_ends_fails():
    report = check_env(NeverEnds(), seeds=1, cross_process=False)
    assert any("not done after 4 turns" in f for f in _failed(report, "episode_end")), report.failures


def test_oversized_first_observation_fails():
    report = check_env(HugePrompt(), seeds=1, cross_process=False)
    assert any(str(MAX_OBSERVATION_CHARS) in f for f in _failed(report, "observations")), report.failures


def test_slow_check_on_hostile_answers_fails():
    report = check_env(SlowCheck(), seeds=1, cross_process=False)
    assert any("garbage" in f and "budget" in f for f in _failed(report, "time_budget")), report.failures


def test_unknown_tool_and_bad_schema_fail():
    report = check_env(UnknownTool(), seeds=1, cross_process=False)
    assert any("checker_test_bad_schema" in f and "object" in f for f in _failed(report, "tools")), report.failures

    class Missing(Hidden):
        tools = ("checker_test_peek", "no_such_tool_anywhere")

    report = check_env(Missing(), seeds=1, cross_process=False)
    assert any("not registered" in f for f in _failed(report, "tools")), report.failures


def test_step_that_depends_on_more_than_the_state_fails_replay():
    report = check_env(StatefulInstance(), seeds=1, cross_process=False)
    assert any("JSON copy" in f for f in _failed(report, "replay")), report.failures


def test_info_that_is_not_json_fails():
    report = check_env(BadInfo(), seeds=1, cross_process=False)
    assert _failed(report, "info"), report.failures


def test_reference_needing_a_missing_sandbox_is_skipped_with_a_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "bootcamp.env.sandbox_exec", None)  # import fails: no sandbox executor
    report = check_env(SandboxReference(), seeds=2, cross_process=False)
    assert report.results["reference"] == "skip", report.results
    assert any("sandbox" in w and "checker_test_code" in w for w in report.warnings), report.warnings
    assert report.passed, report.failures


def test_exception_inside_the_checks_fails_that_environment_only():
    reports = check_envs([RaisingFormat(), Hidden()], seeds=1, cross_process=False)
    assert any("ValueError: cannot format a NUL" in f for f in _failed(reports[0], "checker")), reports[0].failures
    assert reports[1].passed, reports[1].failures


runner = CliRunner()


@pytest.fixture
def registered():
    added = []

    def add(env: Environment) -> str:
        added.append(register_env(env).env_id)
        return env.env_id

    yield add
    for env_id in added:
        ENVIRONMENTS.remove(env_id)


def test_cli_envs_list_show_and_check(registered):
    good, bad = registered(Hidden()), registered(HalfReference())
    listed = json.loads(runner.invoke(app, ["envs", "list", "--json", "--pattern", "math/checker_test_*"]).stdout)
    assert {e["id"] for e in listed} == {good, bad}
    shown = runner.invoke(app, ["envs", "show", good, "--seed", "3"])
    assert shown.exit_code == 0, shown.output
    example = json.loads(shown.stdout)["example"]
    assert example["seed"] == 3 and example["reference"]["verdict"]["score"] == 1.0
    result = runner.invoke(app, ["envs", "check", good, "--seeds", "2", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["environments"] == 1 and summary["failed"] == 0 and summary["reports"][0]["checks"] > 100
    result = runner.invoke(app, ["envs", "check", "math/checker_test_*", "--seeds", "2"])
    assert result.exit_code == 1 and "FAIL" in result.stdout and bad in result.stdout
    assert "1 passed, 1 failed" in result.stdout


def test_cli_envs_check_unknown_id_lists_close_ones(registered):
    registered(Hidden())
    result = runner.invoke(app, ["envs", "check", "math/checker_test_hiden"])
    assert result.exit_code == 2 and "math/checker_test_hidden" in result.output
    assert runner.invoke(app, ["envs", "check"]).exit_code == 2
