"""The ``model`` kind: a reward model scoring (prompt, response) pairs, e.g. a sequence classifier."""

from __future__ import annotations

import asyncio
from typing import Any

from rewards.items import PartJob
from rewards.kinds.backend import BackendKind, prompts, responses
from rewards.kinds.base import KindContext, register_kind


@register_kind("model")
class ModelKind(BackendKind):
    """Calls ``backend.score(prompts, responses)`` once per batch (on a worker thread)."""

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        questions = await prompts(jobs)
        return list(await asyncio.to_thread(backend.score, questions, responses(jobs)))
