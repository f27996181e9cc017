"""The reward service: ``create_app(settings)`` builds a FastAPI app with its own pool, cache and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import anyio
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

import bootcamp
from bootcamp.export import parse_label
from bootcamp.registry import REGISTRY, Registry, UnknownTaskError
from bootcamp.types import Verdict
from rewards.service.episodes import mount_episodes
from rewards.service.limits import AuthThrottle, Busy, Guard, HeavyWork, RedisLink, RequestLimiter
from rewards.service.schemas import (
    BatchRequest,
    BatchResponse,
    ProblemsRequest,
    ProblemsResponse,
    RewardRequest,
    RewardResponse,
    VerifyRequest,
    batch_json,
    plain_batch,
)
from rewards.service.security import BodySizeLimit
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

    link = RedisLink(settings.redis_url, settings.redis_timeout_s, settings.redis_retry_s) if settings.redis_url else None
    heavy = HeavyWork(settings.problems_concurrency, settings.problems_queue)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_pool:
            await asyncio.to_thread(state.ensure)
        yield
        heavy.close()
        if link is not None:
            await link.close()
        await state.aclose()

    protect = settings.protect_docs
    app = FastAPI(title="bootcamp reward service", version=bootcamp.__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None if protect else "/docs",
                  openapi_url=None if protect else "/openapi.json", redoc_url=None if protect else "/redoc")
    app.state.bootcamp = state
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    open_paths = {"/healthz"} | (set() if protect else {"/metrics", "/docs", "/docs/oauth2-redirect", "/redoc",
                                                           "/openapi.json"})
    app.add_middleware(Guard, keys=list(settings.api_keys),
                       limiter=RequestLimiter(settings.rate_limit_per_s, settings.rate_limit_burst, link),
                       throttle=AuthThrottle(settings.auth_fail_limit, settings.auth_fail_window_s,
                                             settings.auth_block_s, link),
                       open_paths=frozenset(open_paths))
    state.metrics.limiter_errors.set_function(lambda: float(link.errors if link is not None else 0))
    _install_handlers(app, state)
    mount_episodes(app, settings, state.registry, state.metrics.registry)
    cap = settings.max_id_chars

    def check_id(what: str, value: str | None) -> None:
        if value is not None and len(value) > cap:
            raise HTTPException(422, f"{what}: over {cap} characters")

    if protect:
        @app.get("/openapi.json", include_in_schema=False)
        async def openapi() -> JSONResponse:
            return JSONResponse(app.openapi())

        @app.get("/docs", include_in_schema=False)
        async def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title=app.title + " - docs")

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

    @app.get("/v1/tasks", tags=["tasks"])
    async def list_tasks(domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        """Every registered task (filter by `domain` or a glob `pattern`)."""
        check_id("domain", domain)
        check_id("pattern", pattern)
        infos = await state.task_infos()
        if domain:
            infos = [i for i in infos if i["domain"] == domain]
        if pattern:
            import fnmatch

            infos = [i for i in infos if fnmatch.fnmatchcase(i["id"], pattern)]
        return infos

    @app.get("/v1/tasks/{task_id:path}", tags=["tasks"])
    async def get_task(task_id: str) -> dict[str, Any]:
        """One task's description, version, params and reward spec."""
        check_id("task id", task_id)
        task = state.registry.get(task_id)
        info = task.info()
        info["reward_spec"] = task.reward.model_dump()
        return info

    @app.post("/v1/problems", tags=["tasks"], response_model=ProblemsResponse)
    async def problems(req: ProblemsRequest, level: int | None = Query(default=None, ge=1, le=1000)) -> Response:
        """`n` problems of a task, seeds `seed .. seed + n - 1`, at `level` (body or `?level=`; default: the
        task's default level), generated off the event loop."""
        check_id("task", req.task)
        if req.n > settings.max_problems:
            raise HTTPException(413, f"n={req.n} is over the cap of {settings.max_problems} problems a request")
        task = state.registry.get(req.task)
        level = req.level if req.level is not None else level
        try:
            task.at_level(level)
        except ValueError as exc:
            raise HTTPException(422, str(exc)[:300]) from None

        def make() -> bytes:  # generation and serialisation both stay off the event loop
            probs = [task.problem(req.seed + k, with_answer=req.with_answer, level=level) for k in range(req.n)]
            return ProblemsResponse(problems=probs).model_dump_json().encode()

        try:
            return Response(await heavy.run(make), media_type="application/json")
        except Busy as exc:
            state.metrics.heavy_busy.inc()
            raise HTTPException(429, str(exc), headers={"Retry-After": "1"}) from None

    @app.post("/v1/verify", tags=["rewards"])
    async def verify(req: VerifyRequest) -> Verdict:
        """Score one response."""
        check_id("task", req.task)
        return (await state.score([(req.task, req.identity, req.response)]))[0]

    @app.post("/v1/verify/batch", tags=["rewards"], openapi_extra=_body_schema(BatchRequest),
              response_model=BatchResponse)
    async def verify_batch(request: Request) -> Response:
        """Score many responses; verdicts come back in order."""

        def items_of(obj: Any) -> list[tuple[str, dict[str, Any], str]]:
            # Well-formed items go straight to tuples; anything else is validated by the model,
            # which says what is wrong with it.
            items = plain_batch(obj)
            if items is None:
                req = _validate(BatchRequest, obj)
                items = [(it.task, it.identity, it.response) for it in req.items]
            for i, (task_id, _, _) in enumerate(items):
                check_id(f"items[{i}].task", task_id)
            return items

        items = await _parse_body(request, items_of, settings, "items")
        # The verdicts are encoded once, here: no response model re-validates them.
        return Response(batch_json(await state.score(items)), media_type="application/json")

    @app.post("/get_reward", tags=["rewards"], openapi_extra=_body_schema(RewardRequest))
    async def get_reward(request: Request) -> RewardResponse:
        """OpenRLHF remote reward model: `query` (prompt + response), `prompts`, `labels`."""
        req = await _parse_body(request, RewardRequest, settings, "query")
        n = len(req.query)
        labels = req.labels or []
        if len(labels) != n:
            raise HTTPException(422, f"labels: need one label per query ({n}), got {len(labels)}")
        if req.prompts is not None and len(req.prompts) != n:
            raise HTTPException(422, f"prompts: need one prompt per query ({n}), got {len(req.prompts)}")

        def build() -> list[tuple[str, dict[str, Any], str]]:  # labels are JSON: parse them off the loop
            items = []
            for i, (query, label) in enumerate(zip(req.query, labels, strict=False)):
                if len(label) > settings.max_label_chars:
                    raise HTTPException(422, f"labels[{i}]: over {settings.max_label_chars} characters")
                try:
                    task_id, identity = parse_label(label)
                except (ValueError, RecursionError) as exc:
                    raise HTTPException(422, f"labels[{i}]: {_clip(str(exc), 200)}") from None
                check_id(f"labels[{i}]: task id", task_id)
                prompt = req.prompts[i] if req.prompts is not None else ""
                response = query[len(prompt):] if prompt and query.startswith(prompt) else query
                items.append((task_id, identity, response))
            return items

        items = await asyncio.to_thread(build)
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

    app.add_middleware(ClientGone, on_gone=state.metrics.client_gone.inc)  # outermost: sees every layer's error
    return app


