"""Python clients of the reward service: :class:`BootcampClient` (sync) and :class:`AsyncBootcampClient`.

Both take one base URL or several (replicas of the same service, ideally sharing one Redis cache)
and retry a request that got no answer: connection errors, timeouts, a connection dropped
mid-reply, and the statuses 429, 502, 503 and 504. Each retry goes to the next replica; once a
request has tried every replica it waits (exponential backoff with jitter) before the next
round, and a ``Retry-After`` header is always waited out. When the retry budget (seconds) or
the attempt limit runs out it raises :class:`RewardServiceUnavailable`. A replica that failed
is skipped by new requests for a short, growing cool-down, so a dead replica costs few retries.

Retrying is safe because every endpoint the clients call is idempotent: verifying is a pure
function of ``(task, identity, response)``, problems are deterministic in their seed, and
nothing on the service changes state except its cache, which only ever holds the same verdict.
Other 4xx and 500 answers are not retried: the request itself is wrong, or the service failed
on it, and asking again would only repeat that; they raise :class:`RewardServiceError`.

The episode endpoints are the exception: starting an episode and stepping one change state on the
service, so ``create_episode`` and ``step_episode`` are retried only after failures that prove the
request never arrived (a refused connection, a connect or pool timeout, a 429 from the guard).
Episodes live in the service's Redis, so several replicas need a shared ``redis_url``.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bootcamp.types import Problem, Verdict
from rewards.service.schemas import BatchResponse

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson comes with pymatgen; the standard library does the same work
    _orjson = None

#: Statuses that mean "not now" (rate limited, a proxy without a backend, overloaded, gateway timeout).
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: Transport failures after which the same request may be sent again (a bad URL scheme is not one).
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
#: Failures that prove a request never reached the service: the only ones a non-idempotent episode
#: request (create, step) is retried after. A 429 comes from the service's guard, before any handler.
UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: A replica that failed is skipped by new requests for 0.5 s, doubling per failure up to this.
MAX_COOLDOWN_S = 5.0


class RewardServiceError(RuntimeError):
    """The service answered with an error status."""

    def __init__(self, status: int, detail: Any) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"HTTP {status}: {detail}")


class RewardServiceUnavailable(RewardServiceError):  # noqa: N818 - reads as what it reports
    """No replica answered within the retry budget or attempt limit.

    Attributes:
        status: the last HTTP status seen (429/502/503/504), or 0 when no replica replied at all.
        attempts: requests sent, all replicas together.
        elapsed_s: seconds from the first attempt to giving up.
        last_error: what the last attempt got, e.g. ``ConnectError: ...`` or ``HTTP 503``.
    """

    def __init__(self, attempts: int, elapsed_s: float, budget_s: float, last_error: str, status: int = 0) -> None:
        self.status, self.detail = status, last_error
        self.attempts, self.elapsed_s, self.last_error = attempts, elapsed_s, last_error
        RuntimeError.__init__(self, f"reward service unavailable: {attempts} attempt(s) in {elapsed_s:.1f} s "
                                    f"(retry budget {budget_s:g} s); last error: {last_error}")


@dataclass(frozen=True)
class RetryEvent:
    """One failed attempt that will be retried (passed to ``on_retry``)."""

    url: str  #: the replica that failed
    attempt: int  #: 1 for the first attempt of the request
    error: str  #: e.g. ``ConnectError: ...`` or ``HTTP 503``
    delay_s: float  #: the wait before the next attempt (0: straight to another replica)


def _items(items: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for it in items:
        if isinstance(it, dict):
            out.append({"task": it["task"], "identity": it.get("identity") or {}, "response": it.get("response", "")})
        else:
            task, identity, response = it
            out.append({"task": task, "identity": identity, "response": response})
    return out


_JSON = {"Content-Type": "application/json"}


def _batch_body(items: list[dict[str, Any]]) -> bytes:
    """The ``/v1/verify/batch`` body: orjson (several times faster than the standard library on a big
    batch) where it takes the items, else the standard library (lone surrogates, huge integers)."""
    if _orjson is not None:
        try:
            return _orjson.dumps({"items": items})
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    import json

    return json.dumps({"items": items}).encode()


def _verdicts(r: httpx.Response, n: int) -> list[Verdict]:
    """The ``n`` verdicts of a batch reply, validated straight from its bytes (no Python dicts between)."""
    if r.status_code >= 400:
        _check(r)
    verdicts = BatchResponse.model_validate_json(r.content).verdicts
    if len(verdicts) != n:
        raise RewardServiceError(r.status_code, f"asked for {n} verdicts, got {len(verdicts)}")
    return verdicts


def _slices(n: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def _check(r: httpx.Response) -> Any:
    if r.status_code >= 400:
        try:
            detail = r.json().get("detail", r.text)
        except (ValueError, AttributeError):
            detail = r.text
        raise RewardServiceError(r.status_code, detail)
    return r.json()


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def _urls(base_url: str | Sequence[str]) -> list[str]:
    given = [base_url] if isinstance(base_url, str) else list(base_url)
    urls = list(dict.fromkeys(u.strip().rstrip("/") for u in given if u and u.strip()))
    if not urls:
        raise ValueError("base_url: give at least one reward-service URL")
    for u in urls:
        if not u.startswith(("http://", "https://")):
            raise ValueError(f"base_url: {u!r} is not an http(s) URL")
    return urls


def _retry_after(r: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date), if any."""
    value = r.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class _Retrying:
    """Replica rotation, cool-downs and the retry count shared by all requests of one client (thread-safe)."""

    def __init__(self, urls: list[str], retries: int | None, budget_s: float, backoff_s: float,
                 max_backoff_s: float, on_retry: Callable[[RetryEvent], None] | None) -> None:
        if retries is not None and retries < 0:
            raise ValueError(f"retries: must be >= 0 or None, got {retries}")
        if budget_s < 0 or backoff_s < 0 or max_backoff_s < 0:
            raise ValueError("retry_budget_s, backoff_s, max_backoff_s: must be >= 0")
        self.urls, self.max_retries, self.budget_s = urls, retries, budget_s
        self.backoff_s, self.max_backoff_s, self.on_retry = backoff_s, max_backoff_s, on_retry
        self.retries = 0
        self._lock = threading.Lock()
        self._rr = 0
        self._fails = [0] * len(urls)
        self._down_until = [0.0] * len(urls)

    def first(self) -> int:
        """Round robin over the replicas not cooling down (if all are, the one that comes back first)."""
        with self._lock:
            now, n = time.monotonic(), len(self.urls)
            for k in range(n):
                i = (self._rr + k) % n
                if self._down_until[i] <= now:
                    self._rr = i + 1
                    return i
            return min(range(n), key=self._down_until.__getitem__)

    def next_after(self, i: int, tried: set[int]) -> int:
        """The replica for a retry: the next untried one not cooling down, else the next untried, else i + 1."""
        with self._lock:
            now, n = time.monotonic(), len(self.urls)
            order = [(i + k) % n for k in range(1, n + 1)]
            fresh = [j for j in order if j not in tried]
            up = [j for j in fresh if self._down_until[j] <= now]
            return (up or fresh or order)[0]

    def mark(self, i: int, ok: bool) -> None:
        with self._lock:
            if ok:
                self._fails[i], self._down_until[i] = 0, 0.0
            else:
                self._fails[i] += 1
                cooldown = min(MAX_COOLDOWN_S, 0.5 * 2 ** min(self._fails[i] - 1, 16))
                self._down_until[i] = time.monotonic() + cooldown

    def count(self, event: RetryEvent) -> None:
        with self._lock:
            self.retries += 1
        if self.on_retry is not None:
            self.on_retry(event)


