"""Warm-up on reference episodes, and registered environments in a job's task mix.

The warm-up of a job with episodes trains on the environment's reference policy laid out exactly as the
rollout lays out a policy's episode (so the learner sees the same tokens and mask at warm-up and in RL):
a scripted engine that writes the reference's messages must produce the same ids and mask through
``run_episodes``.
"""

from __future__ import annotations

import pytest

from bootcamp.env.executor import InProcessExecutor
from bootcamp.env.job_problems import EnvironmentProblems, TasksAndEnvironments
from bootcamp.env.registry import get_env
from bootcamp.mix import TaskSampler, resolve_mix
from bootcamp.registry import REGISTRY, UnknownTaskError
from rollout.engine import format_prompt
from rollout.episodes import EpisodeOptions, ObservationFormat, reference_episode, run_episodes
from rollout.types import Sample

ENV = "math/three_digit_product"


@pytest.fixture(scope="module")
def tok():
    from transformers import AutoTokenizer

    from rollout import testing
    from rollout.models import ensure_tiny_model

    return AutoTokenizer.from_pretrained(ensure_tiny_model(testing.TEST_MODEL))


class _Writes:
    """An engine whose every episode writes ``messages[turn]`` (its ids and the end-of-sequence token)."""

    def __init__(self, tok, messages):
        self.turns = [tok(m, add_special_tokens=False)["input_ids"] + [tok.eos_token_id] for m in messages]
        self.calls = 0

    def generate(self, prompts, n, temperature, top_p, max_tokens, seed):
        ids = self.turns[self.calls]
        self.calls += 1
        return [[Sample(list(ids), [-0.5] * len(ids), "stop")] for _ in prompts]


def _reference_messages(env, seed):
    state, _ = env.reset(seed)
    messages = []
    while True:
        messages.append(env.reference_action(state))
        result = env.step(state, messages[-1], InProcessExecutor())
        if result.done:
            return messages
        state = result.state


@pytest.mark.parametrize("env_id", [ENV, "chem/lab_dilution"])
def test_a_reference_episode_is_laid_out_as_the_rollout_lays_out_an_episode(tok, env_id):
    env = get_env(env_id)
    encode = lambda text: format_prompt(tok, text)  # noqa: E731
    prompt, response, mask = reference_episode(env, 7, InProcessExecutor(), tok, encode, ObservationFormat(tok, False))
    messages = _reference_messages(env, 7)
    assert len(messages) >= 2 and "<tool_call>" in messages[0]
    (group,) = run_episodes(_Writes(tok, messages), tok, [{"task": env_id, "seed": 7, "identity": {}}], 1, 1.0, 1.0,
                            4000, 0, encode, EpisodeOptions(executor="in_process", turn_tokens=400),
                            InProcessExecutor(), ObservationFormat(tok, False), max_context=8000)
    (t,) = group
    assert t.reward == 1.0 and t.extra["tool_calls"] >= 1
    assert (t.prompt_ids, t.response_ids, t.loss_mask) == (prompt, response, mask)
    written = tok.decode([i for i, m in zip(response, mask, strict=True) if m], skip_special_tokens=True)
    assert written == "".join(messages)  # the policy's tokens are exactly its messages
    assert "<tool_response>" in tok.decode([i for i, m in zip(response, mask, strict=True) if not m])


