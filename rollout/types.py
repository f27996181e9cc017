"""What a rollout produces: one trajectory per sampled response."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Sample:
    """One generated response as an engine returns it."""

    token_ids: list[int]
    logprobs: list[float]  # log-prob of each sampled token under the sampling distribution
    finish_reason: str = "length"


@dataclass
class Trajectory:
    """A response to a problem with everything the learner needs, stamped with the policy version."""

    task: str
    seed: int
    identity: dict[str, Any]
    group: int  # responses to the same prompt share a group
    prompt_ids: list[int]
    response_ids: list[int]
    logprobs: list[float]
    text: str
    finish_reason: str
    policy_version: int
    reward: float = 0.0
    correct: bool = False
    reason: str = ""
    advantage: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    #: Multi-turn episodes: 1 on the tokens the policy wrote, 0 on observation tokens (tool results) that
    #: ``response_ids`` interleaves with them (their ``logprobs`` are 0); empty: every token is the policy's.
    loss_mask: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