class _Call:
    """The retry state of one logical request: which replica next, and how long to wait first."""

    def __init__(self, policy: _Retrying) -> None:
        self.policy = policy
        self.start = time.monotonic()
        self.attempts = 0
        self.rounds = 0  # times every replica has been tried (each one is followed by a backoff)
        self.index = policy.first()
        self.tried: set[int] = set()

    def next_url(self) -> str:
        """The replica for the next attempt (counts the attempt)."""
        self.attempts += 1
        self.tried.add(self.index)
        return self.policy.urls[self.index]

    def ok(self) -> None:
        self.policy.mark(self.index, True)

    def failed(self, error: str, status: int = 0, retry_after: float | None = None,
               cause: BaseException | None = None) -> float:
        """Pick the next replica and return the wait before trying it; raise when out of budget."""
        p = self.policy
        failed_url = p.urls[self.index]
        if status != 429:  # a rate limit is about the caller, not the replica's health
            p.mark(self.index, False)
        nxt = p.next_after(self.index, self.tried)
        delay = 0.0
        if nxt in self.tried:  # every replica failed this round: back off before the next one
            cap = min(p.max_backoff_s, p.backoff_s * 2 ** min(self.rounds, 30))
            delay = cap * random.uniform(0.5, 1.0)
            self.rounds += 1
            self.tried.clear()
        if retry_after is not None:
            delay = max(delay, retry_after)
        elapsed = time.monotonic() - self.start
        out_of_tries = p.max_retries is not None and self.attempts > p.max_retries
        if out_of_tries or elapsed + delay > p.budget_s:
            raise RewardServiceUnavailable(self.attempts, elapsed, p.budget_s, error, status) from cause
        p.count(RetryEvent(failed_url, self.attempts, error, delay))
        self.index = nxt
        return delay


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _maybe_applied(call: _Call, exc: BaseException) -> RewardServiceUnavailable:
    """The error for a non-idempotent request that failed after it may have reached the service."""
    return RewardServiceUnavailable(call.attempts, time.monotonic() - call.start, call.policy.budget_s,
                                    f"{_error(exc)}; not retried: the request may have been applied")