#: The server's own log (uvicorn's), so these lines follow ``bootcamp serve --log-level``.
log = logging.getLogger("uvicorn.error")
#: What a closed client connection raises inside anyio streams (e.g. in ``BaseHTTPMiddleware``).
_CLOSED = (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream)


class ClientGone:
    """ASGI middleware: a client that went away mid-request is one log line, not a traceback.

    ``ClientDisconnect`` (the body stopped mid-upload) always means the client left. An anyio
    closed-stream error means it only once the server has told the app the client disconnected;
    before that it is a bug, and propagates as one.
    """

    def __init__(self, app: Any, on_gone: Callable[[], Any] | None = None) -> None:
        self.app = app
        self.on_gone = on_gone

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        disconnected = False

        async def watch() -> dict:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
            return message

        try:
            await self.app(scope, watch, send)
        except BaseException as exc:
            if not _client_left(exc, disconnected):
                raise
            client_gone(scope, exc)
            if self.on_gone is not None:
                self.on_gone()


def client_gone(scope: Mapping[str, Any], exc: BaseException) -> None:
    """Log the one line a request whose client went away is worth."""
    # The path is the client's text: escaped and clipped, so it can neither forge log lines nor flood them.
    log.info("client went away: %s %s (%s)", scope.get("method", "?"), _clip(repr(scope.get("path", ""))[1:-1], 200),
             _leaf_name(exc))


