"""A batch's group advantages and online group filtering: pure torch functions.

``rewards`` is ``[num_groups, G]``: the G sampled responses of one prompt form a
group. The estimators themselves live in :mod:`learner.algorithms.advantages`.
"""

from __future__ import annotations

import torch

from learner.algorithms.advantages import get_advantage


def compute_advantages(rewards: torch.Tensor, advantage: str, correct: torch.Tensor | None = None) -> torch.Tensor:
    """Advantages ``[groups, G]`` of ``rewards`` under the estimator registered as ``advantage``.

    ``correct`` (``[groups, G]`` bool) defaults to ``rewards >= 1``.
    """
    return get_advantage(advantage).compute(rewards, correct if correct is not None else rewards >= 1.0)


def scale_negatives(adv: torch.Tensor, weight: float) -> torch.Tensor:
    """Negative advantages times ``weight`` (1: unchanged; 0: only better-than-group samples are
    reinforced, i.e. filtered behaviour cloning; in between: a softer push-down of the worse ones)."""
    return torch.where(adv < 0, adv * weight, adv)


def informative_groups(rewards: torch.Tensor, atol: float = 1e-6) -> torch.Tensor:
    """``[groups]`` bool: groups whose rewards are not all equal (all-equal groups carry no signal)."""
    return (rewards.max(dim=1).values - rewards.min(dim=1).values) > atol
