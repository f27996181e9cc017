"""``seq_mean_token_mean``: each sequence's token mean, averaged over sequences (GRPO's loss)."""

from __future__ import annotations

import torch

from learner.algorithms.loss_agg import register_loss_agg


@register_loss_agg("seq_mean_token_mean", unit="sequence")
def seq_mean_token_mean(per_token: torch.Tensor, mask: torch.Tensor, max_tokens: int) -> torch.Tensor:
    """Sum over sequences of the per-sequence token mean; the driver divides by the sequence count."""
    return ((per_token * mask).sum(-1) / mask.sum(-1).clamp(min=1)).sum()
