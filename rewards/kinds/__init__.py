"""Reward-kind implementations, one module per kind, and the registry the router looks them up in.

A new kind is one new module here (or in a plugin) plus a test::

    import bootcamp
    from rewards.kinds import KindContext, PartJob, RewardKind, register_kind

    bootcamp.register_reward_kind("length", "shorter answers score higher")

    @register_kind("length")
    class LengthKind(RewardKind):
        def score(self, jobs: list[PartJob], ctx: KindContext) -> list[bootcamp.Part]:
            return [job.scored(1.0 / (1 + len(str(job.item.response)) / 1000)) for job in jobs]
"""

from rewards.items import PartJob, ScoreItem

# Importing the built-in kinds' modules registers them.
from rewards.kinds import checker, judge, model, reference_model, rule, similarity, verifier  # noqa: F401
from rewards.kinds.base import (
    ENTRY_POINT_GROUP,
    KindContext,
    RewardKind,
    backend_name,
    get_kind,
    implemented_kinds,
    missing_kind_message,
    register_kind,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KindContext",
    "PartJob",
    "RewardKind",
    "ScoreItem",
    "backend_name",
    "get_kind",
    "implemented_kinds",
    "missing_kind_message",
    "register_kind",
]
