"""The checks every environment family's tests run (reference, wrong and hostile answers, determinism, JSON)."""

from __future__ import annotations

import json

from bootcamp.env import InProcessExecutor, get_env, run_reference
from bootcamp.env.environment import Environment

HOSTILE = ["", "x" * 1_000_000, "\\boxed{}", "\\boxed{)(*&^%$ ]] garbage}", "\\boxed{1}\\boxed{2}" * 20,
           "\\boxed{" + "C" * 5000 + "}", "\\boxed{" + "(" * 3000 + "}", "\\boxed{ñ∅\x00}", "<think>\\boxed{A}",
           "\\boxed{C1CC}", "\\boxed{-1, -2, -3}", "\\boxed{nan}", "\\boxed{1e999}"]


def first_answer(env: Environment, seed: int, action: str) -> float | None:
    """The score of ``action`` as the episode's first message (None when it did not end the episode)."""
    state, _ = env.reset(seed)
    result = env.step(state, action, InProcessExecutor())
    return result.verdict.score if result.done else None


def reference_scores_one_with_working_tool_calls(env_id: str, seed: int) -> None:
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


def wrong_answer_scores_below_one(env_id: str, seed: int, wrong: str) -> None:
    env = get_env(env_id)
    state, _ = env.reset(seed)
    score = first_answer(env, seed, env.format_answer(wrong))
    assert score is not None and score < 1.0
    assert env.check(wrong, state["identity"], {}) < 1.0


def hostile_answers_score_below_one(env_id: str, hostile: list[str] = HOSTILE) -> None:
    env = get_env(env_id)
    state, _ = env.reset(0)
    for action in hostile:
        score = first_answer(env, 0, action)
        assert score is None or score < 1.0, action[:50]
        assert env.check(action[:20_000], state["identity"], {}) < 1.0
    assert env.check("X" + env.solve(state["identity"], {}), state["identity"], {}) < 1.0


def reset_is_deterministic_and_seeds_differ(env_id: str) -> None:
    env = get_env(env_id)
    assert env.reset(5) == env.reset(5)
    assert len({json.dumps(env.reset(s)[0]["identity"], sort_keys=True) for s in range(4)}) >= 3


def state_round_trips_through_json(env_id: str) -> None:
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
