"""A training job with multi-turn rollouts: tasks played with a calculator, observation tokens not trained on.

The rollout actor is handed to the job with its first turn scripted (a calculator call), so every episode
really has a tool result in the middle; the rest is the real engine, scorer-free (the environment's
verdict), learners on gloo, weight sync back to the engine.
"""

from __future__ import annotations

import json

import pytest

from learner.config import parse_config
from learner.trainer import Trainer
from rollout import testing

pytestmark = pytest.mark.slow
CALL = '<tool_call>{"name": "calculator", "arguments": {"expression": "17*23"}}</tool_call>'


@pytest.fixture(scope="module")
def long_model(tmp_path_factory):
    from rollout.models import ensure_tiny_model

    return ensure_tiny_model({**testing.TEST_MODEL, "max_position_embeddings": 2048},
                             str(tmp_path_factory.getbasetemp() / "models"))


def _scripted_actor(model: str):
    import ray

    from rollout.actor import rollout_actor
    from rollout.types import Sample

    testing.shared_ray()
    actor = rollout_actor().remote("hf", model, max_model_len=2048, seed=0)
    ray.get(actor.ready.remote())

    def script(worker):
        class FirstTurnCalls:
            """Each episode's first turn is the calculator call (log-prob 0); the engine writes the rest."""

            def __init__(self, engine, ids):
                self.engine, self.ids = engine, ids
                self.marker = worker.tokenizer.decode(ids)  # in the context once the call was made

            def generate(self, prompts, n, temperature, top_p, max_tokens, seed):
                real = self.engine.generate(prompts, n, temperature, top_p, max_tokens, seed)
                return [[Sample(list(self.ids), [0.0] * len(self.ids), "stop")]
                        if self.marker not in worker.tokenizer.decode(p) else g
                        for p, g in zip(prompts, real, strict=True)]

            def load_weights(self, state):
                return self.engine.load_weights(state)

            def update_weights(self, weights):
                return self.engine.update_weights(weights)

            def __getattr__(self, name):
                return getattr(self.engine, name)

        worker.engine = FirstTurnCalls(worker.engine, worker.tokenizer(CALL, add_special_tokens=False)["input_ids"])

    ray.get(actor.__ray_call__.remote(script))
    return actor


def test_a_job_trains_on_the_policys_tokens_of_tool_episodes(long_model, tmp_path):
    import ray

    cfg = parse_config({
        "name": "episodes", "seed": 0, "steps": 2, "model": {"path": long_model},
        "tasks": [{"id": "math/digit_add"}],
        "warmup": {"steps": 0},
        "rollout": {"engine": "hf", "prompts_per_step": 2, "samples_per_prompt": 2, "max_tokens": 160,
                    "max_model_len": 2048,
                    "episodes": {"tools": ["calculator"], "max_turns": 3, "turn_tokens": 100,
                                 "executor": "in_process"}},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False,
                    "weight_sync": "object_store"},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    })
    actor = _scripted_actor(long_model)
    try:
        Trainer(cfg, tmp_path / "run", rollout_actors=[actor]).run()
        # the job handed the engine back in single-turn mode
        assert ray.get(actor.__ray_call__.remote(lambda w: w.episodes)) is None
    finally:
        ray.kill(actor)
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    rl = [r for r in rows if r.get("phase") == "rl"]
    assert [r["step"] for r in rl] == [0, 1]
    for r in rl:
        assert r["tool_call_rate"] == 1.0 and r["tool_calls_mean"] == 1.0 and r["tool_error_rate"] == 0.0
        assert r["turns_mean"] >= 2 and 0 < r["policy_token_share"] < 1
        # the learners trained on the policy's tokens only: the response tokens minus the tool results
        policy_tokens = r["policy_token_share"] * r["response_len"] * r["effective_batch"]
        assert r["train_tokens"] == pytest.approx(policy_tokens, rel=1e-6)
        assert 0.0 <= r["reward_mean"] <= 1.0
    ev = json.loads((tmp_path / "run" / "eval.json").read_text())
    assert ev["before"]["tool_call_rate"] == 1.0 and "tool_calls_mean" in ev["after"]


def test_a_job_warms_up_on_reference_episodes_of_a_registered_environment(tmp_path):
    """The mix names a registered environment (its own calculator and prompt); the warm-up trains on its
    reference episodes (tool call, result, answer) and RL plays it on the job's own rollout actor."""
    from rollout.models import ensure_tiny_model

    testing.shared_ray()
    model = ensure_tiny_model(testing.TEST_MODEL)
    cfg = parse_config({
        "name": "env-mix", "seed": 0, "steps": 1, "model": {"path": model},
        "tasks": [{"id": "math/three_digit_product"}],
        "warmup": {"steps": 4, "batch": 8, "lr": 0.01, "reference_episodes": 1.0},
        "rollout": {"engine": "hf", "prompts_per_step": 2, "samples_per_prompt": 2, "max_tokens": 200,
                    "max_model_len": 512, "episodes": {"turn_tokens": 100, "executor": "in_process"}},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    })
    Trainer(cfg, tmp_path / "run").run()
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    warm = [r["warmup/loss"] for r in rows if r.get("phase") == "warmup"]
    assert len(warm) == 4 and warm[-1] < warm[0]  # the template of the reference episodes is being learnt
    (rl,) = [r for r in rows if r.get("phase") == "rl"]
    assert "reward/math/three_digit_product" in rl and 0.0 <= rl["reward_mean"] <= 1.0
    assert rl["train_tokens"] == pytest.approx(rl["policy_token_share"] * rl["response_len"] * rl["effective_batch"],
                                               rel=1e-6)
    ev = json.loads((tmp_path / "run" / "eval.json").read_text())
    assert ev["before"]["n"] == 2 and "tool_call_rate" in ev["after"]
