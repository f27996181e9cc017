"""The vLLM engine streams: each prompt's group comes back on its own, the same samples as a whole batch."""

import pytest

pytestmark = pytest.mark.slow


def test_generate_stream_yields_each_group_once_with_the_batch_samples(vllm_rollout):
    import ray

    problems = [{"task": "math/digit_add", "seed": s, "prompt": f"{s}+{s}=?", "identity": {"s": s}} for s in range(6)]
    args = (problems, 3, 1.0, 1.0, 8, 1234)
    gen = vllm_rollout.generate_stream.options(num_returns="streaming").remote(*args)
    items = [ray.get(ref) for ref in gen]
    assert len(items) == 6  # one item per group, not one per request
    assert sorted(i for i, _, _ in items) == list(range(6))
    whole, _ = ray.get(vllm_rollout.generate.remote(*args))
    streamed = {i: trajs for i, trajs, _ in items}
    for g in range(6):
        batch = whole[3 * g : 3 * g + 3]
        assert [t.response_ids for t in streamed[g]] == [t.response_ids for t in batch]
        for a, b in zip(streamed[g], batch, strict=True):
            assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)
        assert all(t.seed == g and t.group == g for t in streamed[g])
    seconds = [s["seconds"] for _, _, s in items]
    assert seconds == sorted(seconds) and all(s["tokens"] > 0 for _, _, s in items)
