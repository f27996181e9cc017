import math

import pytest
import torch

from learner.config import LearnerConfig
from learner.losses import (
    aggregate,
    entropy_from_logits,
    kl_cov_mask,
    kl_penalty,
    policy_loss,
    ppo_clip_terms,
    token_logprobs,
)


def test_token_logprobs_and_entropy_by_hand():
    logits = torch.tensor([[[0.0, math.log(3.0)]]])  # probs 1/4, 3/4
    lp = token_logprobs(logits, torch.tensor([[1]]))
    assert lp.item() == pytest.approx(math.log(0.75))
    ent = entropy_from_logits(logits)
    assert ent.item() == pytest.approx(-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    # temperature 2 halves the logits
    assert token_logprobs(logits, torch.tensor([[1]]), 2.0).item() == pytest.approx(
        math.log(math.sqrt(3) / (1 + math.sqrt(3))))


def test_ppo_clip_by_hand():
    old = torch.zeros(1, 3)
    logp = torch.log(torch.tensor([[1.5, 1.1, 0.5]]))  # ratios 1.5, 1.1, 0.5
    loss, clipped = ppo_clip_terms(logp, old, torch.tensor([1.0]), 0.2, 0.28)
    # A > 0: min(r, clip(r)) -> 1.28, 1.1, 0.5
    assert (-loss).tolist()[0] == pytest.approx([1.28, 1.1, 0.5], rel=1e-5)
    assert clipped.tolist()[0] == [1.0, 0.0, 0.0]
    loss, _ = ppo_clip_terms(logp, old, torch.tensor([-2.0]), 0.2, 0.28)
    # A < 0: min(-2r, -2clip(r)) -> -3.0, -2.2, -1.6 (ratio 0.5 clipped up to 0.8)
    assert (-loss).tolist()[0] == pytest.approx([-3.0, -2.2, -1.6], rel=1e-5)


def test_kl_estimators_by_hand():
    logp = torch.tensor([math.log(0.5)])
    ref = torch.tensor([math.log(0.25)])
    assert kl_penalty(logp, ref, "k1").item() == pytest.approx(math.log(2))
    # k3: r - log r - 1 with r = ref/pi = 0.5
    assert kl_penalty(logp, ref, "k3").item() == pytest.approx(0.5 - math.log(0.5) - 1)
    assert kl_penalty(ref, ref, "k3").item() == pytest.approx(0.0)
    with pytest.raises(ValueError):
        kl_penalty(logp, ref, "k9")


def test_aggregation_modes():
    per_tok = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
    mask = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    assert aggregate(per_tok, mask, "seq_mean_token_mean", 8).item() == pytest.approx(2.0 + 4.0)
    assert aggregate(per_tok, mask, "seq_mean_token_sum", 8).item() == pytest.approx(10.0 / 8)
    assert aggregate(per_tok, mask, "token_mean", 8).item() == pytest.approx(10.0)


def test_grpo_policy_loss_on_policy_equals_minus_mean_advantage():
    logp = torch.log(torch.tensor([[0.5, 0.25], [0.5, 0.5]]))
    mask = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    adv = torch.tensor([1.0, -3.0])
    loss, stats = policy_loss(logp, logp.clone(), adv, mask, LearnerConfig(advantage="grpo"))
    # ratio 1 everywhere: per-sequence mean of -A, summed over sequences
    assert loss.item() == pytest.approx(-1.0 + 3.0)
    assert stats["ratio_sum"] == pytest.approx(3.0)
    assert stats["clip_sum"] == 0.0


def test_oreal_loss_is_weighted_nll_without_clipping():
    logp = torch.log(torch.tensor([[0.5], [0.1]]))
    old = torch.zeros(2, 1)  # far off: a ratio would clip, OREAL ignores it
    loss, _ = policy_loss(logp, old, torch.tensor([1.0, -0.5]), torch.ones(2, 1), LearnerConfig(advantage="oreal"))
    assert loss.item() == pytest.approx(-math.log(0.5) + 0.5 * math.log(0.1))


def test_kl_term_is_added():
    logp = torch.log(torch.tensor([[0.5]]))
    ref = torch.log(torch.tensor([[0.25]]))
    base, _ = policy_loss(logp, logp.clone(), torch.tensor([0.0]), torch.ones(1, 1), LearnerConfig())
    with_kl, stats = policy_loss(logp, logp.clone(), torch.tensor([0.0]), torch.ones(1, 1),
                                 LearnerConfig(kl_coef=0.1, kl_estimator="k1"), ref_logp=ref)
    assert (with_kl - base).item() == pytest.approx(0.1 * math.log(2))
    assert stats["kl_sum"] == pytest.approx(math.log(2))


def test_dr_grpo_uses_constant_normaliser():
    logp = torch.zeros(1, 2)
    loss, _ = policy_loss(logp, logp.clone(), torch.tensor([2.0]), torch.tensor([[1.0, 0.0]]),
                          LearnerConfig(advantage="dr_grpo"), max_tokens=4)
    assert loss.item() == pytest.approx(-2.0 / 4)


def test_kl_cov_picks_top_covariance_tokens():
    logp = torch.tensor([[-0.1, -3.0], [-0.2, -2.0]])
    adv = torch.tensor([1.0, -1.0])
    sel = kl_cov_mask(logp, adv, torch.ones(2, 2), 0.25)  # 1 of 4 tokens
    # covariance (lp - mean)(a - mean): mean lp = -1.325; the top is token (0, 0): 1.225 * 1
    assert sel.tolist() == [[1.0, 0.0], [0.0, 0.0]]
    cfg = LearnerConfig(entropy={"method": "kl_cov", "coef": 1.0, "kl_cov_ratio": 0.25})
    loss, stats = policy_loss(logp, logp - 0.5, adv, torch.ones(2, 2), cfg)
    assert stats["kl_cov_tokens"] == 1.0


def test_entropy_bonus_lowers_loss():
    logp = torch.zeros(1, 1)
    base, _ = policy_loss(logp, logp, torch.tensor([0.0]), torch.ones(1, 1), LearnerConfig())
    bonus, _ = policy_loss(logp, logp, torch.tensor([0.0]), torch.ones(1, 1),
                           LearnerConfig(entropy={"method": "bonus", "coef": 0.1}), entropy=torch.tensor([[2.0]]))
    assert (bonus - base).item() == pytest.approx(-0.2)
