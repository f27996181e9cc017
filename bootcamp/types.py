"""The objects that travel everywhere: problems, verdicts and their parts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Reasons a verdict may carry. Anything not ``ok`` explains a score below 1.0.
REASONS = (
    "ok",  # the answer is right
    "wrong",  # an answer was found and checked, and it is wrong (or partly right)
    "no_answer",  # no final answer could be extracted
    "format",  # the response breaks the answer format (e.g. several conflicting answers)
    "invalid_answer",  # the answer does not parse (bad SMILES, bad formula, bad expression)
    "timeout",  # the verifier ran past its hard time limit
    "verifier_error",  # the verifier crashed; a bug on our side, counted in metrics
    "too_long",  # the response is over the length cap
    "budget",  # a multi-turn episode ran out of turns before a final answer
)


class Problem(BaseModel):
    """One generated problem: everything needed to prompt a policy and score it later."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="Task id, `domain/name`.")
    version: int = Field(default=1, description="Task version that generated it.")
    seed: int = Field(description="Seed the identity was generated from.")
    prompt: str = Field(description="What the policy sees.")
    identity: dict[str, Any] = Field(description="Plain JSON; all the verifier needs.")
    answer: str | None = Field(default=None, description="Reference answer, when asked for.")
    level: int | None = Field(default=None, description="Difficulty level (None for a task without levels).")


class Part(BaseModel):
    """One verifier's contribution to a verdict."""

    name: str
    kind: str = "rule"
    score: float = 0.0
    weight: float = 1.0
    reason: str = "ok"
    latency_ms: float = 0.0


class Verdict(BaseModel):
    """The score of one response, with why."""

    score: float = Field(ge=0.0, le=1.0)
    correct: bool
    reason: str = "ok"
    answer: str | None = Field(default=None, description="The extracted final answer.")
    detail: str | None = Field(default=None, description="Human-readable detail, e.g. an error message.")
    parts: list[Part] = Field(default_factory=list)
    decided_by: str | None = Field(default=None, description=(
        "The kind of the part whose score became the verdict (e.g. 'rule', 'verifier'); "
        "'mixture' for a weighted mean of several parts; 'rule' from a task's own verify when it checked an "
        "answer; None when nothing decided (no answer found, a failed verifier)."))
    disagreement: bool | None = Field(default=None, description=(
        "second_opinion: whether the two parts disagreed on correctness (None when one could not decide)."))

    @field_validator("reason")
    @classmethod
    def _known_reason(cls, value: str) -> str:
        if value not in REASONS:
            raise ValueError(f"reason must be one of {REASONS}, got {value!r}")
        return value

    @classmethod
    def failed(cls, reason: str, detail: str | None = None, answer: str | None = None) -> Verdict:
        """A zero-score verdict with the given reason."""
        return cls(score=0.0, correct=False, reason=reason, detail=detail, answer=answer)


class Score(float):
    """A float score that can carry a reason, e.g. ``Score(0.0, "invalid_answer")``.

    ``check`` returns a plain float in the common case; returning a ``Score`` lets it
    say why an answer got zero without raising.
    """

    reason: str

    def __new__(cls, value: float, reason: str = "wrong", detail: str | None = None) -> Score:
        obj = super().__new__(cls, value)
        obj.reason = reason
        obj.detail = detail
        return obj


def invalid(detail: str | None = None) -> Score:
    """The score of an answer that does not parse."""
    return Score(0.0, "invalid_answer", detail)
