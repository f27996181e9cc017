"""``dr_grpo``: Dr.GRPO ("Understanding R1-Zero-Like Training"), GRPO without its two biases.

No division by the group's std (which up-weights groups that are nearly all right
or all wrong) and, by default, a loss normalised by a constant instead of each
response's length (``seq_mean_token_sum``).
"""

from __future__ import annotations

import torch

from learner.algorithms.advantages import register_advantage
from learner.losses import ppo_clip_terms


@register_advantage("dr_grpo", surrogate=ppo_clip_terms, loss_agg="seq_mean_token_sum")
def dr_grpo_advantages(rewards: torch.Tensor, correct: torch.Tensor | None = None) -> torch.Tensor:
    """``r - mean(group)``; ``correct`` is unused."""
    return rewards - rewards.mean(dim=1, keepdim=True)
