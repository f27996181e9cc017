"""The episode API: multi-turn environments with tools, played over HTTP.

``POST /v1/episodes`` starts an episode of an environment (``bootcamp.env``) or of any task (as a
:class:`~bootcamp.env.task_env.TaskEnvironment`, optionally with tools); ``POST /v1/episodes/{id}/step``
sends the policy's next message; ``GET`` reads an episode back; ``DELETE`` drops it.

An episode is stored as the environment's JSON state plus its id, environment id, seed and a version
number: in Redis (a hash under ``bootcamp:episode:``, TTL ``episode_ttl_s``, refreshed by every step)
when ``redis_url`` is set, so every replica sees every episode; else in a bounded in-memory LRU.

An episode belongs to the API key that created it (its ``key_id``; one anonymous owner when the
service has no keys): for any other key it does not exist (404 on get, step and delete, never 403).
Episode ids are 24 URL-safe characters (``secrets.token_urlsafe(18)``); a path id of any other shape
is 404 before the store is asked.

A step takes a short lease on the episode first (Redis ``SET NX PX``; in memory, under a lock): a
second step on the same episode while one runs is answered 409 at once. The lease lasts seconds and
is renewed while the step runs; a step that fails releases it whatever state the Redis link is in.
The new state is written back with a compare-and-set on the version (a Lua script), so even a step
whose lease ran out cannot overwrite a newer state. Tool calls run in the sandbox executor
(``episode_tools_sandbox``), on this module's own threads so they never starve the verifier pool; the
final answer is graded in the app's sandbox pool with ``/v1/verify``'s deadline
(:mod:`rewards.service.episode_grading`). The episode's identity (which holds the answer) never leaves
the service: responses carry observations, history and verdicts only.
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

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry

from bootcamp.env.environment import Environment
from rewards.service.cache import RedisLink
from rewards.service.episode_grading import EpisodeGrader
from rewards.service.episode_models import (
    CreateEpisodeRequest,
    CreateEpisodeResponse,
    EpisodeMetrics,
    EpisodeResponse,
    StepRequest,
    StepResponse,
    ToolResultInfo,
)
from rewards.service.episode_store import (
    STEP_LEASE_S,
    EpisodeBusy,
    EpisodeMissing,
    MemoryEpisodes,
    RedisEpisodes,
    StoreDataError,
    StoreUnavailable,
    new_episode_id,
    valid_episode_id,
)
from rewards.service.security import owner_id
from rewards.service.settings import Settings

#: Threads that run steps (tool calls, grading); separate from the verifier pool's executor.
STEP_THREADS = 8
#: Seconds between renewals of a running step's lease (three chances before it runs out).
RENEW_EVERY_S = STEP_LEASE_S / 3


# -- the routes -------------------------------------------------------------------------------------
class Episodes:
    """The store, the executor and the environment lookup behind the routes (one per app)."""

    def __init__(self, settings: Settings, registry: Any, metrics_registry: CollectorRegistry, state: Any) -> None:
        self.settings = settings
        self.registry = registry
        self.grader = EpisodeGrader(state, settings.verify_timeout_s)
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
        # No tools named: a tool task's own (e.g. a descriptor task's rdkit_descriptors), else none.
        names = tuple(dict.fromkeys(tools or ())) or tuple(getattr(self.registry.get(env_id), "tools", ()) or ())
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
        self.grader.close()
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


def _parse(eid: str, data: str) -> dict[str, Any]:
    """A stored record, checked for the fields the routes read (a malformed one is :class:`StoreDataError`)."""
    try:
        record = json.loads(data)
        state = record["state"]
        ok = (isinstance(record["env"], str) and isinstance(record["seed"], int) and isinstance(state, dict)
              and isinstance(state["history"], list) and isinstance(state["turn"], int) and "done" in state)
    except (ValueError, TypeError, KeyError, RecursionError):
        ok = False
    if not ok:
        raise StoreDataError(f"the episode store holds a malformed record for episode {eid!r}")
    return record


async def _renew_lease(store: Any, eid: str, token: str) -> None:
    """Keep a running step's lease (cancelled when the step ends)."""
    while True:
        await asyncio.sleep(RENEW_EVERY_S)
        await store.renew(eid, token)


