"""Group advantages (GRPO, Dr.GRPO, RLOO, OREAL) and online group filtering: pure torch functions.

``rewards`` is ``[num_groups, G]``: the G sampled responses of one prompt form a group.
"""

from __future__ import annotations

import torch


def grpo_advantages(rewards: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """GRPO: ``(r - mean(group)) / (std(group) + eps)``, std unbiased like the paper's code."""
    mean = rewards.mean(dim=1, keepdim=True)
    std = rewards.std(dim=1, keepdim=True, unbiased=True) if rewards.shape[1] > 1 else torch.zeros_like(mean)
    return (rewards - mean) / (std + eps)


def dr_grpo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """Dr.GRPO: ``r - mean(group)`` (no std division, which biases towards easy/hard groups)."""
    return rewards - rewards.mean(dim=1, keepdim=True)


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """RLOO: each sample's baseline is the mean reward of the other G-1 samples."""
    g = rewards.shape[1]
    if g < 2:
        return torch.zeros_like(rewards)
    others = (rewards.sum(dim=1, keepdim=True) - rewards) / (g - 1)
    return rewards - others


def oreal_advantages(rewards: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
    """OREAL-style weights: +1 on correct samples (behaviour cloning), and on incorrect ones the
    negative group-normalised advantage, rescaled so the negatives' total weight matches the
    positives' (OREAL's reward shaping for the imbalance between few positives and many negatives).
    """
    adv = grpo_advantages(rewards)
    correct = correct.bool()
    out = torch.where(correct, torch.ones_like(adv), adv.clamp(max=0.0))
    n_pos = correct.sum(dim=1, keepdim=True).float()
    neg_total = (-out * (~correct)).sum(dim=1, keepdim=True)
    scale = torch.where(neg_total > 0, n_pos.clamp(min=1.0) / neg_total.clamp(min=1e-6), torch.ones_like(neg_total))
    return torch.where(correct, out, out * scale)


def compute_advantages(rewards: torch.Tensor, algorithm: str, correct: torch.Tensor | None = None) -> torch.Tensor:
    """Advantages of ``rewards`` ``[groups, G]`` for ``algorithm`` (grpo, dr_grpo, rloo, oreal)."""
    if algorithm == "grpo":
        return grpo_advantages(rewards)
    if algorithm == "dr_grpo":
        return dr_grpo_advantages(rewards)
    if algorithm == "rloo":
        return rloo_advantages(rewards)
    if algorithm == "oreal":
        return oreal_advantages(rewards, correct if correct is not None else rewards >= 1.0)
    raise ValueError(f"learner.algorithm: unknown algorithm {algorithm!r}")


def scale_negatives(adv: torch.Tensor, weight: float) -> torch.Tensor:
    """Negative advantages times ``weight`` (1: unchanged; 0: only better-than-group samples are
    reinforced, i.e. filtered behaviour cloning; in between: a softer push-down of the worse ones)."""
    return torch.where(adv < 0, adv * weight, adv)


def informative_groups(rewards: torch.Tensor, atol: float = 1e-6) -> torch.Tensor:
    """``[groups]`` bool: groups whose rewards are not all equal (all-equal groups carry no signal)."""
    return (rewards.max(dim=1).values - rewards.min(dim=1).values) > atol