class _Base:
    """Settings common to both clients."""

    def __init__(self, base_url: str | Sequence[str], retries: int | None, batch_size: int, retry_budget_s: float,
                 backoff_s: float, max_backoff_s: float, on_retry: Callable[[RetryEvent], None] | None,
                 in_flight: int = 2) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size: must be >= 1, got {batch_size}")
        if in_flight < 1:
            raise ValueError(f"in_flight: must be >= 1, got {in_flight}")
        self.urls = _urls(base_url)
        self.batch_size = batch_size
        self.in_flight = in_flight
        self._retrying = _Retrying(self.urls, retries, retry_budget_s, backoff_s, max_backoff_s, on_retry)

    @property
    def retries(self) -> int:
        """Retries made so far, all requests and replicas together."""
        return self._retrying.retries


class BootcampClient(_Base):
    """A blocking client; thread-safe, so threads may share one.

    Args:
        base_url: one service URL (e.g. ``http://127.0.0.1:8000``) or several replicas of it.
        api_key: sent as a bearer token.
        timeout: seconds per attempt.
        retries: the most retries of one request (None: as many as ``retry_budget_s`` allows).
        batch_size: :meth:`verify_batch` splits larger batches into requests of this size.
        in_flight: how many of those requests :meth:`verify_batch` keeps open at once (2: the
            service reads and keys one while its verifiers score the other; 1: one after another).
        retry_budget_s: give up on a request (raise :class:`RewardServiceUnavailable`) rather than
            start an attempt later than this many seconds after its first one; one attempt
            still lasts up to ``timeout``. 0 disables retries.
        backoff_s: the first wait after every replica has failed; doubles each round (with jitter:
            50-100% of it), up to ``max_backoff_s``.
        on_retry: called with a :class:`RetryEvent` before each retry (e.g. to log or count them).

    Attributes:
        retries: retries made so far (all requests), for callers to report.
    """

    def __init__(self, base_url: str | Sequence[str], api_key: str | None = None, timeout: float = 60.0,
                 retries: int | None = None, batch_size: int = 512, *, retry_budget_s: float = 30.0,
                 backoff_s: float = 0.2, max_backoff_s: float = 5.0,
                 on_retry: Callable[[RetryEvent], None] | None = None, in_flight: int = 2) -> None:
        super().__init__(base_url, retries, batch_size, retry_budget_s, backoff_s, max_backoff_s, on_retry,
                         in_flight)
        self._http = httpx.Client(timeout=timeout, headers=_headers(api_key))

    def _send(self, method: str, path: str, **kw: Any) -> Any:
        return _check(self._request(method, path, True, **kw))

    def health(self) -> dict[str, Any]:
        return self._send("GET", "/healthz")

    def tasks(self, domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("domain", domain), ("pattern", pattern)) if v}
        return self._send("GET", "/v1/tasks", params=params)

    def task(self, task_id: str) -> dict[str, Any]:
        return self._send("GET", f"/v1/tasks/{task_id}")

    def problems(self, task: str, n: int = 1, seed: int = 0, with_answer: bool = False) -> list[Problem]:
        body = {"task": task, "n": n, "seed": seed, "with_answer": with_answer}
        return [Problem.model_validate(p) for p in self._send("POST", "/v1/problems", json=body)["problems"]]

    def verify(self, task: str, identity: dict[str, Any], response: str) -> Verdict:
        body = {"task": task, "identity": identity, "response": response}
        return Verdict.model_validate(self._send("POST", "/v1/verify", json=body))

    def verify_batch(self, items: Sequence[Any]) -> list[Verdict]:
        """Verdicts for ``(task, identity, response)`` tuples or dicts, in order.

        A batch over ``batch_size`` goes as several requests, ``in_flight`` of them at a time.
        """
        body = _items(items)

        def post(span: tuple[int, int]) -> list[Verdict]:
            a, b = span
            r = self._request("POST", "/v1/verify/batch", True, content=_batch_body(body[a:b]), headers=_JSON)
            return _verdicts(r, b - a)

        spans = _slices(len(body), self.batch_size)
        if self.in_flight == 1 or len(spans) == 1:
            return [v for span in spans for v in post(span)]
        with ThreadPoolExecutor(min(self.in_flight, len(spans)), thread_name_prefix="bootcamp-client") as ex:
            return [v for part in ex.map(post, spans) for v in part]

    def get_reward(self, query: list[str], labels: list[str], prompts: list[str] | None = None) -> dict[str, Any]:
        return self._send("POST", "/get_reward", json={"query": query, "prompts": prompts, "labels": labels})

    # -- episodes (multi-turn environments) ----------------------------------------------------
    def _request(self, method: str, path: str, resend: bool, **kw: Any) -> httpx.Response:
        """One request across the replicas. ``resend``: retry connection errors, timeouts and
        429/502/503/504 (idempotent requests); else retry only failures that prove nothing was sent
        (:data:`UNSENT_ERRORS`, 429)."""
        call = _Call(self._retrying)
        while True:
            url = call.next_url()
            try:
                r = self._http.request(method, url + path, **kw)
            except RETRY_ERRORS as exc:
                if not resend and not isinstance(exc, UNSENT_ERRORS):
                    raise _maybe_applied(call, exc) from exc
                delay = call.failed(_error(exc), cause=exc)
            else:
                if r.status_code not in (RETRY_STATUSES if resend else {429}):
                    call.ok()
                    return r
                delay = call.failed(f"HTTP {r.status_code}", r.status_code, _retry_after(r))
            if delay > 0:
                time.sleep(delay)

    def create_episode(self, env: str, seed: int = 0, tools: Sequence[str] | None = None) -> dict[str, Any]:
        """Start an episode of environment (or task) ``env``: ``{"id", "observation", "tools", ...}``.

        ``tools`` (only with a plain task id) plays the task in the tool-augmented mode. Not
        idempotent: retried only when the request provably never reached the service (a refused
        connection, a 429), so a lost reply never starts a second episode.
        """
        body = {"env": env, "seed": seed, "tools": list(tools) if tools is not None else None}
        return _check(self._request("POST", "/v1/episodes", False, json=body))

    def step_episode(self, episode_id: str, action: str) -> dict[str, Any]:
        """Send the policy's next message: ``{"observation", "done", "turn", "verdict", "tool_results"}``.

        Steps are NOT idempotent: a step whose request went out is never sent again (its tools may
        have run and the episode moved on); only connection failures before sending and 429s are
        retried. A 409 means another step of the episode ran at the same time, or it is finished.
        """
        return _check(self._request("POST", f"/v1/episodes/{episode_id}/step", False,
                                         json={"action": action}))

    def episode(self, episode_id: str) -> dict[str, Any]:
        """An episode's turn, status, verdict and history (retried like any read)."""
        return _check(self._request("GET", f"/v1/episodes/{episode_id}", True))

    def delete_episode(self, episode_id: str, missing_ok: bool = True) -> None:
        """Drop an episode; an unknown or expired one is fine unless ``missing_ok`` is False."""
        r = self._request("DELETE", f"/v1/episodes/{episode_id}", True)
        if r.status_code == 404 and missing_ok:
            return
        if r.status_code >= 400:
            _check(r)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BootcampClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBootcampClient(_Base):
    """The asyncio twin of :class:`BootcampClient`, with the same replicas and retries (see there)."""

    def __init__(self, base_url: str | Sequence[str], api_key: str | None = None, timeout: float = 60.0,
                 retries: int | None = None, batch_size: int = 512, *, retry_budget_s: float = 30.0,
                 backoff_s: float = 0.2, max_backoff_s: float = 5.0,
                 on_retry: Callable[[RetryEvent], None] | None = None, in_flight: int = 2) -> None:
        super().__init__(base_url, retries, batch_size, retry_budget_s, backoff_s, max_backoff_s, on_retry,
                         in_flight)
        self._http = httpx.AsyncClient(timeout=timeout, headers=_headers(api_key))

    async def _send(self, method: str, path: str, **kw: Any) -> Any:
        return _check(await self._request(method, path, True, **kw))

    async def health(self) -> dict[str, Any]:
        return await self._send("GET", "/healthz")

    async def tasks(self, domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("domain", domain), ("pattern", pattern)) if v}
        return await self._send("GET", "/v1/tasks", params=params)

    async def task(self, task_id: str) -> dict[str, Any]:
        return await self._send("GET", f"/v1/tasks/{task_id}")

    async def problems(self, task: str, n: int = 1, seed: int = 0, with_answer: bool = False) -> list[Problem]:
        body = {"task": task, "n": n, "seed": seed, "with_answer": with_answer}
        data = await self._send("POST", "/v1/problems", json=body)
        return [Problem.model_validate(p) for p in data["problems"]]

    async def verify(self, task: str, identity: dict[str, Any], response: str) -> Verdict:
        body = {"task": task, "identity": identity, "response": response}
        return Verdict.model_validate(await self._send("POST", "/v1/verify", json=body))

    async def verify_batch(self, items: Sequence[Any]) -> list[Verdict]:
        """Verdicts for ``(task, identity, response)`` tuples or dicts, in order (``in_flight``
        requests at a time, as :meth:`BootcampClient.verify_batch`)."""
        body = _items(items)
        gate = asyncio.Semaphore(self.in_flight)

        async def post(a: int, b: int) -> list[Verdict]:
            async with gate:
                r = await self._request("POST", "/v1/verify/batch", True, content=_batch_body(body[a:b]),
                                        headers=_JSON)
            return _verdicts(r, b - a)

        parts = await asyncio.gather(*(post(a, b) for a, b in _slices(len(body), self.batch_size)))
        return [v for part in parts for v in part]

    async def get_reward(self, query: list[str], labels: list[str],
                         prompts: list[str] | None = None) -> dict[str, Any]:
        body = {"query": query, "prompts": prompts, "labels": labels}
        return await self._send("POST", "/get_reward", json=body)

    # -- episodes (multi-turn environments): see BootcampClient for what is retried ------------
    async def _request(self, method: str, path: str, resend: bool, **kw: Any) -> httpx.Response:
        call = _Call(self._retrying)
        while True:
            url = call.next_url()
            try:
                r = await self._http.request(method, url + path, **kw)
            except RETRY_ERRORS as exc:
                if not resend and not isinstance(exc, UNSENT_ERRORS):
                    raise _maybe_applied(call, exc) from exc
                delay = call.failed(_error(exc), cause=exc)
            else:
                if r.status_code not in (RETRY_STATUSES if resend else {429}):
                    call.ok()
                    return r
                delay = call.failed(f"HTTP {r.status_code}", r.status_code, _retry_after(r))
            if delay > 0:
                await asyncio.sleep(delay)

    async def create_episode(self, env: str, seed: int = 0, tools: Sequence[str] | None = None) -> dict[str, Any]:
        """See :meth:`BootcampClient.create_episode` (not idempotent: retried only when unsent)."""
        body = {"env": env, "seed": seed, "tools": list(tools) if tools is not None else None}
        return _check(await self._request("POST", "/v1/episodes", False, json=body))

    async def step_episode(self, episode_id: str, action: str) -> dict[str, Any]:
        """See :meth:`BootcampClient.step_episode`: steps are NOT idempotent and a step whose request
        went out is never resent."""
        return _check(await self._request("POST", f"/v1/episodes/{episode_id}/step", False,
                                               json={"action": action}))

    async def episode(self, episode_id: str) -> dict[str, Any]:
        """An episode's turn, status, verdict and history (retried like any read)."""
        return _check(await self._request("GET", f"/v1/episodes/{episode_id}", True))

    async def delete_episode(self, episode_id: str, missing_ok: bool = True) -> None:
        """Drop an episode; an unknown or expired one is fine unless ``missing_ok`` is False."""
        r = await self._request("DELETE", f"/v1/episodes/{episode_id}", True)
        if r.status_code == 404 and missing_ok:
            return
        if r.status_code >= 400:
            _check(r)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncBootcampClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
