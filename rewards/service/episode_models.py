"""The episode API's request and response bodies and its metrics (see :mod:`rewards.service.episodes`)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from pydantic import BaseModel, ConfigDict, Field

from rewards.service.metrics import LATENCY_BUCKETS

#: Most tools a task episode may ask for.
MAX_TOOLS = 16


# -- request and response bodies ------------------------------------------------------------------
class CreateEpisodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    env: str = Field(description="An environment id (`GET /v1/environments`) or a task id.", min_length=1,
                     max_length=200)
    seed: int = Field(default=0, ge=0, le=2**62, strict=True, description="Episode seed (deterministic).")
    tools: list[str] | None = Field(default=None, max_length=MAX_TOOLS, description=(
        "Only for a plain task id: the tools the policy may call before it answers (tool-augmented mode)."))


class CreateEpisodeResponse(BaseModel):
    id: str
    env: str
    seed: int
    observation: str
    turn: int
    max_turns: int
    tools: list[dict[str, Any]] = Field(description="OpenAI tool declarations of the tools offered.")
    done: bool


class StepRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="The policy's whole message (tool calls, or the final answer).")


class ToolResultInfo(BaseModel):
    name: str
    error: str | None
    seconds: float


class StepResponse(BaseModel):
    observation: str | None = Field(description="The tool results; null once the episode is done.")
    done: bool
    turn: int
    verdict: dict[str, Any] | None = Field(description="The verdict (JSON) once done, else null.")
    tool_results: list[ToolResultInfo]


class EpisodeResponse(BaseModel):
    id: str
    env: str
    seed: int
    turn: int
    max_turns: int
    done: bool
    verdict: dict[str, Any] | None
    history: list[dict[str, Any]]


# -- metrics ----------------------------------------------------------------------------------------
class EpisodeMetrics:
    """The episode API's counters, registered in the app's own metrics registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.created = Counter("bootcamp_episodes_created", "Episodes started, by environment.", ["env"],
                               registry=r)
        self.steps = Counter("bootcamp_episode_steps", "Episode steps taken, by environment.", ["env"], registry=r)
        self.finished = Counter("bootcamp_episodes_finished", "Episodes that ended, by environment and verdict "
                                "reason.", ["env", "reason"], registry=r)
        self.conflicts = Counter("bootcamp_episode_conflicts", "Steps refused (409) because another step of the "
                                 "episode ran.", registry=r)
        self.step_latency = Histogram("bootcamp_episode_step_latency_seconds", "Seconds one step took (tool "
                                      "calls and grading).", buckets=LATENCY_BUCKETS, registry=r)
