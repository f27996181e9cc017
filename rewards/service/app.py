"""The reward service: ``create_app(settings)`` builds a FastAPI app with its own pool, cache and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import bootcamp
from bootcamp.export import parse_label
from bootcamp.registry import REGISTRY, Registry, UnknownTaskError
from bootcamp.types import Problem, Verdict
from rewards.service.schemas import (
    BatchRequest,
    BatchResponse,
    ProblemsRequest,
    ProblemsResponse,
    RewardRequest,
    RewardResponse,
    VerifyRequest,
)
from rewards.service.security import BodySizeLimit, RateLimiter, key_id, match_api_key
from rewards.service.settings import Settings
from rewards.service.state import ServiceState

DESCRIPTION = """Scores model responses to bootcamp tasks (verifiers, domain checkers, reward models).

Send `Authorization: Bearer <key>` when the service has API keys. Labels for
`/get_reward` are the strings `bootcamp.export.make_label(task_id, identity)` writes.
"""


def create_app(
    settings: Settings | None = None,
    *,
    backends: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> FastAPI:
    """Build the reward service.

    Args:
        settings: everything the service is configured by (default: ``Settings()``).
        backends: reward-model backends to use instead of those ``settings`` describe.
        registry: the task registry (default: the process-wide ``bootcamp.REGISTRY``).
    """
    settings = settings or Settings()
    state = ServiceState(settings, backends=backends, registry=registry if registry is not None else REGISTRY)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_pool:
            await asyncio.to_thread(state.ensure)
        yield
        await state.aclose()

    app = FastAPI(title="bootcamp reward service", version=bootcamp.__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.bootcamp = state
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    _install_handlers(app, state)

    async def guard(request: Request) -> str:
        client = request.client.host if request.client else "unknown"
        if settings.api_keys:
            key = match_api_key(request.headers.get("authorization"), settings.api_keys)
            if key is None:
                raise HTTPException(401, "missing or invalid API key", headers={"WWW-Authenticate": "Bearer"})
            client = "key:" + key_id(key)
        ok, wait = limiter.allow(client)
        if not ok:
            raise HTTPException(429, f"rate limit exceeded; retry in {wait:.2f}s",
                                headers={"Retry-After": str(max(1, int(wait + 0.999)))})
        return client

    secured = [Depends(guard)]

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Liveness and a summary of the pool and cache."""
        up = await state.cache_up()
        return {"status": "ok", "cache": {"kind": state.cache_kind, "up": up}, "pool": state.pool_stats(),
                "version": bootcamp.__version__, "pid": os.getpid()}

    @app.get("/metrics", tags=["service"])
    async def metrics() -> Response:
        """Prometheus metrics of this replica."""
        return Response(state.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/v1/tasks", tags=["tasks"], dependencies=secured)
    async def list_tasks(domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        """Every registered task (filter by `domain` or a glob `pattern`)."""
        infos = await state.task_infos()
        if domain:
            infos = [i for i in infos if i["domain"] == domain]
        if pattern:
            import fnmatch

            infos = [i for i in infos if fnmatch.fnmatchcase(i["id"], pattern)]
        return infos

    @app.get("/v1/tasks/{task_id:path}", tags=["tasks"], dependencies=secured)
    async def get_task(task_id: str) -> dict[str, Any]:
        """One task's description, version, params and reward spec."""
        task = state.registry.get(task_id)
        info = task.info()
        info["reward_spec"] = task.reward.model_dump()
        return info

    @app.post("/v1/problems", tags=["tasks"], dependencies=secured)
    async def problems(req: ProblemsRequest) -> ProblemsResponse:
        """`n` problems of a task, seeds `seed .. seed + n - 1`."""
        if req.n > settings.max_problems:
            raise HTTPException(413, f"n={req.n} is over the cap of {settings.max_problems} problems a request")
        task = state.registry.get(req.task)

        def make() -> list[Problem]:
            return [task.problem(req.seed + k, with_answer=req.with_answer) for k in range(req.n)]

        return ProblemsResponse(problems=await asyncio.to_thread(make))

    @app.post("/v1/verify", tags=["rewards"], dependencies=secured)
    async def verify(req: VerifyRequest) -> Verdict:
        """Score one response."""
        return (await state.score([(req.task, req.identity, req.response)]))[0]

    @app.post("/v1/verify/batch", tags=["rewards"], dependencies=secured)
    async def verify_batch(req: BatchRequest) -> BatchResponse:
        """Score many responses; verdicts come back in order."""
        _check_batch(len(req.items), settings)
        items = [(it.task, it.identity, it.response) for it in req.items]
        return BatchResponse(verdicts=await state.score(items))

    @app.post("/get_reward", tags=["rewards"], dependencies=secured)
    async def get_reward(req: RewardRequest) -> RewardResponse:
        """OpenRLHF remote reward model: `query` (prompt + response), `prompts`, `labels`."""
        n = len(req.query)
        _check_batch(n, settings)
        labels = req.labels or []
        if len(labels) != n:
            raise HTTPException(422, f"labels: need one label per query ({n}), got {len(labels)}")
        if req.prompts is not None and len(req.prompts) != n:
            raise HTTPException(422, f"prompts: need one prompt per query ({n}), got {len(req.prompts)}")
        items = []
        for i, (query, label) in enumerate(zip(req.query, labels, strict=False)):
            try:
                task_id, identity = parse_label(label)
            except ValueError as exc:
                raise HTTPException(422, f"labels[{i}]: {exc}") from None
            prompt = req.prompts[i] if req.prompts is not None else ""
            response = query[len(prompt):] if prompt and query.startswith(prompt) else query
            items.append((task_id, identity, response))
        verdicts = await state.score(items)
        rewards = [v.score for v in verdicts]
        return RewardResponse(
            rewards=rewards,
            scores=rewards,
            extra_logs={
                "correct": [float(v.correct) for v in verdicts],
                "no_answer": [float(v.reason == "no_answer") for v in verdicts],
                "failed": [float(v.reason in ("timeout", "verifier_error")) for v in verdicts],
            },
        )

    @app.middleware("http")
    async def observe(request: Request, call_next: Any) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        endpoint = getattr(route, "path", "unmatched")
        state.metrics.requests.labels(endpoint, str(response.status_code)).inc()
        state.metrics.request_latency.labels(endpoint).observe(time.perf_counter() - start)
        return response

    return app


def _check_batch(n: int, settings: Settings) -> None:
    if n > settings.max_batch:
        raise HTTPException(413, f"batch of {n} items is over the cap of {settings.max_batch}; split it")


def _install_handlers(app: FastAPI, state: ServiceState) -> None:
    @app.exception_handler(UnknownTaskError)
    async def unknown_task(request: Request, exc: UnknownTaskError) -> JSONResponse:
        return JSONResponse({"detail": _safe(str(exc)), "suggestions": exc.suggestions}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors()[:20]:
            # Never echo the input back: a hostile body would come back whole.
            errors.append({"loc": [_safe(str(x)[:100]) for x in e.get("loc", ())], "msg": _safe(str(e.get("msg", ""))[:300]),
                           "type": str(e.get("type", ""))})
        message = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5]) or "invalid request body"
        return JSONResponse({"detail": errors, "message": message}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status, detail = exc.status_code, exc.detail
        if status == 400 and "parsing the body" in str(detail):
            status, detail = 422, "request body is not valid JSON (or nested too deeply)"  # a malformed body
        body = {"detail": _safe(detail) if isinstance(detail, str) else detail, "message": _safe(str(detail)[:500])}
        return JSONResponse(body, status_code=status, headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        return JSONResponse({"detail": "request body is nested too deeply", "message": "nested too deeply"},
                            status_code=422)


def _safe(text: str) -> str:
    """Text that encodes as UTF-8 (hostile bodies carry lone surrogates)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def app_from_env() -> FastAPI:
    """The app configured by ``BOOTCAMP_*`` variables (uvicorn ``--factory`` entry for several workers)."""
    return create_app(Settings.from_env())
