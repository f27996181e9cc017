"""The ``similarity`` kind: embedding similarity of the answer to the reference."""

from __future__ import annotations

import asyncio
from typing import Any

from rewards.items import PartJob
from rewards.kinds.backend import BackendKind, answer_or_response, references
from rewards.kinds.base import KindContext, register_kind


@register_kind("similarity")
class SimilarityKind(BackendKind):
    """Calls ``backend.score(answers, references)`` once per batch (on a worker thread).

    The answer is what the task's verifier extracted when a rule part already ran,
    else the task's own extraction, else the response's tail.
    """

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        refs = await references(jobs)
        answers = [answer_or_response(job.item) for job in jobs]
        return list(await asyncio.to_thread(backend.score, answers, refs))