def _client_left(exc: BaseException, disconnected: bool) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return all(_client_left(e, disconnected) for e in exc.exceptions)
    return isinstance(exc, ClientDisconnect) or (disconnected and isinstance(exc, _CLOSED))


def _leaf_name(exc: BaseException) -> str:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return type(exc).__name__


def _check_batch(n: int, settings: Settings) -> None:
    if n > settings.max_batch:
        raise HTTPException(413, f"batch of {n} items is over the cap of {settings.max_batch}; split it")


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def _parse_body(request: Request, model: type[BaseModel] | Callable[[Any], Any], settings: Settings,
                      batch_field: str) -> Any:
    """The body as ``model`` (or what ``model(obj)`` makes of the parsed JSON), parsed in a thread;
    the batch size is checked before validation.

    A big batch costs seconds to validate: it must neither block the event loop nor be
    validated at all when it is over ``max_batch``.
    """
    body = await request.body()

    def parse() -> Any:
        try:
            obj = _loads(body)
        except (ValueError, RecursionError):
            raise RequestValidationError([{"loc": ("body",), "type": "json_invalid",
                                           "msg": "request body is not valid JSON (or nested too deeply)"}]) from None
        items = obj.get(batch_field) if isinstance(obj, dict) else None
        if isinstance(items, list):
            _check_batch(len(items), settings)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return _validate(model, obj)
        return model(obj)

    return await asyncio.to_thread(parse)


def _loads(body: bytes) -> Any:
    """The parsed JSON body: orjson (a few times faster on a big batch) when it takes the body, else
    the standard library, which also takes what orjson refuses and JSON allows Python to read (lone
    surrogate escapes, NaN), so the two accept the same bodies. A body with a run of 19 or more digits
    goes to the standard library: orjson reads integers over 64 bits as floats."""
    if _orjson is not None and _LONG_DIGITS.search(body) is None:
        try:
            return _orjson.loads(body)
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            pass
    return json.loads(body)


_LONG_DIGITS = re.compile(rb"[0-9]{19}")

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson comes with pymatgen
    _orjson = None


def _validate(model: type[BaseModel], obj: Any) -> Any:
    """``model.model_validate(obj)``, its errors as a 422 that never echoes the input."""
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        raise RequestValidationError([{**e, "loc": ("body", *e.get("loc", ()))} for e in errors]) from None
    except RecursionError:
        raise RequestValidationError([{"loc": ("body",), "type": "too_deep",
                                       "msg": "request body is nested too deeply"}]) from None


def _clip(text: str, n: int = 80) -> str:
    """At most ``n`` characters of ``text``: hostile input is never echoed whole."""
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


def _install_handlers(app: FastAPI, state: ServiceState) -> None:
    @app.exception_handler(UnknownTaskError)
    async def unknown_task(request: Request, exc: UnknownTaskError) -> JSONResponse:
        hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        detail = f"unknown task {_clip(str(exc.task_id))!r}{hint}"
        return JSONResponse({"detail": _safe(detail), "suggestions": exc.suggestions}, status_code=404)

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
        if isinstance(exc.__cause__, ClientDisconnect):  # FastAPI's body parsing wraps it in a 400
            client_gone(request.scope, exc.__cause__)
            state.metrics.client_gone.inc()
            return JSONResponse({"detail": "client went away"}, status_code=400)  # sent to no one
        if status == 400 and "parsing the body" in str(detail):
            status, detail = 422, "request body is not valid JSON (or nested too deeply)"  # a malformed body
        text = _safe(_clip(str(detail), 500))
        body = {"detail": text if isinstance(detail, str) else detail, "message": text}
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
