"""``seq_mean_token_sum``: each sequence's token sum over a constant, averaged over sequences (Dr.GRPO).

The constant is ``rollout.max_tokens``, not the sequence's length, so a long
response does not dilute its per-token gradient (Dr.GRPO's length-bias fix).
"""

from __future__ import annotations

import torch

from learner.algorithms.loss_agg import register_loss_agg


@register_loss_agg("seq_mean_token_sum", unit="sequence")
def seq_mean_token_sum(per_token: torch.Tensor, mask: torch.Tensor, max_tokens: int) -> torch.Tensor:
    """Sum over all real tokens divided by ``max_tokens``; the driver divides by the sequence count."""
    return (per_token * mask).sum() / max_tokens
