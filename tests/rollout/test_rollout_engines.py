"""The transformers and vLLM engines: token ids, sampling log-probs, weight reloads."""

import pytest
import torch

from rollout.actor import RolloutWorker

PROBLEMS = [{"task": "math/digit_add", "seed": i, "prompt": f"{i}+1=? Answer in \\boxed{{}}.", "identity": {}}
            for i in range(3)]


def _recompute(model_path, trajectory):
    """Teacher-forced log-probs of a sampled response under the checkpoint."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32).eval()
    ids = torch.tensor([trajectory.prompt_ids + trajectory.response_ids])
    with torch.no_grad():
        logp = model(input_ids=ids).logits[0].log_softmax(-1)
    p = len(trajectory.prompt_ids)
    return [logp[p - 1 + i, t].item() for i, t in enumerate(trajectory.response_ids)]


@pytest.fixture(scope="module")
def hf_worker(tiny_model):
    return RolloutWorker("hf", tiny_model)


def test_hf_engine_returns_groups_with_sampling_logprobs(hf_worker, tiny_model):
    trajs, stats = hf_worker.generate(PROBLEMS, 4, 1.0, 1.0, 8, seed=1)
    assert len(trajs) == 12 and stats["tokens"] == sum(len(t.response_ids) for t in trajs)
    assert [t.group for t in trajs] == [0] * 4 + [1] * 4 + [2] * 4
    t = trajs[0]
    assert 1 <= len(t.response_ids) <= 8 and len(t.logprobs) == len(t.response_ids)
    assert t.policy_version == 0 and t.task == "math/digit_add"
    assert t.logprobs == pytest.approx(_recompute(tiny_model, t), abs=1e-4)


def test_hf_engine_greedy_is_deterministic_and_reload_changes_it(hf_worker, tiny_model):
    from safetensors.torch import load_file

    before = hf_worker.probe()
    assert hf_worker.probe() == before
    state = load_file(f"{tiny_model}/model.safetensors")
    hf_worker.load_weights({k: v * 0.5 for k, v in state.items()}, 7)
    assert hf_worker.probe() != pytest.approx(before, abs=1e-3)
    assert hf_worker.generate(PROBLEMS[:1], 1, 1.0, 1.0, 4, seed=0)[0][0].policy_version == 7
    hf_worker.load_weights(state, 0)
    assert hf_worker.probe() == pytest.approx(before, abs=1e-5)


@pytest.mark.slow
def test_vllm_engine_matches_transformers(vllm_rollout, tiny_model, hf_worker):
    import ray
    from safetensors.torch import load_file

    # the session engine may hold weights a training test left behind: load the checkpoint's
    ray.get(vllm_rollout.load_weights.remote(load_file(f"{tiny_model}/model.safetensors"), 0))
    trajs, _ = ray.get(vllm_rollout.generate.remote(PROBLEMS, 4, 1.0, 1.0, 8, 3))
    assert len(trajs) == 12
    for t in trajs[:4]:
        assert len(t.logprobs) == len(t.response_ids) >= 1
        assert t.logprobs == pytest.approx(_recompute(tiny_model, t), abs=2e-3)
    # same weights, same greedy fingerprint in both engines
    assert ray.get(vllm_rollout.probe.remote()) == pytest.approx(hf_worker.probe(), abs=2e-3)
