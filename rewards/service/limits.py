"""Limits every worker and replica share: request rates per key or IP, and failed-auth throttling.

With ``redis_url`` set both live in Redis, one atomic Lua script per check, so any
number of uvicorn workers and replicas draw on one budget. Without Redis they live
in process memory (one budget per worker). When Redis is unreachable they **fail
open to the in-process limiter**: each worker then enforces the limits on its own
(so N workers let up to N times the rate through) and Redis is tried again after
``retry_s``; ``errors`` counts the failures (``bootcamp_limiter_errors``).

Only a failure of the link itself (no connection, a timeout, a broken reply, a server that is
loading or read-only) marks the link down: :func:`run_script` tells those from an error Redis
answered about one command's data (WRONGTYPE, a failing script), which is that request's failure
alone (:class:`RedisDataError`). Otherwise one request that hits a key of the wrong type would
switch Redis off for every client for ``retry_s``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rewards.service.cache import RedisLink, link_failure  # noqa: F401 - link_failure is re-exported
from rewards.service.security import RateLimiter, key_id, match_api_key

PREFIX = "bootcamp:limit:"


class RedisDataError(Exception):
    """Redis answered one command with an error about its data (WRONGTYPE, a failing script): that
    request fails, the link stays up."""


async def run_script(link: RedisLink, lua: str, keys: list[str], args: list[Any], force: bool = False) -> Any:
    """The script's result, or None when the link is down (skipped for ``retry_s``) or fails now.

    Unlike ``RedisLink.run``, only a link failure (:func:`link_failure`) marks the link down; an error
    Redis answered about this command's data raises :class:`RedisDataError` and leaves the link up.

    Args:
        link: the shared Redis link.
        lua: the script.
        keys: its KEYS.
        args: its ARGV.
        force: try even while the link is marked down (for clean-up that must not wait, e.g. a lease
            release); a success marks the link up again.

    Raises:
        RedisDataError: Redis answered with an error for this command alone.
    """
    if not force and not link.available:
        return None
    try:
        out = await link.script(lua)(keys=keys, args=args)
    except Exception as exc:  # noqa: BLE001 - classified below
        if link_failure(exc):
            link.failed(exc)
            return None
        raise RedisDataError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if force:
        link.recovered()
    else:
        link.answered()
    return out

# GCRA (a token bucket kept as one timestamp): `burst` requests at once, then one per `interval`.
# Redis' own clock is used, so replicas with skewed clocks still share one budget.
GCRA_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if now < allow_at then
  return {0, math.ceil(allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.max(1, math.ceil(new_tat - now)))
return {1, 0}
"""

