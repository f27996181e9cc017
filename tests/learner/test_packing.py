"""Sequence packing: per-sequence attention and positions, so packed losses and gradients equal padded ones."""

import random

import pytest
import torch

from learner.batch import TrainBatch, TrainItem
from learner.config import LearnerConfig
from learner.losses import policy_loss, token_logprobs


@pytest.fixture(scope="module")
def model():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=50, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=2, num_key_value_heads=2, head_dim=32, max_position_embeddings=256)
    return LlamaForCausalLM(cfg).float().eval()


def _batch(n=13, seed=0):
    rnd = random.Random(seed)
    items = []
    for _ in range(n):
        p = [rnd.randrange(1, 50) for _ in range(rnd.randrange(1, 12))]
        r = [rnd.randrange(1, 50) for _ in range(rnd.randrange(1, 9))]
        items.append(TrainItem(p, r, [-rnd.random() for _ in r], rnd.uniform(-1, 1)))
    return TrainBatch(items)


def _logp(model, padded):
    out = model(input_ids=padded.input_ids, attention_mask=padded.attention_mask, position_ids=padded.position_ids,
                use_cache=False)
    return token_logprobs(padded.select_logits(out.logits), padded.targets)


def test_pack_layout_by_hand():
    b = TrainBatch([TrainItem([10, 11], [20, 21, 22]), TrainItem([12], [23]), TrainItem([13, 14, 15], [24, 25])])
    p = b.pack(8)
    # first-fit decreasing: the 5-token items share no row of 8; the 2-token one joins the first row
    assert p.input_ids.tolist() == [[10, 11, 20, 21, 22, 12, 23], [13, 14, 15, 24, 25, 0, 0]]
    assert p.position_ids.tolist() == [[0, 1, 2, 3, 4, 0, 1], [0, 1, 2, 3, 4, 0, 1]]
    assert p.row_index.tolist() == [0, 0, 1]
    assert p.logit_index.tolist() == [[1, 2, 3], [5, 0, 0], [2, 3, 0]]
    assert p.targets.tolist() == [[20, 21, 22], [23, 0, 0], [24, 25, 0]]
    assert p.attention_mask is None and p.padding == 2
    assert b.pad().padding == 3 * 5 - 12


@pytest.mark.parametrize("width", [16, 40, 200])
def test_packed_logprobs_equal_padded(model, width):
    b = _batch()
    with torch.no_grad():
        padded, packed = b.pad(), b.pack(width)
        lp_pad, lp_pack = _logp(model, padded), _logp(model, packed)
    assert packed.input_ids.shape[0] < len(b) or width == 16  # sequences really share rows
    torch.testing.assert_close(lp_pack * packed.mask, lp_pad * padded.mask, atol=2e-5, rtol=1e-5)
    assert packed.padding < padded.padding


def test_packed_loss_and_gradients_equal_padded(model):
    b = _batch(9, seed=3)
    cfg = LearnerConfig()
    grads = []
    for padded in (b.pad(), b.pack(64)):
        model.zero_grad()
        logp = _logp(model, padded)
        loss, _ = policy_loss(logp, padded.old_logprobs, padded.advantages, padded.mask, cfg, max_tokens=8)
        loss.backward()
        grads.append((float(loss.detach()), [p.grad.clone() for p in model.parameters()]))
    assert grads[0][0] == pytest.approx(grads[1][0], rel=1e-5, abs=1e-6)
    for g_pad, g_pack in zip(grads[0][1], grads[1][1], strict=True):
        torch.testing.assert_close(g_pack, g_pad, atol=1e-5, rtol=1e-4)


def test_a_packed_sequence_does_not_see_its_row_neighbour(model):
    """Changing one sequence leaves the log-probs of the sequence packed before it in the same row unchanged."""
    a = TrainItem([1, 2, 3], [4, 5])
    b1, b2 = TrainItem([6, 7], [8, 9]), TrainItem([30, 31], [8, 9])
    with torch.no_grad():
        p1, p2 = TrainBatch([a, b1]).pack(32), TrainBatch([a, b2]).pack(32)
        assert p1.input_ids.shape[0] == 1  # one row
        l1, l2 = _logp(model, p1), _logp(model, p2)
        alone = _logp(model, TrainBatch([b1]).pad())
    torch.testing.assert_close(l1[0], l2[0])  # a is unaffected by what follows it
    torch.testing.assert_close(l1[1, :2], alone[0, :2], atol=2e-5, rtol=1e-5)  # b1 sees only itself


