"""The ``rule`` kind: the task's own verifier (``Task.verify``), through the sandbox pool."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable
from typing import Any

from bootcamp.rewardspec import RewardPart
from bootcamp.types import Verdict
from rewards.items import PartJob, ScoreItem
from rewards.kinds.base import KindContext, RewardKind, register_kind

#: The group key of every kind that runs the task's verifier, so an item's verifier runs
#: once per phase however many such parts its spec lists.
TASK_VERIFIER = ("task-verifier",)


@register_kind("rule")
class RuleKind(RewardKind):
    """Runs each item's task verifier once (in the sandbox pool when the router has one).

    The part is the task's verdict: its score and reason become the part's, and its
    answer and detail carry over into the combined verdict. An item whose verifier
    already ran (an earlier phase) reuses that verdict.
    """

    def group_key(self, part: RewardPart) -> Hashable:
        return TASK_VERIFIER

    async def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        todo: list[ScoreItem] = []
        seen: set[int] = set()
        for job in jobs:
            if job.item.verdict is None and id(job.item) not in seen:
                seen.add(id(job.item))
                todo.append(job.item)
        if todo:
            if ctx.pool is not None:
                verdicts = await ctx.pool.averify_many([it.triple for it in todo], registry=ctx.registry)
            else:
                verdicts = await asyncio.to_thread(lambda: [_timed_verify(it) for it in todo])
            for it, v in zip(todo, verdicts, strict=True):
                it.verdict = v
        out = []
        for job in jobs:
            v = job.item.verdict
            assert v is not None
            job.item.verdict_parts.add(job.index)
            latency = v.parts[0].latency_ms if v.parts else 0.0
            out.append(job.result(v.score, v.reason, latency))
        return out


def _timed_verify(item: ScoreItem) -> Verdict:
    start = time.perf_counter()
    v = item.task.verify(item.response, item.identity)
    if v.parts:
        v.parts = [p.model_copy(update={"latency_ms": (time.perf_counter() - start) * 1000}) for p in v.parts]
    return v
