"""``token_mean``: every response token of the mini-batch weighs the same (DAPO's token-level loss)."""

from __future__ import annotations

import torch

from learner.algorithms.loss_agg import register_loss_agg


@register_loss_agg("token_mean", unit="token")
def token_mean(per_token: torch.Tensor, mask: torch.Tensor, max_tokens: int) -> torch.Tensor:
    """Sum over real tokens; the driver divides by the mini-batch's token count."""
    return (per_token * mask).sum()
