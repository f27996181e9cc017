"""Request and response bodies of the reward service."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bootcamp.types import Problem, Verdict


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="Task id, e.g. `math/gcd`.", max_length=200)
    identity: dict[str, Any] = Field(description="The problem's identity, as generated.")
    response: str = Field(description="The model's whole response.")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[VerifyRequest]


class BatchResponse(BaseModel):
    verdicts: list[Verdict]


class ProblemsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(max_length=200)
    n: int = Field(default=1, ge=1)
    seed: int = Field(default=0, ge=0, le=2**62)
    with_answer: bool = False


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
