"""``grpo``: group-normalised advantages with the PPO-clipped ratio (DeepSeekMath's GRPO)."""

from __future__ import annotations

import torch

from learner.algorithms.advantages import register_advantage
from learner.losses import ppo_clip_terms


@register_advantage("grpo", surrogate=ppo_clip_terms, loss_agg="seq_mean_token_mean")
def grpo_advantages(rewards: torch.Tensor, correct: torch.Tensor | None = None, eps: float = 1e-6) -> torch.Tensor:
    """``(r - mean(group)) / (std(group) + eps)``, std unbiased like the paper's code; ``correct`` is unused."""
    mean = rewards.mean(dim=1, keepdim=True)
    std = rewards.std(dim=1, keepdim=True, unbiased=True) if rewards.shape[1] > 1 else torch.zeros_like(mean)
    return (rewards - mean) / (std + eps)
