"""The ``verifier`` kind: a generative verifier model (A correct / B incorrect / C invalid).

Use it where rules cannot decide: in a ``cascade`` after the task's rule (the model sees
only the answers the rule left ``no_answer``/``invalid_answer``), or as a
``second_opinion`` beside it (both run; disagreements are counted). The backend is a
:class:`rewards.models.verifier.GenerativeVerifier` (or anything with the same
``averify_many``); the model sees the task's prompt, its reference answer
(``identity["reference"]`` or the task's solver) and the response's tail.
"""

from __future__ import annotations

from typing import Any

from rewards.items import PartJob
from rewards.kinds.backend import BackendKind, prompts, references, responses
from rewards.kinds.base import KindContext, register_kind


@register_kind("verifier")
class VerifierKind(BackendKind):
    """Awaits ``backend.averify_many(questions, references, responses)`` once per batch.

    A reply ``A`` scores 1 (``ok``), ``B`` 0 (``wrong``), ``C`` 0 (``invalid_answer``), a score
    form its score; a failed request or a reply with no verdict fails that part
    (``verifier_error``), never the batch.
    """

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        refs = await references(jobs)
        questions = await prompts(jobs)
        replies = await backend.averify_many(questions, refs, responses(jobs))
        return [None if r is None else (r.score, r.reason) for r in replies]
