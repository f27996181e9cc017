"""The router's per-item record: one response being scored, and the parts scored so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bootcamp.rewardspec import RewardPart, RewardSpec
from bootcamp.task import Task
from bootcamp.types import Part, Verdict

#: Reasons with which a ``cascade`` part hands over to the next part.
UNDECIDED = ("no_answer", "invalid_answer")
#: Reasons that say the verifier failed, not the answer (never cached).
FAILURES = ("timeout", "verifier_error")
#: Scores within EPS of 1.0 count as right.
EPS = 1e-9

Item = tuple[str, dict[str, Any], str]  # (task id, identity, response)


def as_item(item: Any) -> Item:
    """Normalise ``(task, identity, response)`` or ``{"task", "identity", "response"}`` to a tuple."""
    if isinstance(item, Mapping):
        return item["task"], item.get("identity") or {}, item.get("response", "")
    task_id, identity, response = item
    return task_id, identity, response


@dataclass(eq=False)
class ScoreItem:
    """One response in a batch and what the router knows about it so far.

    Attributes:
        index: position in the batch (verdicts come back in this order).
        task_id: the task's registered id.
        identity: the problem's identity (plain JSON).
        response: the model's response (hostile: may be anything).
        task: the task, looked up in the router's registry.
        spec: the task's reward spec.
        parts: scored parts by their index in ``spec.parts``.
        verdict: the task's own verifier verdict, once a kind that runs it (``rule``,
            ``checker``) has; later phases reuse it.
        verdict_parts: indices of the parts that are ``verdict`` (their answer, detail and
            reason carry over into the combined verdict).
        errors: why a part failed, by part index (the verdict's detail when nothing else says).
    """

    index: int
    task_id: str
    identity: dict[str, Any]
    response: Any
    task: Task
    spec: RewardSpec
    parts: dict[int, Part] = field(default_factory=dict)
    verdict: Verdict | None = None
    verdict_parts: set[int] = field(default_factory=set)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def triple(self) -> Item:
        """``(task_id, identity, response)``, what the sandbox pool takes."""
        return self.task_id, self.identity, self.response


@dataclass(frozen=True, eq=False)
class PartJob:
    """One part of one item to score now."""

    item: ScoreItem
    index: int

    @property
    def part(self) -> RewardPart:
        """The spec's part being scored."""
        return self.item.spec.parts[self.index]

    def result(self, score: float, reason: str, latency_ms: float = 0.0, kind: str | None = None) -> Part:
        """The :class:`bootcamp.Part` for this job (name, kind and weight from the spec)."""
        part = self.part
        return Part(name=part.name, kind=kind or part.kind, score=score, weight=part.weight, reason=reason,
                    latency_ms=latency_ms)

    def scored(self, score: Any, latency_ms: float = 0.0) -> Part:
        """The part for a model-style score: clipped to [0, 1]; ``ok`` at 1.0, else ``wrong``."""
        s = clip(score)
        return self.result(s, "ok" if s >= 1.0 - EPS else "wrong", latency_ms)

    def failed(self, reason: str, latency_ms: float = 0.0) -> Part:
        """A zero-score part with ``reason`` (``timeout``, ``verifier_error``)."""
        return self.result(0.0, reason, latency_ms)


def clip(x: Any) -> float:
    """``x`` as a float in [0, 1]; anything that is not a number (or NaN) is 0."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return 0.0
    if x != x:
        return 0.0
    return min(1.0, max(0.0, x))
