"""Multi-turn episodes interleave the policy's tokens with observations (tool results): the loss is on the
policy's tokens only. Observation tokens carry no gradient, whatever their sampling log-probs say."""

import random

import pytest
import torch

from learner.batch import TrainBatch, TrainItem
from learner.config import LearnerConfig
from learner.losses import policy_loss, token_logprobs

#: One episode's response: the policy's turn, an observation, the policy's final turn.
MASK = [1, 1, 1, 0, 0, 0, 0, 1, 1]


@pytest.fixture(scope="module")
def model():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=50, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=2, num_key_value_heads=2, head_dim=32, max_position_embeddings=256)
    return LlamaForCausalLM(cfg).float()


def _items(seed=0, observation_logprob=None):
    rnd = random.Random(seed)
    items = []
    for k in range(4):
        prompt = [rnd.randrange(1, 50) for _ in range(3 + k)]
        resp = [rnd.randrange(1, 50) for _ in MASK]
        lps = [(-rnd.random() if m else (observation_logprob if observation_logprob is not None else 0.0))
               for m in MASK]
        items.append(TrainItem(prompt, resp, lps, rnd.uniform(-1, 1), loss_mask=list(MASK)))
    # a group's responses share a prompt (the shared-prompt layout)
    items.append(TrainItem(items[0].prompt_ids, items[1].response_ids, items[1].logprobs, 0.7, loss_mask=list(MASK)))
    return TrainBatch(items)


def _loss_and_grads(model, padded, keep_logits=False):
    model.zero_grad()
    out = model(input_ids=padded.input_ids, attention_mask=padded.attention_mask, position_ids=padded.position_ids,
                use_cache=False)
    logits = padded.select_logits(out.logits)
    logits.retain_grad()
    logp = token_logprobs(logits, padded.targets)
    loss, _ = policy_loss(logp, padded.old_logprobs, padded.advantages, padded.mask, LearnerConfig())
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return loss.detach(), grads, (logits.grad if keep_logits else None)


def test_observation_tokens_carry_no_gradient(model):
    padded = _items().pad()
    assert padded.mask[0].tolist() == [float(m) for m in MASK]
    _, _, dlogits = _loss_and_grads(model, padded, keep_logits=True)
    obs = torch.tensor(MASK) == 0
    # the logits that predict observation tokens get exactly zero gradient; the policy's tokens do not
    assert torch.count_nonzero(dlogits[:, obs]) == 0
    # (a clipped PPO ratio may silence one sequence; every policy position gets gradient from some sequence)
    assert torch.all(dlogits[:, ~obs].abs().sum(-1).sum(0) > 0)


def test_the_observations_sampling_logprobs_do_not_matter(model):
    a_loss, a_grads, _ = _loss_and_grads(model, _items(observation_logprob=0.0).pad())
    b_loss, b_grads, _ = _loss_and_grads(model, _items(observation_logprob=-37.5).pad())
    assert torch.equal(a_loss, b_loss)
    for name in a_grads:
        torch.testing.assert_close(a_grads[name], b_grads[name], atol=0, rtol=0)
    # ... while unmasking them would change the loss (the test can fail)
    unmasked = TrainBatch([TrainItem(it.prompt_ids, it.response_ids, it.logprobs, it.advantage)
                           for it in _items(observation_logprob=-37.5)])
    c_loss, _, _ = _loss_and_grads(model, unmasked.pad())
    assert not torch.allclose(c_loss, b_loss)


@pytest.mark.parametrize("layout", ["pack", "pack_shared"])
def test_packed_layouts_mask_the_same_tokens(model, layout):
    batch = _items()
    ref_loss, ref_grads, _ = _loss_and_grads(model, batch.pad())
    packed = getattr(batch, layout)(64)
    assert torch.equal(packed.mask, batch.pad().mask)
    loss, grads, _ = _loss_and_grads(model, packed)
    torch.testing.assert_close(loss, ref_loss, atol=1e-5, rtol=1e-5)
    for name in ref_grads:
        torch.testing.assert_close(grads[name], ref_grads[name], atol=1e-5, rtol=1e-4)


def test_token_counts_and_bad_masks():
    batch = _items()
    assert batch.num_tokens() == len(batch) * sum(MASK)  # a token-mean loss divides by the policy's tokens
    assert TrainBatch([TrainItem([1], [2, 3])]).num_tokens() == 2  # no mask: every response token
    with pytest.raises(ValueError, match="loss_mask"):
        TrainItem([1], [2, 3], loss_mask=[1])