# Count a failed authentication; the `limit`-th failure turns the window into a block.
FAIL_LUA = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return n
"""

# Milliseconds an IP stays blocked (0: not blocked).
BLOCKED_LUA = """
local n = tonumber(redis.call('GET', KEYS[1]))
if n == nil or n < tonumber(ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[1]))
"""


async def _fall_back_on_data_error(lua: str, link: RedisLink, keys: list[str], args: list[Any]) -> Any:
    """:func:`run_script`, with a data error answered like an outage for this one request: the
    caller falls back to its in-process state, and the link stays up for everyone else."""
    try:
        return await run_script(link, lua, keys, args)
    except RedisDataError:
        link.errors += 1
        return None


class RequestLimiter:
    """``rate`` requests a second per client with bursts of ``burst``; shared through Redis when linked."""

    def __init__(self, rate: float, burst: int, link: RedisLink | None = None) -> None:
        self.rate, self.burst, self.link = rate, burst, link
        self.local = RateLimiter(rate, burst)

    async def allow(self, client: str) -> tuple[bool, float]:
        """(allowed, seconds until it would be)."""
        if self.rate <= 0:
            return True, 0.0
        if self.link is not None:
            interval = 1000.0 / self.rate
            out = await _fall_back_on_data_error(GCRA_LUA, self.link, [PREFIX + "rate:" + client],
                                                 [interval, interval * self.burst])
            if out is not None:
                return bool(int(out[0])), int(out[1]) / 1000
        return self.local.allow(client)


class AuthThrottle:
    """Blocks an IP for ``block_s`` once it fails authentication ``limit`` times within ``window_s``."""

    def __init__(self, limit: int, window_s: float, block_s: float, link: RedisLink | None = None,
                 max_clients: int = 100_000) -> None:
        self.limit, self.window_s, self.block_s, self.link = limit, window_s, block_s, link
        self.max_clients = max_clients
        self._local: OrderedDict[str, tuple[int, float]] = OrderedDict()  # ip -> (failures, expires at)
        self._lock = threading.Lock()

    def _key(self, ip: str) -> str:
        return PREFIX + "authfail:" + ip

    async def blocked(self, ip: str) -> float:
        """Seconds ``ip`` stays blocked (0.0: not blocked)."""
        if self.link is not None:
            out = await _fall_back_on_data_error(BLOCKED_LUA, self.link, [self._key(ip)], [self.limit])
            if out is not None:
                return int(out) / 1000
        now = time.monotonic()
        with self._lock:
            n, until = self._local.get(ip, (0, 0.0))
            if until <= now:
                self._local.pop(ip, None)
                return 0.0
        return until - now if n >= self.limit else 0.0

    async def failed(self, ip: str) -> None:
        """Count one failed authentication from ``ip``."""
        if self.link is not None:
            args = [int(self.window_s * 1000), self.limit, int(self.block_s * 1000)]
            if await _fall_back_on_data_error(FAIL_LUA, self.link, [self._key(ip)], args) is not None:
                return
        now = time.monotonic()
        with self._lock:
            n, until = self._local.pop(ip, (0, 0.0))
            if until <= now:
                n, until = 0, now + self.window_s
            n += 1
            if n == self.limit:
                until = now + self.block_s
            self._local[ip] = (n, until)
            while len(self._local) > self.max_clients:
                self._local.popitem(last=False)


class Guard:
    """ASGI middleware: bearer keys, failed-auth throttling and rate limits, before any body is read.

    Paths in ``open_paths`` pass untouched. Without keys every client is limited by IP.
    """

    def __init__(self, app: Any, keys: list[str], limiter: RequestLimiter, throttle: AuthThrottle,
                 open_paths: frozenset[str]) -> None:
        self.app, self.keys, self.limiter, self.throttle, self.open_paths = app, keys, limiter, throttle, open_paths

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") in self.open_paths:
            await self.app(scope, receive, send)
            return
        ip = (scope.get("client") or ("unknown", 0))[0]
        client = "ip:" + ip
        if self.keys:
            wait = await self.throttle.blocked(ip)
            if wait > 0:
                await _deny(send, 429, "too many failed authentications from this address", wait)
                return
            auth = None
            for name, value in scope.get("headers", []):
                if name == b"authorization":
                    auth = value[:4096].decode("latin-1")
            key = match_api_key(auth, self.keys)
            if key is None:
                await self.throttle.failed(ip)
                await _deny(send, 401, "missing or invalid API key", headers=[(b"www-authenticate", b"Bearer")])
                return
            client = "key:" + key_id(key)
        ok, wait = await self.limiter.allow(client)
        if not ok:
            await _deny(send, 429, f"rate limit exceeded; retry in {wait:.2f}s", wait)
            return
        await self.app(scope, receive, send)


async def _deny(send: Any, status: int, detail: str, retry_after: float | None = None,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail, "message": detail}).encode()
    extra = list(headers or [])
    if retry_after is not None:
        extra.append((b"retry-after", str(max(1, int(retry_after + 0.999))).encode()))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})


class Busy(Exception):
    """Too many heavy requests are running or waiting."""


class HeavyWork:
    """CPU-heavy request work off the event loop: ``limit`` run at once in own threads, ``queue`` wait.

    Past that, :meth:`run` raises :class:`Busy` at once (the endpoint answers 429). The threads are
    not the loop's default executor, which the verifier pool uses: heavy work cannot starve verdicts.
    """

    def __init__(self, limit: int, queue: int) -> None:
        self.limit, self.queue = limit, queue
        self._sem = asyncio.Semaphore(limit)
        self._inflight = 0
        self._executor = ThreadPoolExecutor(limit, thread_name_prefix="bootcamp-heavy")

    async def run(self, fn: Any, *args: Any) -> Any:
        if self._inflight >= self.limit + self.queue:
            raise Busy(f"{self._inflight} heavy requests are running or waiting; retry later")
        self._inflight += 1
        try:
            async with self._sem:
                return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._inflight -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
