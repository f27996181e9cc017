"""Multi-turn rollouts: episodes with tools on real engines, observation tokens masked out of the loss.

A random tiny model rarely writes a tool call, so the multi-turn tests script the first turn (a calculator
call) and let the real engine write the rest with the tool's result in its context; the log-probs the
engine reports for its own tokens must then equal a teacher-forced forward pass over the whole episode.
"""

from __future__ import annotations

import pytest
import torch

from rollout.episodes import EpisodeOptions, ObservationFormat, make_executor, run_episodes
from rollout.types import Sample

TOOLS = {"tools": ["calculator"], "max_turns": 3, "turn_tokens": 120, "executor": "in_process"}
CALL = '<tool_call>{"name": "calculator", "arguments": {"expression": "123456*654321"}}</tool_call>'


class _ScriptedFirstTurn:
    """The real engine, except that every episode's first turn is ``text`` (with log-prob 0 per token)."""

    def __init__(self, engine, tokenizer, text):
        self.engine, self.ids, self.calls = engine, tokenizer(text, add_special_tokens=False)["input_ids"], 0

    def generate(self, prompts, n, temperature, top_p, max_tokens, seed):
        self.calls += 1
        if self.calls == 1:
            return [[Sample(list(self.ids), [0.0] * len(self.ids), "stop")] for _ in prompts]
        return self.engine.generate(prompts, n, temperature, top_p, max_tokens, seed)


@pytest.fixture(scope="module")
def long_model(tmp_path_factory):
    """The test model with room for tool prompts (a byte-level tokenizer: a tool's schema is ~700 tokens)."""
    from rollout import testing
    from rollout.models import ensure_tiny_model

    return ensure_tiny_model({**testing.TEST_MODEL, "max_position_embeddings": 2048},
                             str(tmp_path_factory.getbasetemp() / "models"))


@pytest.fixture(scope="module")
def hf(long_model):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rollout.engines import make_engine

    tok = AutoTokenizer.from_pretrained(long_model)
    return make_engine("hf", long_model, max_model_len=2048, seed=0), tok, AutoModelForCausalLM.from_pretrained(
        long_model, dtype=torch.float32).eval()


def _problems(n=3):
    from bootcamp.registry import REGISTRY

    task = REGISTRY.get("math/digit_add")
    return [{"task": task.task_id, "seed": s, "identity": task.problem(s).identity} for s in range(n)]


def _run(engine, tok, options=TOOLS, n=2, max_tokens=400):
    from rollout.engine import format_prompt

    opts = EpisodeOptions(**options)
    return run_episodes(engine, tok, _problems(), n, 1.0, 1.0, max_tokens, 5, lambda t: format_prompt(tok, t),
                        opts, make_executor(opts.executor), ObservationFormat(tok, False))


def test_a_tool_call_turn_puts_the_result_in_context_and_masks_it(hf):
    engine, tok, _ = hf
    groups = _run(_ScriptedFirstTurn(engine, tok, CALL), tok)
    assert [len(g) for g in groups] == [2, 2, 2]
    for t in (t for g in groups for t in g):
        assert len(t.response_ids) == len(t.logprobs) == len(t.loss_mask)
        text = tok.decode(t.response_ids)
        assert text.startswith(CALL) and "80779853376" in text  # the calculator's result was read back in
        first_zero = t.loss_mask.index(0)
        obs = tok.decode(t.response_ids[first_zero:first_zero + t.loss_mask[first_zero:].index(1)])
        assert "<tool_response>" in obs and "80779853376" in obs  # exactly the observation is masked
        assert all(lp == 0.0 for lp, m in zip(t.logprobs, t.loss_mask, strict=True) if m == 0)
        assert t.extra["env_verdict"] and t.extra["tool_calls"] == 1 and t.extra["turns"] >= 2
        assert 0.0 <= t.reward <= 1.0 and t.reason in ("ok", "wrong", "no_answer", "budget", "format",
                                                        "invalid_answer")


def test_engine_logprobs_match_a_teacher_forced_pass_over_the_episode(hf):
    engine, tok, model = hf
    groups = _run(_ScriptedFirstTurn(engine, tok, CALL), tok, n=1)
    for t in (t for g in groups for t in g):
        ids = torch.tensor([t.prompt_ids + t.response_ids])
        with torch.no_grad():
            logits = model(ids).logits[0, len(t.prompt_ids) - 1 : -1]
        forced = torch.log_softmax(logits.float(), -1).gather(-1, torch.tensor(t.response_ids)[:, None])[:, 0]
        after_obs = [i for i, m in enumerate(t.loss_mask) if m == 1 and 0 in t.loss_mask[:i]]  # the engine's turn
        assert after_obs, "the engine wrote a turn after the observation"
        got = torch.tensor([t.logprobs[i] for i in after_obs])
        torch.testing.assert_close(got, forced[after_obs], atol=2e-3, rtol=1e-3)


