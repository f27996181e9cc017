"""``oreal``: OREAL-style weights (behaviour cloning on correct samples, a push-down on incorrect ones).

The loss is the weighted negative log-likelihood ``-w * logp``: no ratio to the
sampling policy and no clipping.
"""

from __future__ import annotations

import torch

from learner.algorithms.advantages import register_advantage
from learner.algorithms.advantages.grpo import grpo_advantages


def oreal_terms(logp: torch.Tensor, old_logp: torch.Tensor, adv: torch.Tensor, clip_low: float,
                clip_high: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token ``-w * logp`` ``[B, T]`` and an all-zero clipped indicator (``old_logp`` and the clip
    range are unused: OREAL has no ratio)."""
    return -adv.unsqueeze(-1) * logp, torch.zeros_like(logp)


@register_advantage("oreal", surrogate=oreal_terms, loss_agg="seq_mean_token_mean")
def oreal_advantages(rewards: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
    """+1 on correct samples (behaviour cloning), and on incorrect ones the negative group-normalised
    advantage, rescaled so the negatives' total weight matches the positives' (OREAL's reward shaping
    for the imbalance between few positives and many negatives).
    """
    adv = grpo_advantages(rewards)
    correct = correct.bool()
    out = torch.where(correct, torch.ones_like(adv), adv.clamp(max=0.0))
    n_pos = correct.sum(dim=1, keepdim=True).float()
    neg_total = (-out * (~correct)).sum(dim=1, keepdim=True)
    scale = torch.where(neg_total > 0, n_pos.clamp(min=1.0) / neg_total.clamp(min=1e-6), torch.ones_like(neg_total))
    return torch.where(correct, out, out * scale)
