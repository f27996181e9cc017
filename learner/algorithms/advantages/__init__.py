"""Advantage estimators, one module per estimator, and the registry ``learner.advantage`` is looked up in.

An estimator turns a batch's rewards, ``[groups, G]`` (the G responses to one
prompt form a group), into one advantage per response, and states how the
policy loss uses it: its per-token surrogate and its default loss aggregation.
A new estimator is one new module here plus a test::

    from learner.algorithms.advantages import register_advantage
    from learner.losses import ppo_clip_terms

    @register_advantage("max_baseline", surrogate=ppo_clip_terms)
    def max_baseline(rewards, correct):
        return rewards - rewards.max(dim=1, keepdim=True).values

Estimators also come from the ``bootcamp.advantages`` entry-point group (a plugin's
module is then imported in every process, the learner actors included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bootcamp.extension import ExtensionRegistry

if TYPE_CHECKING:
    import torch

ENTRY_POINT_GROUP = "bootcamp.advantages"

#: ``(rewards [groups, G], correct [groups, G] bool) -> advantages [groups, G]``
AdvantageFn = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]
#: ``(logp, old_logp [B, T], adv [B], clip_low, clip_high) -> (per-token loss [B, T], clipped 0/1 [B, T])``
Surrogate = Callable[["torch.Tensor", "torch.Tensor", "torch.Tensor", float, float],
                     tuple["torch.Tensor", "torch.Tensor"]]


@dataclass(frozen=True)
class AdvantageEstimator:
    """A registered estimator.

    Attributes:
        name: the ``learner.advantage`` value that selects it.
        compute: the advantages of a batch of groups (see :data:`AdvantageFn`).
        surrogate: the per-token policy loss the advantages enter (see :data:`Surrogate`).
        loss_agg: the ``learner.loss_agg`` used when the config leaves it null.
        min_group_size: the smallest ``rollout.samples_per_prompt`` it works with.
    """

    name: str
    compute: AdvantageFn
    surrogate: Surrogate
    loss_agg: str = "seq_mean_token_mean"
    min_group_size: int = 2


ADVANTAGES: ExtensionRegistry[AdvantageEstimator] = ExtensionRegistry("advantage estimator", "learner.advantage",
                                                    package=__name__, entry_points=ENTRY_POINT_GROUP)


def register_advantage(name: str, *, surrogate: Surrogate, loss_agg: str = "seq_mean_token_mean",
                       min_group_size: int = 2) -> Callable[[AdvantageFn], AdvantageFn]:
    """Decorator: register an advantage function as estimator ``name``; returns the function unchanged."""

    def decorate(fn: AdvantageFn) -> AdvantageFn:
        ADVANTAGES.add(name, AdvantageEstimator(name, fn, surrogate, loss_agg, min_group_size))
        return fn

    return decorate


def get_advantage(name: str) -> AdvantageEstimator:
    """The estimator registered as ``name``; an unknown name is a ``ValueError`` listing the valid ones."""
    return ADVANTAGES.get(name)