def test_token_budget_ends_an_episode_with_reason_budget(hf):
    engine, tok, _ = hf
    # the scripted call plus its result do not fit: the episode ends before it could answer
    groups = _run(_ScriptedFirstTurn(engine, tok, CALL), tok, n=1, max_tokens=len(tok(CALL)["input_ids"]) + 5)
    for t in (t for g in groups for t in g):
        assert t.reason == "budget" and t.reward == 0.0 and t.finish_reason == "length"
        assert 0 not in t.loss_mask  # the observation that did not fit was not appended


def test_without_tools_an_episode_is_one_turn_graded_by_the_task(hf):
    engine, tok, _ = hf
    groups = _run(engine, tok, options={"tools": [], "turn_tokens": 8, "executor": "in_process"})
    from bootcamp.registry import REGISTRY

    for t in (t for g in groups for t in g):
        assert t.extra["turns"] == 1 and set(t.loss_mask) <= {1}
        assert t.reward == REGISTRY.get(t.task).verify(t.text, t.identity).score


def test_a_registered_environment_runs_as_itself(hf):
    engine, tok, _ = hf
    from rollout.engine import format_prompt

    opts = EpisodeOptions(executor="in_process", turn_tokens=8)
    problems = [{"task": "math/big_multiplication", "seed": 1, "identity": {}}]
    (group,) = run_episodes(engine, tok, problems, 2, 1.0, 1.0, 64, 0, lambda t: format_prompt(tok, t), opts,
                            make_executor("in_process"), ObservationFormat(tok, False))
    assert len(group) == 2 and all(t.extra["env_verdict"] for t in group)
    assert "calculator" in tok.decode(group[0].prompt_ids)  # the environment's own tools were offered


@pytest.mark.slow
def test_vllm_rollout_actor_plays_multi_turn_episodes(long_model):
    """A vLLM rollout actor (its own: tool prompts need a longer context than the session's) plays episodes:
    the scripted first turn calls the calculator, vLLM writes the rest with the result in its context."""
    pytest.importorskip("vllm")
    import ray

    from rollout import testing
    from rollout.actor import rollout_actor

    testing.shared_ray()
    actor = rollout_actor().remote("vllm", long_model, max_model_len=2048, seed=0, episodes=TOOLS)
    try:
        ray.get(actor.ready.remote())

        def script(worker):
            class First:
                def __init__(self, engine, ids):
                    self.engine, self.ids, self.calls = engine, ids, 0

                def generate(self, prompts, n, temperature, top_p, max_tokens, seed):
                    self.calls += 1
                    if self.calls == 1:
                        return [[Sample(list(self.ids), [0.0] * len(self.ids), "stop")] for _ in prompts]
                    return self.engine.generate(prompts, n, temperature, top_p, max_tokens, seed)

            worker.engine = First(worker.engine, worker.tokenizer(CALL, add_special_tokens=False)["input_ids"])
            return worker.tokenizer.name_or_path

        ray.get(actor.__ray_call__.remote(script))
        rows = [{"task": p["task"], "seed": p["seed"], "prompt": "", "identity": p["identity"]} for p in _problems()]
        trajs, stats = ray.get(actor.generate.remote(rows, 2, 1.0, 1.0, 400, 0))
    finally:
        ray.kill(actor)
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(long_model)
    assert len(trajs) == 6 and stats["tokens"] > 0
    for t in trajs:
        assert len(t.response_ids) == len(t.logprobs) == len(t.loss_mask) and t.extra["env_verdict"]
        assert t.extra["tool_calls"] == 1 and t.extra["turns"] >= 2
        first_zero = t.loss_mask.index(0)
        assert "80779853376" in tok.decode(t.response_ids[first_zero:])  # the result, masked, then vLLM's turn
        vllm_turn = [lp for lp, m in list(zip(t.logprobs, t.loss_mask, strict=True))[first_zero:] if m == 1]
        assert vllm_turn and all(lp < 0 for lp in vllm_turn)  # vLLM's own sampling log-probs


def test_a_tool_task_brings_its_own_tools_to_a_rollout():
    from rollout.episodes import EpisodeOptions, make_env

    options = EpisodeOptions()
    tool_env = make_env({"task": "chem/descriptor_tpsa"}, options)
    assert tool_env.tools == ("rdkit_descriptors",) and tool_env.max_turns == options.max_turns
    plain = make_env({"task": "math/gcd"}, options)
    assert plain.tools == () and plain.max_turns == 1
    named = make_env({"task": "chem/descriptor_tpsa"}, EpisodeOptions(tools=("calculator",)))
    assert named.tools == ("calculator",)
