"""The ``judge`` kind: an LLM judge over an OpenAI-compatible API (concurrent requests)."""

from __future__ import annotations

from typing import Any

from rewards.items import PartJob
from rewards.kinds.backend import BackendKind, prompts, references, responses
from rewards.kinds.base import KindContext, register_kind


@register_kind("judge")
class JudgeKind(BackendKind):
    """Awaits ``backend.ascore_many(questions, responses, references)`` once per batch."""

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        refs = await references(jobs)
        questions = await prompts(jobs)
        return list(await backend.ascore_many(questions, responses(jobs), refs))
