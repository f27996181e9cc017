"""The episode API: multi-turn environments with tools, played over HTTP.

``POST /v1/episodes`` starts an episode of an environment (``bootcamp.env``) or of any task (as a
:class:`~bootcamp.env.task_env.TaskEnvironment`, optionally with tools); ``POST /v1/episodes/{id}/step``
sends the policy's next message; ``GET`` reads an episode back; ``DELETE`` drops it.

An episode is stored as the environment's JSON state plus its id, environment id, seed and a version
number: in Redis (a hash under ``bootcamp:episode:``, TTL ``episode_ttl_s``, refreshed by every step)
when ``redis_url`` is set, so every replica sees every episode; else in a bounded in-memory LRU.

A step takes a short lease on the episode first (Redis ``SET NX PX``; in memory, under a lock): a
second step on the same episode while one runs is answered 409 at once. The new state is written
back with a compare-and-set on the version (a Lua script), so even a step whose lease ran out cannot
overwrite a newer state. Tool calls run in the sandbox executor (``episode_tools_sandbox``), on this
module's own threads so they never starve the verifier pool. The episode's identity (which holds the
answer) never leaves the service: responses carry observations, history and verdicts only.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from pydantic import BaseModel, ConfigDict, Field

from bootcamp.env.environment import Environment
from rewards.service.cache import RedisLink
from rewards.service.episode_store import (
    EpisodeBusy,
    EpisodeMissing,
    MemoryEpisodes,
    RedisEpisodes,
    StoreUnavailable,
)
from rewards.service.metrics import LATENCY_BUCKETS
from rewards.service.settings import Settings

#: Threads that run steps (tool calls, grading); separate from the verifier pool's executor.
STEP_THREADS = 8
#: Most tools a task episode may ask for.
MAX_TOOLS = 16
#: Longest episode id accepted in a path (ids are 24 characters).
MAX_ID_CHARS = 64


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


# -- the routes -------------------------------------------------------------------------------------
class Episodes:
    """The store, the executor and the environment lookup behind the routes (one per app)."""

    def __init__(self, settings: Settings, registry: Any, metrics_registry: CollectorRegistry) -> None:
        self.settings = settings
        self.registry = registry
        if settings.redis_url:
            link = RedisLink(settings.redis_url, settings.redis_timeout_s, settings.redis_retry_s)
            self.store: MemoryEpisodes | RedisEpisodes = RedisEpisodes(link, settings.episode_ttl_s)
        else:
            self.store = MemoryEpisodes(settings.max_episodes, settings.episode_ttl_s)
        self.metrics = EpisodeMetrics(metrics_registry)
        self.threads = ThreadPoolExecutor(STEP_THREADS, thread_name_prefix="bootcamp-episode")
        self._task_envs: OrderedDict[tuple[str, tuple[str, ...]], Environment] = OrderedDict()
        self._lock = threading.Lock()
        self._executor: Any = None

    def executor(self) -> Any:
        """Where tool calls run: the sandbox, or this process for trusted deployments."""
        if self._executor is None:
            if self.settings.episode_tools_sandbox:
                from bootcamp.env.sandbox_exec import SandboxExecutor

                self._executor = SandboxExecutor()
            else:
                from bootcamp.env.executor import InProcessExecutor

                self._executor = InProcessExecutor()
        return self._executor

    async def in_thread(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.threads, fn, *args)

    def resolve(self, env_id: str, tools: list[str] | None) -> Environment:
        """The environment an episode plays (blocking on first use: registries load).

        Raises:
            HTTPException: 404 for an unknown id (with close ids), 422 for tools on an environment
                or unknown tool names.
        """
        from bootcamp.env.registry import ENVIRONMENTS
        from bootcamp.env.task_env import TaskEnvironment
        from bootcamp.env.tools import TOOLS

        if env_id in ENVIRONMENTS:
            if tools is not None:
                raise HTTPException(422, f"tools: {env_id!r} is an environment with its own tools "
                                         f"({', '.join(ENVIRONMENTS.get(env_id).tools) or 'none'}); "
                                         "tools are only for a plain task id")
            return ENVIRONMENTS.get(env_id)
        if env_id not in self.registry:
            raise _Unknown(env_id, _close(env_id, [*ENVIRONMENTS.names(), *self.registry.ids()]))
        names = tuple(dict.fromkeys(tools or ()))
        unknown = [n for n in names if n not in TOOLS]
        if unknown:
            raise HTTPException(422, f"tools: unknown {', '.join(repr(_clip(n)) for n in unknown)}; "
                                     f"valid: {', '.join(TOOLS.names())}")
        key = (env_id, names)
        with self._lock:
            env = self._task_envs.get(key)
            if env is None:
                env = TaskEnvironment(env_id, tools=names, registry=self.registry)
                self._task_envs[key] = env
                while len(self._task_envs) > 1024:
                    self._task_envs.popitem(last=False)
            return env

    async def close(self) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
        await self.store.close()


class _Unknown(HTTPException):
    """404 for an unknown environment id, with the close ids."""

    def __init__(self, env_id: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(404, f"unknown environment or task {_clip(env_id)!r}{hint} "
                              "(GET /v1/environments and GET /v1/tasks list them)")
        self.suggestions = suggestions


def _close(name: str, known: list[str]) -> list[str]:
    return difflib.get_close_matches(name, known, n=5, cutoff=0.5)


def _clip(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


def _safe(text: str) -> str:
    """``text`` with lone surrogates (from a hostile JSON body or tool output) replaced: it must encode as UTF-8."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"))  # ASCII: lone surrogates from hostile input stay escaped


