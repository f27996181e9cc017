"""The RL data path: streamed requests scored as they arrive, overlap with staleness 1, dynamic sampling.

Runs real Ray, the transformers engine and FSDP2 learners on gloo. The task is a test-only coin flip
in a private registry (reward 1 when the response starts with an even byte), so a random tiny model
gives groups both mixed and uniform: what dynamic sampling needs to act on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bootcamp import Registry, Task
from learner.config import apply_overrides, parse_config
from learner.group import ActorGroup
from learner.pipeline import RolloutStream
from learner.trainer import Trainer
from rollout import testing

pytestmark = pytest.mark.slow

COIN = "generic/test_even_first_byte"


class EvenFirstByte(Task):
    """Test-only: reward 1 when the response's first byte is even (a coin flip for a random model)."""

    id = COIN
    description = "Test-only task: start the answer with an even byte."

    def generate(self, rng: Any) -> dict[str, Any]:
        return {"n": rng.randint(0, 9)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Say something ({identity['n']})."

    def extract(self, response: str) -> str | None:
        return response

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        data = answer.encode()
        return 1.0 if data and data[0] % 2 == 0 else 0.0

    def solve(self, identity: dict[str, Any]) -> str:
        return "B"


def _registry() -> Registry:
    reg = Registry(load_plugins=False)
    reg.register(EvenFirstByte, COIN)
    return reg


def _job(model_path: str, **over: Any):
    data = {
        "name": "pipeline", "seed": 3, "steps": 4, "model": {"path": model_path},
        "tasks": [{"id": COIN}],
        "rollout": {"engine": "hf", "prompts_per_step": 4, "samples_per_prompt": 2, "max_tokens": 4,
                    "max_model_len": 64, "chunk_prompts": 2},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False,
                    "weight_sync": "object_store"},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    return parse_config(apply_overrides(data, over))


def _run(cfg, out: Path) -> list[dict[str, Any]]:
    testing.shared_ray()
    Trainer(cfg, out, registry=_registry()).run()
    return [r for r in map(json.loads, (out / "metrics.jsonl").read_text().splitlines()) if r.get("phase") == "rl"]


def _numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What must repeat: everything but timings and throughputs."""
    return [{k: v for k, v in r.items() if not k.startswith("time/") and "per_s" not in k} for r in rows]


def test_stream_scores_groups_as_they_arrive_in_request_order(tiny_model):
    testing.shared_ray()
    from bootcamp.mix import TaskSampler, resolve_mix
    from rollout.actor import rollout_actor

    reg = _registry()
    actors = ActorGroup([rollout_actor().remote("hf", tiny_model, max_model_len=64, seed=0) for _ in range(2)])
    calls: list[list[int]] = []

    def score(trajs):
        calls.append([t.seed for t in trajs])
        for t in trajs:
            t.reward = reg.get(t.task).verify(t.text, t.identity).score

    sampler = TaskSampler(resolve_mix([(COIN, 1.0)], reg), seed=0, registry=reg)
    stream = RolloutStream(actors, sampler, score, n=3, temperature=1.0, top_p=1.0, max_tokens=4, chunk=2, seed=0)
    try:
        stream.request(5)  # 3 requests (2 + 2 + 1 prompts) over 2 actors
        assert stream.outstanding() == 5 and len(stream.pending) == 3
        first = stream.next_group(timeout=120)
        assert stream.outstanding() == 4
        groups = [first] + [stream.next_group(timeout=120) for _ in range(4)]
        with pytest.raises(RuntimeError, match="no groups requested"):
            stream.next_group()
    finally:
        stream.close()
        actors.kill()
    assert sum(len(c) for c in calls) == 15 and len(calls) >= 2  # scored as requests arrive, not per batch
    expected = [p.seed for p in TaskSampler(resolve_mix([(COIN, 1.0)], reg), seed=0, registry=reg).sample(5)]
    assert [g.trajectories[0].seed for g in groups] == expected  # request order, then prompt order
    for g in groups:
        assert len(g.trajectories) == 3 and len({t.seed for t in g.trajectories}) == 1 and g.version == 0
        assert all(t.reward in (0.0, 1.0) for t in g.trajectories)


def test_a_failed_request_reaches_the_driver(tiny_model):
    testing.shared_ray()
    from bootcamp.mix import TaskSampler, resolve_mix
    from rollout.actor import rollout_actor

    reg = _registry()
    actors = ActorGroup([rollout_actor().remote("hf", tiny_model, max_model_len=64, seed=0)])

    def score(trajs):
        raise ValueError("scorer broke")

    sampler = TaskSampler(resolve_mix([(COIN, 1.0)], reg), seed=0, registry=reg)
    stream = RolloutStream(actors, sampler, score, n=2, temperature=1.0, top_p=1.0, max_tokens=4, seed=0)
    try:
        stream.request(2)
        with pytest.raises(RuntimeError, match="scorer broke"):
            stream.next_group(timeout=120)
    finally:
        stream.close()
        actors.kill()


def test_overlap_with_staleness_one_is_off_policy_corrected_and_repeats(tiny_model, tmp_path):
    cfg = _job(tiny_model, **{"rollout.max_staleness": 1, "learner.packing": True, "learner.pack_width": 32,
                              "learner.share_prompts": True,
                              "learner.updates_per_step": 2})  # 2 mini-batches: the proximal log-probs are recomputed
    rows = _run(cfg, tmp_path / "a")
    # batch 0 is sampled by the start weights; each later batch was requested before the previous
    # update (so it generated during it) and is one version old
    assert [r["staleness"] for r in rows] == [0.0, 1.0, 1.0, 1.0]
    assert [r["policy_version"] for r in rows] == [1, 2, 3, 4]
    for r in rows:
        assert r["groups_kept"] == 4 and r["effective_batch"] == 8
        assert r["mismatch_kl"] >= 0 and r["mismatch_abs"] >= 0 and 0 <= r["tis_clip_frac"] <= 1
        assert 0 <= r["padding_share"] < 1
    assert any(r["mismatch_abs"] > 0 for r in rows[1:])  # stale tokens: engine and learner disagree
    # the second mini-batch's ratio is to the policy before the first one (recomputed), not to itself
    assert any(abs(r["ratio_mean"] - 1.0) > 1e-6 for r in rows)
    again = _run(cfg, tmp_path / "b")
    assert _numbers(again) == _numbers(rows)  # same config and seed: the same run, whatever the timing


def test_dynamic_sampling_refills_with_informative_groups_within_the_bound(tiny_model, tmp_path):
    rows = _run(_job(tiny_model, **{"rollout.dynamic_sampling": True, "rollout.max_oversample": 3.0,
                                    "steps": 3}), tmp_path / "ds")
    dropped = 0
    for r in rows:
        assert r["groups_sampled"] == r["groups_kept"] + r["groups_uniform_dropped"] + r["groups_stale_dropped"]
        assert r["groups_sampled"] <= 12  # 3 x prompts_per_step
        assert r["groups_kept"] == 4 or r["groups_sampled"] == 12
        assert r["effective_batch"] == 2 * r["groups_kept"]
        if r["groups_kept"]:
            assert r["adv_abs_mean"] > 0  # every kept group carries signal
        dropped += r["groups_uniform_dropped"]
    assert dropped > 0  # with G=2 about half the groups are uniform


def test_no_oversampling_bound_means_no_refill(tiny_model, tmp_path):
    rows = _run(_job(tiny_model, **{"rollout.dynamic_sampling": True, "rollout.max_oversample": 1.0,
                                    "steps": 2}), tmp_path / "bound")
    assert all(r["groups_sampled"] == 4 for r in rows)


def test_second_opinion_from_a_served_verifier_in_a_training_job(tiny_model, served_verifier, tmp_path):
    """Rules and the served verifier model both judge every response; the job logs who decided and
    how often they disagreed (the coin task's rule always decides, so every verdict has both)."""
    from learner.verifier_sft import RESPONSE_TAIL_CHARS, TINY_VERIFIER_TEMPLATE

    verifier = {"type": "verifier", "base_url": served_verifier.base_url, "model": "tiny-verifier",
                "max_tokens": 1, "template": TINY_VERIFIER_TEMPLATE, "max_chars": RESPONSE_TAIL_CHARS}
    spec = {"combine": "second_opinion", "prefer": "second",
            "parts": [{"name": "rule"}, {"name": "verifier", "kind": "verifier"}]}
    cfg = _job(tiny_model, **{"steps": 2, "rewards.backends": {"verifier": verifier},
                              "rewards.spec_overrides": {COIN: spec}})
    rows = _run(cfg, tmp_path / "run")
    assert len(rows) == 2
    for r in rows:
        shares = {k: v for k, v in r.items() if k.startswith("decided/")}
        assert sum(shares.values()) == pytest.approx(1.0) and set(shares) <= {"decided/rule", "decided/verifier"}
        assert 0.0 <= r["disagreement_rate"] <= 1.0  # the rule always decides: a second opinion where
        assert r["time/reward_part_ms/verifier"] > 0  # the model gave a verdict too
        # prefer: second -> the model decides exactly the disagreements (a share of all verdicts, at
        # most the share of the verdicts both decided)
        assert shares.get("decided/verifier", 0.0) <= r["disagreement_rate"] + 1e-9
