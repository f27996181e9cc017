"""Request and response bodies of the reward service."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bootcamp.types import Problem, Verdict

#: Longest task id a request may name.
MAX_TASK_CHARS = 200


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="Task id, e.g. `math/gcd`.", max_length=MAX_TASK_CHARS)
    identity: dict[str, Any] = Field(description="The problem's identity, as generated.")
    response: str = Field(description="The model's whole response.")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[VerifyRequest]


class BatchResponse(BaseModel):
    verdicts: list[Verdict]


_VERDICTS = TypeAdapter(list[Verdict])
_ITEM_KEYS = frozenset(("task", "identity", "response"))


def plain_batch(obj: Any) -> list[tuple[str, dict[str, Any], str]] | None:
    """The ``(task, identity, response)`` items of a parsed :class:`BatchRequest` body, or None.

    None unless every item is exactly what :class:`VerifyRequest` accepts without coercion (the
    three keys, a string task id within its cap, an object identity, a string response); the
    caller then validates the body with the model, which says what is wrong. Checking by hand
    costs a fraction of building a model per item, and nothing here copies the items.
    """
    if type(obj) is not dict or len(obj) != 1 or type(items := obj.get("items")) is not list:
        return None
    out = []
    for it in items:
        if type(it) is not dict or it.keys() != _ITEM_KEYS:
            return None
        task, identity, response = it["task"], it["identity"], it["response"]
        if type(task) is not str or len(task) > MAX_TASK_CHARS or type(identity) is not dict \
                or type(response) is not str:
            return None
        out.append((task, identity, response))
    return out


def batch_json(verdicts: list[Verdict]) -> bytes:
    """The :class:`BatchResponse` body for ``verdicts``, serialised in one pass (no re-validation)."""
    return b'{"verdicts":' + _VERDICTS.dump_json(verdicts) + b"}"


class ProblemsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(max_length=200)
    n: int = Field(default=1, ge=1)
    seed: int = Field(default=0, ge=0, le=2**62)
    with_answer: bool = False
    level: int | None = Field(default=None, ge=1, le=1000, description="Difficulty level (default: the task's default).")


class ProblemsResponse(BaseModel):
    problems: list[Problem]


class RewardRequest(BaseModel):
    """OpenRLHF's remote reward-model request (``--remote_rm_url``)."""

    query: list[str] = Field(default_factory=list, description="Prompt + response texts.")
    prompts: list[str] | None = Field(default=None, description="The prompts (stripped from each query).")
    labels: list[str] | None = Field(default=None, description="`bootcamp.export.make_label` strings.")


class RewardResponse(BaseModel):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]]
