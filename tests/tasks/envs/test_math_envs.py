"""The math / physics / lab / earth environments keep the environment contract (3 seeds each).

This file holds the contract tests of every environment of tasks/envs/{math,physics,lab,earth}_*.py;
the physics, lab and earth files test their own tools and checks. Plus the math-specific tests: the
polynomial probe, the python programs of the reference policy, the ``_with_calculator`` versions.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from bootcamp.env.environment import Environment, run_reference
from bootcamp.env.executor import InProcessExecutor
from bootcamp.env.registry import ENVIRONMENTS, get_env
from bootcamp.env.toolcall import format_call
from bootcamp.env.tools import TOOLS, ToolError
from bootcamp.hostile import hostile_answers
from bootcamp.registry import REGISTRY

MINE = [
    "math/big_multiplication", "math/big_power_mod", "math/lattice_path_count", "math/factorial_digit_sum",
    "math/three_digit_product", "math/polynomial_probe", "math/ellipse_lattice_points", "math/recurrence_steps",
    "math/digit_sum_power_with_calculator", "math/catalan_number_with_calculator",
    "physics/laser_photon_rate", "physics/ideal_gas_units", "physics/pendulum_planet",
    "physics/photon_energy_with_calculator",
    "chem/lab_titration", "chem/lab_buffer", "chem/lab_dilution",
    "earth/isochron_age", "earth/spreading_rate_units", "earth/radiometric_age_with_calculator",
]
SEEDS = (0, 1, 2)
HOSTILE = ["", " ", "x" * 1_000_000, "\\boxed{}", "\\boxed{" + "9" * 5000 + "}", "\\boxed{1}" * 50,
           "\\boxed{1} \\boxed{2}", "\\boxed{nan}", "\\boxed{inf}", "\\boxed{1e999}", "\\boxed{-0}",
           "<think>\\boxed{1}", "\\boxed{" + "[" * 2000 + "}", "\\boxed{\\boxed{\\boxed{}}}",
           "\\boxed{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}", "\\boxed{import os}", "\\boxed{\x00\uffff}",
           "\\boxed{0}", "<answer>" + "1" * 30_000 + "</answer>"]


def finish(env: Environment, seed: int) -> dict:
    """The state just before the reference's final answer (its tool calls made)."""
    state, _ = env.reset(seed)
    while True:
        action = env.reference_action(state)
        if "<tool_call>" not in action:
            return state
        result = env.step(state, action, InProcessExecutor())
        assert not result.done, f"{env.env_id}: a tool turn ended the episode ({result.verdict})"
        state = result.state