def test_without_tools_the_reference_answers_at_once(tok):
    env = get_env(ENV)
    prompt, response, mask = reference_episode(env, 3, InProcessExecutor(), tok, lambda t: format_prompt(tok, t),
                                               ObservationFormat(tok, False), use_tools=False)
    state, _ = env.reset(3)
    answer = env.format_answer(env.solve(state["identity"], {}))
    assert set(mask) == {1} and response == tok(answer, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
    assert env.step(state, answer).verdict.score == 1.0


def test_the_warmup_share_of_reference_episodes(tok):
    from learner.config import parse_config
    from learner.warmup import WarmupData

    def items(share):
        cfg = parse_config({"tasks": [{"id": ENV}], "warmup": {"steps": 1, "reference_episodes": share},
                            "rollout": {"episodes": {"executor": "in_process"}}})
        problems = TasksAndEnvironments(REGISTRY)
        data = WarmupData(cfg, tok, problems)
        drawn = TaskSampler(resolve_mix([(ENV, 1.0)], problems), seed=0, registry=problems).sample(64)
        return [tok.decode(i.response_ids) for i in map(data.item, drawn)]

    assert all("<tool_call>" in r for r in items(1.0))
    assert not any("<tool_call>" in r for r in items(0.0))
    assert 12 <= sum("<tool_call>" in r for r in items(0.4)) <= 40


def test_environments_join_a_jobs_task_mix_by_exact_id():
    problems = TasksAndEnvironments(REGISTRY)
    assert problems.resolve([ENV, "math/digit_add"]) == [ENV, "math/digit_add"]
    assert ENV not in problems.resolve(["math/*"])  # globs expand over tasks (played with the job's tools)
    with pytest.raises(UnknownTaskError, match="three_digit_product"):
        problems.resolve(["math/three_digit_produc"])  # a near miss names the environment
    source = problems.get(ENV)
    assert isinstance(source, EnvironmentProblems)
    p = source.problem(11, with_answer=True)
    state, first = get_env(ENV).reset(11)
    assert (p.task, p.seed, p.prompt, p.identity) == (ENV, 11, first, state["identity"])
    assert p.answer == str(state["identity"]["a"] * state["identity"]["b"])
    assert problems.get("math/digit_add") is REGISTRY.get("math/digit_add")
    sampler = TaskSampler({ENV: 1.0, "math/digit_add": 1.0}, seed=0, seed_limit=1000, registry=problems)
    drawn = sampler.sample(20)
    assert {d.task for d in drawn} == {ENV, "math/digit_add"} and all(d.seed < 1000 for d in drawn)
    assert {p.seed for p in sampler.eval_problems(3)} == {1000, 1001, 1002}


def test_a_signature_tool_prompt_is_one_short_line():
    env = get_env(ENV)
    _, first = env.reset(0)
    assert "calculator(expression)" in first and "<tool_call>" in first and '"type": "function"' not in first
    assert len(first) < 200
    _, full = get_env("math/big_multiplication").reset(0)  # the default declares each tool's JSON schema
    assert '"type": "function"' in full and '"expression"' in full


@pytest.mark.slow
def test_the_token_mean_warmup_loss_weighs_every_target_token_alike():
    """``warmup.loss: token_mean`` on a real learner rank: the reported loss is the mean NLL over every
    target token of the batch (a reference episode's many tokens and a short answer's few alike), and
    ``seq_mean`` the mean over examples of each one's mean; the two differ on the same batch."""
    import torch
    from transformers import AutoModelForCausalLM

    from learner.batch import TrainBatch, TrainItem
    from learner.cluster import start_learners
    from learner.config import parse_config
    from rollout import testing
    from rollout.models import ensure_tiny_model

    testing.shared_ray()
    model_dir = ensure_tiny_model(testing.TEST_MODEL)
    items = [TrainItem([5, 6, 7], [40, 41]), TrainItem([5, 6, 8], list(range(60, 90)), loss_mask=[1] * 10 + [0] * 10 + [1] * 10)]
    hf = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    nll = []
    for it in items:
        with torch.no_grad():
            logits = hf(torch.tensor([it.prompt_ids + it.response_ids])).logits[0, len(it.prompt_ids) - 1:-1]
        lp = torch.log_softmax(logits, -1).gather(-1, torch.tensor(it.response_ids)[:, None])[:, 0]
        mask = torch.tensor(it.loss_mask or [1] * len(it.response_ids), dtype=torch.float32)
        nll.append(((-lp * mask).sum().item(), mask.sum().item()))
    token_mean = sum(s for s, _ in nll) / sum(n for _, n in nll)
    seq_mean = sum(s / n for s, n in nll) / len(nll)
    cfg = parse_config({"tasks": [{"id": "math/digit_add"}], "model": {"path": model_dir},
                        "learner": {"num_ranks": 1, "lr": 1e-12, "micro_batch": 4}})
    learners = start_learners(cfg, model_dir)
    try:
        common = {"n_micro": 1, "temperature": 1.0, "max_tokens": 64, "sft": True}
        (tok,) = learners.call_each("train_step", [(TrainBatch(items),)], norm=22.0, sft_token_mean=True, **common)
        (seq,) = learners.call_each("train_step", [(TrainBatch(items),)], norm=2.0, **common)
    finally:
        learners.kill()
    assert abs(token_mean - seq_mean) > 1e-3
    assert tok["loss"] == pytest.approx(token_mean, abs=1e-4) and seq["loss"] == pytest.approx(seq_mean, abs=1e-4)