def test_split_tokens_balances_and_keeps_order():
    b = _batch(20, seed=5)
    parts = b.split_tokens(3)
    assert [it for part in parts for it in part] == list(b)
    sizes = [sum(len(i.prompt_ids) + len(i.response_ids) for i in part) for part in parts]
    assert max(sizes) - min(sizes) <= 2 * max(len(i.prompt_ids) + len(i.response_ids) for i in b)
    assert [len(p) for p in TrainBatch().split_tokens(2)] == [0, 0]


def test_gradient_checkpointing_keeps_packed_gradients(model):
    """Recomputed activations (as learner.gradient_checkpointing does) give the same packed gradients."""
    b = _batch(7, seed=9)
    cfg = LearnerConfig()
    grads = []
    for ckpt in (False, True):
        model.train()
        if ckpt:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.zero_grad()
        packed = b.pack(48)
        loss, _ = policy_loss(_logp(model, packed), packed.old_logprobs, packed.advantages, packed.mask, cfg,
                              max_tokens=8)
        loss.backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    model.gradient_checkpointing_disable()
    model.eval()
    for a, c in zip(*grads, strict=True):
        torch.testing.assert_close(a, c, atol=1e-6, rtol=1e-5)


def _grouped(groups=4, g=3, seed=11):
    rnd = random.Random(seed)
    items = []
    for _ in range(groups):
        p = [rnd.randrange(1, 50) for _ in range(rnd.randrange(2, 14))]
        for _ in range(g):
            r = [rnd.randrange(1, 50) for _ in range(rnd.randrange(1, 9))]
            items.append(TrainItem(p, r, [-rnd.random() for _ in r], rnd.uniform(-1, 1)))
    rnd.shuffle(items)  # a rank's shard need not keep groups together
    return TrainBatch(items)


def test_shared_prompt_layout_by_hand():
    b = TrainBatch([TrainItem([10, 11], [20, 21]), TrainItem([12], [23]), TrainItem([10, 11], [22])])
    p = b.pack_shared(16)
    assert p.input_ids.tolist() == [[10, 11, 20, 21, 22, 12, 23]]  # the prompt [10, 11] once
    assert p.position_ids.tolist() == [[0, 1, 2, 3, 2, 0, 1]]
    assert p.logit_index.tolist() == [[1, 2], [5, 0], [1, 0]]  # both responses start from column 1
    m = p.attention_mask[0, 0].int().tolist()
    assert m[4] == [1, 1, 0, 0, 1, 0, 0]  # response [22] sees the prompt and itself, not [20, 21]
    assert m[3] == [1, 1, 1, 1, 0, 0, 0] and m[6] == [0, 0, 0, 0, 0, 1, 1]
    assert p.padding == 0


@pytest.mark.parametrize("width", [8, 64, 400])
def test_shared_prompts_give_the_padded_loss_and_gradients(model, width):
    b = _grouped()
    cfg = LearnerConfig()
    results = []
    for padded in (b.pad(), b.pack_shared(width)):
        model.zero_grad()
        logp = _logp(model, padded)
        loss, _ = policy_loss(logp, padded.old_logprobs, padded.advantages, padded.mask, cfg, max_tokens=8)
        loss.backward()
        results.append((logp.detach() * padded.mask, float(loss.detach()), [q.grad.clone() for q in model.parameters()]))
    (lp_a, loss_a, g_a), (lp_b, loss_b, g_b) = results
    torch.testing.assert_close(lp_b, lp_a, atol=2e-5, rtol=1e-5)
    assert loss_b == pytest.approx(loss_a, rel=1e-5, abs=1e-6)
    for x, y in zip(g_a, g_b, strict=True):
        torch.testing.assert_close(y, x, atol=1e-5, rtol=1e-4)
    shared = b.pack_shared(width)
    assert shared.input_ids.numel() - shared.padding < sum(len(i.prompt_ids) + len(i.response_ids) for i in b)
