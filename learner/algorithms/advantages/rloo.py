"""``rloo``: REINFORCE leave-one-out, each sample's baseline is the mean of the other G-1."""

from __future__ import annotations

import torch

from learner.algorithms.advantages import register_advantage
from learner.losses import ppo_clip_terms


@register_advantage("rloo", surrogate=ppo_clip_terms, loss_agg="seq_mean_token_mean")
def rloo_advantages(rewards: torch.Tensor, correct: torch.Tensor | None = None) -> torch.Tensor:
    """``r_i - mean(r_j, j != i)`` within each group; ``correct`` is unused."""
    g = rewards.shape[1]
    if g < 2:
        return torch.zeros_like(rewards)
    others = (rewards.sum(dim=1, keepdim=True) - rewards) / (g - 1)
    return rewards - others