def mount_episodes(app: FastAPI, settings: Settings, registry: Any, metrics_registry: CollectorRegistry) -> Episodes:
    """Add the episode routes to ``app`` (behind its auth, body and rate limits) and close their
    store and threads when the app shuts down. Grading uses the app's pool (``app.state.bootcamp``)."""
    eps = Episodes(settings, registry, metrics_registry, app.state.bootcamp)
    inner = app.router.lifespan_context
    keys = list(settings.api_keys)

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with inner(a) as value:
            yield value
        await eps.close()

    app.router.lifespan_context = lifespan

    def owner(request: Request) -> str:
        """Who the request acts for (the auth guard already let it in)."""
        found = owner_id(request.headers.get("authorization", "")[:4096], keys)
        if found is None:
            raise HTTPException(401, "missing or invalid API key", headers={"WWW-Authenticate": "Bearer"})
        return found

    def missing(eid: str) -> HTTPException:
        return HTTPException(404, f"unknown or expired episode {_clip(eid)!r}")

    def checked(eid: str) -> str:
        if not valid_episode_id(eid):  # before any store call: the id may name no other key
            raise missing(eid)
        return eid

    def store_error(exc: Exception) -> HTTPException:
        if isinstance(exc, StoreUnavailable):
            return HTTPException(503, str(exc), headers={"Retry-After": "1"})
        return HTTPException(500, _clip(str(exc), 300))

    async def load(eid: str, who: str) -> dict[str, Any]:
        try:
            _, data = await eps.store.read(checked(eid), who)
            return _parse(eid, data)
        except EpisodeMissing:
            raise missing(eid) from None
        except (StoreUnavailable, StoreDataError) as exc:
            raise store_error(exc) from None

    @app.get("/v1/environments", tags=["episodes"])
    async def list_environments() -> list[dict[str, Any]]:
        """Every registered multi-turn environment (any task id can be played too)."""
        from bootcamp.env.registry import ENVIRONMENTS

        return await eps.in_thread(lambda: [ENVIRONMENTS.get(n).info() for n in ENVIRONMENTS.names()])

    @app.post("/v1/episodes", tags=["episodes"], response_model=CreateEpisodeResponse)
    async def create_episode(req: CreateEpisodeRequest, request: Request) -> Any:
        """Start an episode (it belongs to the calling API key): its first observation and the tools it offers."""
        from bootcamp.env.tools import schemas

        who = owner(request)
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
        eid = new_episode_id()
        record = {"id": eid, "env": req.env, "seed": req.seed, "tools": req.tools, "state": state}
        try:
            await eps.store.create(eid, who, _dumps(record))
        except (StoreUnavailable, StoreDataError) as exc:
            raise store_error(exc) from None
        eps.metrics.created.labels(env.env_id).inc()
        return CreateEpisodeResponse(id=eid, env=req.env, seed=req.seed, observation=observation, turn=0,
                                     max_turns=env.max_turns, tools=tool_schemas, done=False)

    @app.post("/v1/episodes/{eid}/step", tags=["episodes"], response_model=StepResponse)
    async def step_episode(eid: str, req: StepRequest, request: Request) -> Any:
        """Send the policy's next message. Not idempotent: never resend a step whose request went out."""
        who = owner(request)
        checked(eid)
        cap = settings.max_action_chars
        if len(req.action) > cap:
            raise HTTPException(413, f"action: {len(req.action)} characters; at most {cap}")
        token = secrets.token_hex(8)
        try:
            version, data = await eps.store.begin(eid, who, token)
        except EpisodeMissing:
            raise missing(eid) from None
        except EpisodeBusy:
            eps.metrics.conflicts.inc()
            raise HTTPException(409, "another step of this episode is running; send steps one at a time") from None
        except (StoreUnavailable, StoreDataError) as exc:
            raise store_error(exc) from None
        committed = False
        keeper = asyncio.create_task(_renew_lease(eps.store, eid, token))
        try:
            try:
                record = _parse(eid, data)
            except StoreDataError as exc:
                raise store_error(exc) from None
            state = record["state"]
            if state.get("done"):
                raise HTTPException(409, "the episode is finished; start a new one")
            start = time.perf_counter()

            def run() -> Any:
                env = eps.resolve(record["env"], record.get("tools"))
                # The environment's own step, with its final-answer grading under the pool's deadline.
                out = eps.grader.with_deadline(env).step(state, _safe(req.action), eps.executor())
                # Tool output is model-influenced too: keep only text that encodes as UTF-8.
                for msg in out.state["history"][-2:]:
                    msg["content"] = _safe(msg["content"])
                if out.observation is not None:
                    out.observation = _safe(out.observation)
                return env, out

            env, result = await eps.in_thread(run)
            keeper.cancel()
            eps.metrics.step_latency.observe(time.perf_counter() - start)
            record["state"] = result.state
            try:
                await eps.store.commit(eid, who, version, _dumps(record), token)
            except EpisodeMissing:
                raise HTTPException(404, f"episode {_clip(eid)!r} was deleted or expired during the step") from None
            except EpisodeBusy:
                eps.metrics.conflicts.inc()
                raise HTTPException(409, "the episode changed during this step (its lease ran out); "
                                         "this step was not recorded") from None
            except (StoreUnavailable, StoreDataError) as exc:
                raise store_error(exc) from None
            committed = True
        finally:
            keeper.cancel()
            if not committed:  # every failure path: the release does not depend on the link's state
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
    async def get_episode(eid: str, request: Request) -> Any:
        """An episode's turn, status, verdict and message history (never its hidden identity)."""
        record = await load(eid, owner(request))
        state = record["state"]

        def max_turns() -> int:
            return eps.resolve(record["env"], record.get("tools")).max_turns

        return EpisodeResponse(id=eid, env=record["env"], seed=record["seed"], turn=state["turn"],
                               max_turns=await eps.in_thread(max_turns), done=bool(state["done"]),
                               verdict=state.get("verdict"), history=state["history"])

    @app.delete("/v1/episodes/{eid}", tags=["episodes"], status_code=204)
    async def delete_episode(eid: str, request: Request) -> Response:
        """Drop an episode (404 when there is none, or it is another key's)."""
        who = owner(request)
        try:
            found = await eps.store.delete(checked(eid), who)
        except (StoreUnavailable, StoreDataError) as exc:
            raise store_error(exc) from None
        if not found:
            raise missing(eid)
        return Response(status_code=204)

    return eps