def untimed(value: object) -> object:
    """``value`` without its timings (``latency_ms``, ``seconds``), which differ between runs."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k not in ("latency_ms", "seconds")}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def wrong(answer: str) -> str:
    """A near miss of a reference answer: a list's last integer bumped, an integer or a number off by 10%."""
    if re.fullmatch(r"-?\d+(, -?\d+)+", answer):
        head, _, last = answer.rpartition(", ")
        return f"{head}, {int(last) + 1}"
    if re.fullmatch(r"-?\d+", answer):
        return str(int(answer) + abs(int(answer)) // 10 + 1)
    return repr(float(answer) * 1.1)


def test_my_envs_are_registered_with_their_tools() -> None:
    assert set(MINE) <= set(ENVIRONMENTS.names())
    for env_id in MINE:
        env = get_env(env_id)
        assert env.env_id == env_id and 4 <= env.max_turns <= 10 and env.tools
        for name in env.tools:
            assert name in TOOLS, f"{env_id} offers {name}, which is not installed"
    with_tools = [e for e in MINE if not e.endswith("_with_calculator")]
    assert len(with_tools) >= 11


@pytest.mark.parametrize("env_id", MINE)
def test_reference_scores_one_and_near_misses_do_not(env_id: str) -> None:
    env = get_env(env_id)
    calls = 0
    for seed in SEEDS:
        result = run_reference(env, seed, InProcessExecutor())
        assert result.done and result.verdict.score == 1.0, (seed, result.verdict)
        calls += result.state["tool_calls"]
        state = finish(env, seed)
        right = env.solve(state["identity"], state["memory"])
        verdict = env.grade(env.format_answer(wrong(right)), state["identity"], state["memory"])
        assert verdict.score < 1.0, (seed, right, wrong(right))
    if not env_id.endswith("_with_calculator"):
        assert calls >= len(SEEDS), "the reference policy should use the tools"


@pytest.mark.parametrize("env_id", MINE)
def test_hostile_final_answers_score_below_one_and_never_raise(env_id: str) -> None:
    env = get_env(env_id)
    state = finish(env, 0)
    for answer in [*HOSTILE, *hostile_answers()]:
        verdict = env.grade(answer, state["identity"], state["memory"])
        assert verdict.score < 1.0, answer[:80]
        fresh, _ = env.reset(1)
        result = env.step(fresh, answer, InProcessExecutor())  # an answer without the tools (or refused)
        assert result.verdict is None if not result.done else result.verdict.score < 1.0, answer[:80]


@pytest.mark.parametrize("env_id", MINE)
def test_reset_is_deterministic_and_seeds_differ(env_id: str) -> None:
    env = get_env(env_id)
    firsts = []
    for seed in SEEDS:
        a, b = env.reset(seed), env.reset(seed)
        assert a == b
        firsts.append(json.dumps(a[0]["identity"], sort_keys=True))  # hidden identities: prompts may agree
    assert len(set(firsts)) == len(SEEDS)


@pytest.mark.parametrize("env_id", MINE)
def test_state_round_trips_through_json_and_replays(env_id: str) -> None:
    env = get_env(env_id)
    for seed in SEEDS:
        state, _ = env.reset(seed)
        while not state["done"]:
            copy = json.loads(json.dumps(state))
            action = env.reference_action(state)
            a, b = env.step(state, action, InProcessExecutor()), env.step(copy, action, InProcessExecutor())
            assert untimed(a.state) == untimed(b.state) and a.observation == b.observation and a.done == b.done
            assert json.loads(json.dumps(a.state)) == a.state
            state = a.state


def test_the_checker_passes_my_envs() -> None:
    from bootcamp.env.checker import check_envs

    # In-process tools: the sandbox's python tool is tested on its own below (a sandboxed checker run of
    # every environment that offers python takes minutes).
    for report in check_envs(MINE, seeds=3, cross_process=False, executor=InProcessExecutor()):
        assert report.passed, report.to_dict()


# -- math specifics ------------------------------------------------------------------------------------------
def test_polynomial_probe_tool_counts_queries_and_rejects_bad_x() -> None:
    env = get_env("math/polynomial_probe")
    state, _ = env.reset(0)
    fn = TOOLS.get("math_probe").fn
    context = {"identity": state["identity"], "memory": {}}
    for bad in ({"x": 1.5}, {"x": True}, {"x": 10**7}, {"x": "3"}, {}):
        with pytest.raises(ToolError):
            fn(bad, context)
    with pytest.raises(ToolError):
        fn({"x": 1}, {"identity": {}, "memory": {}})
    memory: dict = {}
    for x in range(state["identity"]["queries"]):
        memory = fn({"x": x}, {"identity": state["identity"], "memory": memory})["memory"]
    with pytest.raises(ToolError, match="queries"):
        fn({"x": 99}, {"identity": state["identity"], "memory": memory})
    # through the environment: the extra query is an error observation, the episode goes on
    state["memory"] = memory
    result = env.step(state, format_call("math_probe", {"x": 99}), InProcessExecutor())
    assert not result.done and result.tool_results[0].error and result.state["memory"] == memory


def test_polynomial_probe_answer_format_is_strict() -> None:
    env = get_env("math/polynomial_probe")
    state = finish(env, 1)
    right = env.solve(state["identity"], state["memory"])
    assert env.check(right, state["identity"], state["memory"]) == 1.0
    assert env.check(f"[{right}]", state["identity"], state["memory"]) == 1.0
    for bad in (right + ", 0", "0, " + right, right.replace(",", ""), right.replace(", ", ", 1.0*", 1)):
        assert env.check(bad, state["identity"], state["memory"]) < 1.0


@pytest.mark.parametrize("env_id", ["math/ellipse_lattice_points", "math/recurrence_steps"])
def test_reference_programs_print_the_answer(env_id: str) -> None:
    """The code the reference sends to the python tool is right (run here: it is our own code)."""
    env = get_env(env_id)
    for seed in SEEDS:
        state, _ = env.reset(seed)
        (name, args), = env.reference_calls(state["identity"], {}, 0)
        assert name == "python"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(args["code"], "<reference>", "exec"), {})  # noqa: S102 - trusted reference code
        assert out.getvalue().strip() == env.solve(state["identity"], {})


@pytest.mark.parametrize("env_id", ["math/ellipse_lattice_points", "math/recurrence_steps"])
def test_python_envs_through_the_sandbox_executor(env_id: str) -> None:
    sandbox_exec = pytest.importorskip("bootcamp.env.sandbox_exec")
    from bootcamp.verifiers import sandbox

    if sandbox.mode() is None:
        pytest.skip("no sandbox on this machine")
    env = get_env(env_id)
    result = run_reference(env, 0, sandbox_exec.SandboxExecutor())
    assert result.verdict.score == 1.0
    state, _ = env.reset(0)
    step = env.step(state, env.reference_action(state), sandbox_exec.SandboxExecutor())
    assert step.tool_results[0].error is None
    assert step.tool_results[0].output.strip() == env.solve(state["identity"], {})


def test_with_calculator_versions_wrap_their_tasks() -> None:
    for env_id in [e for e in MINE if e.endswith("_with_calculator")]:
        env = get_env(env_id)
        task_id = env_id.removesuffix("_with_calculator")
        assert task_id in REGISTRY and env.tools == ("calculator",)
        state, first = env.reset(0)
        assert REGISTRY.get(task_id).prompt(state["identity"]) in first and "calculator" in first
        call = env.step(state, format_call("calculator", {"expression": "2**100"}), InProcessExecutor())
        assert call.tool_results[0].output.strip() == str(2**100)