def mount_episodes(app: FastAPI, settings: Settings, registry: Any, metrics_registry: CollectorRegistry) -> Episodes:
    """Add the episode routes to ``app`` (behind its auth, body and rate limits) and close their
    store and threads when the app shuts down."""
    eps = Episodes(settings, registry, metrics_registry)
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with inner(a) as value:
            yield value
        await eps.close()

    app.router.lifespan_context = lifespan

    def unavailable(exc: StoreUnavailable) -> HTTPException:
        return HTTPException(503, str(exc), headers={"Retry-After": "1"})

    def missing(eid: str) -> HTTPException:
        return HTTPException(404, f"unknown or expired episode {_clip(eid)!r}")

    async def load(eid: str) -> tuple[int, dict[str, Any]]:
        if len(eid) > MAX_ID_CHARS:
            raise missing(eid)
        try:
            version, data = await eps.store.read(eid)
        except EpisodeMissing:
            raise missing(eid) from None
        except StoreUnavailable as exc:
            raise unavailable(exc) from None
        return version, json.loads(data)

    @app.get("/v1/environments", tags=["episodes"])
    async def list_environments() -> list[dict[str, Any]]:
        """Every registered multi-turn environment (any task id can be played too)."""
        from bootcamp.env.registry import ENVIRONMENTS

        return await eps.in_thread(lambda: [ENVIRONMENTS.get(n).info() for n in ENVIRONMENTS.names()])

    @app.post("/v1/episodes", tags=["episodes"], response_model=CreateEpisodeResponse)
    async def create_episode(req: CreateEpisodeRequest) -> Any:
        """Start an episode: its first observation and the tools it offers."""
        from bootcamp.env.tools import schemas

        if req.tools is not None and any(len(t) > 100 for t in req.tools):
            raise HTTPException(422, "tools: a tool name is over 100 characters")

        def start() -> tuple[Environment, dict[str, Any], str, list[dict[str, Any]]]:
            env = eps.resolve(req.env, req.tools)
            state, observation = env.reset(req.seed)
            return env, state, observation, schemas(env.tools)

        try:
            env, state, observation, tool_schemas = await eps.in_thread(start)
        except _Unknown as exc:
            return JSONResponse({"detail": exc.detail, "message": exc.detail, "suggestions": exc.suggestions},
                                status_code=404)
        eid = secrets.token_urlsafe(18)
        record = {"id": eid, "env": req.env, "seed": req.seed, "tools": req.tools, "state": state}
        try:
            await eps.store.create(eid, _dumps(record))
        except StoreUnavailable as exc:
            raise unavailable(exc) from None
        eps.metrics.created.labels(env.env_id).inc()
        return CreateEpisodeResponse(id=eid, env=req.env, seed=req.seed, observation=observation, turn=0,
                                     max_turns=env.max_turns, tools=tool_schemas, done=False)

    @app.post("/v1/episodes/{eid}/step", tags=["episodes"], response_model=StepResponse)
    async def step_episode(eid: str, req: StepRequest) -> Any:
        """Send the policy's next message. Not idempotent: never resend a step whose request went out."""
        cap = settings.max_action_chars
        if len(req.action) > cap:
            raise HTTPException(413, f"action: {len(req.action)} characters; at most {cap}")
        if len(eid) > MAX_ID_CHARS:
            raise missing(eid)
        token = secrets.token_hex(8)
        try:
            version, data = await eps.store.begin(eid, token)
        except EpisodeMissing:
            raise missing(eid) from None
        except EpisodeBusy:
            eps.metrics.conflicts.inc()
            raise HTTPException(409, "another step of this episode is running; send steps one at a time") from None
        except StoreUnavailable as exc:
            raise unavailable(exc) from None
        committed = False
        try:
            record = json.loads(data)
            state = record["state"]
            if state.get("done"):
                raise HTTPException(409, "the episode is finished; start a new one")
            start = time.perf_counter()

            def run() -> Any:
                env = eps.resolve(record["env"], record.get("tools"))
                out = env.step(state, _safe(req.action), eps.executor())
                # Tool output is model-influenced too: keep only text that encodes as UTF-8.
                for msg in out.state["history"][-2:]:
                    msg["content"] = _safe(msg["content"])
                if out.observation is not None:
                    out.observation = _safe(out.observation)
                return env, out

            env, result = await eps.in_thread(run)
            eps.metrics.step_latency.observe(time.perf_counter() - start)
            record["state"] = result.state
            try:
                await eps.store.commit(eid, version, _dumps(record), token)
            except EpisodeMissing:
                raise HTTPException(404, f"episode {_clip(eid)!r} was deleted or expired during the step") from None
            except EpisodeBusy:
                eps.metrics.conflicts.inc()
                raise HTTPException(409, "the episode changed during this step (its lease ran out); "
                                         "this step was not recorded") from None
            except StoreUnavailable as exc:
                raise unavailable(exc) from None
            committed = True
        finally:
            if not committed:
                await eps.store.release(eid, token)
        eps.metrics.steps.labels(env.env_id).inc()
        verdict = result.verdict.model_dump(mode="json") if result.verdict is not None else None
        if result.done:
            eps.metrics.finished.labels(env.env_id, result.verdict.reason if result.verdict else "none").inc()
        return StepResponse(observation=result.observation, done=result.done, turn=result.state["turn"],
                            verdict=verdict,
                            tool_results=[ToolResultInfo(name=r.name, error=r.error, seconds=r.seconds)
                                          for r in result.tool_results])

    @app.get("/v1/episodes/{eid}", tags=["episodes"], response_model=EpisodeResponse)
    async def get_episode(eid: str) -> Any:
        """An episode's turn, status, verdict and message history (never its hidden identity)."""
        _, record = await load(eid)
        state = record["state"]

        def max_turns() -> int:
            return eps.resolve(record["env"], record.get("tools")).max_turns

        return EpisodeResponse(id=eid, env=record["env"], seed=record["seed"], turn=state["turn"],
                               max_turns=await eps.in_thread(max_turns), done=bool(state["done"]),
                               verdict=state.get("verdict"), history=state["history"])

    @app.delete("/v1/episodes/{eid}", tags=["episodes"], status_code=204)
    async def delete_episode(eid: str) -> Response:
        """Drop an episode (404 when there is none)."""
        if len(eid) > MAX_ID_CHARS:
            raise missing(eid)
        try:
            found = await eps.store.delete(eid)
        except StoreUnavailable as exc:
            raise unavailable(exc) from None
        if not found:
            raise missing(eid)
        return Response(status_code=204)

    return eps
