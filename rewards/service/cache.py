"""Verdict caches: Redis when configured (shared by replicas), else a bounded in-memory LRU.

A cache never fails a request: when Redis is unreachable the service runs
uncached and tries Redis again after ``retry_s``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from typing import Any

KEY_PREFIX = "bootcamp:verdict:v2:"


def cache_key(task_id: str, version: int, spec: str, identity: Any, response: str,
              verifier_version: Any = None, namespace: str = "") -> str:
    """A stable hash of everything a verdict depends on.

    ``verifier_version`` (a task's ``verifier_version``, default its ``version``) and the
    service-wide ``namespace`` are part of the key, so a fixed verifier never serves old verdicts.
    """
    h = hashlib.sha256()
    vv = "" if verifier_version is None else str(verifier_version)
    for piece in (namespace, task_id, str(version), vv, spec,
                  json.dumps(identity, sort_keys=True, separators=(",", ":"))):
        h.update(piece.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(response.encode("utf-8", "surrogatepass"))
    return KEY_PREFIX + h.hexdigest()


def cacheable(verdict: Any, failures: tuple[str, ...]) -> bool:
    """Whether a verdict was reached by the verifiers on their own (no part timed out or failed)."""
    if verdict.reason in failures or verdict.reason == "too_long":
        return False
    return all(p.reason not in failures for p in verdict.parts)


def async_redis(url: str, timeout_s: float) -> Any:
    """An async Redis client that fails fast: no client-side retries, short timeouts."""
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # No client-side retries: a dead Redis must cost one short timeout, not seconds.
    return aioredis.Redis.from_url(
        url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0), retry_on_timeout=False, decode_responses=True,
        health_check_interval=0,
    )


class MemoryCache:
    """A bounded LRU of verdict JSON strings."""

    kind = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.errors = 0

    @property
    def available(self) -> bool:
        return True

    async def get_many(self, keys: list[str]) -> list[str | None]:
        out: list[str | None] = []
        with self._lock:
            for k in keys:
                v = self._data.get(k)
                if v is not None:
                    self._data.move_to_end(k)
                out.append(v)
        return out

    async def set_many(self, values: dict[str, str]) -> None:
        if not self.max_entries:
            return
        with self._lock:
            for k, v in values.items():
                self._data[k] = v
                self._data.move_to_end(k)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None

    def __len__(self) -> int:
        return len(self._data)


class RedisLink:
    """A lazily made async Redis client that is skipped for ``retry_s`` after any failure.

    Shared by the verdict cache and the service's limits: a dead Redis costs one short
    timeout, then callers fall back (uncached, or the local limiter) until ``retry_s`` passes.
    """

    def __init__(self, url: str, timeout_s: float = 0.25, retry_s: float = 1.0) -> None:
        self.url, self.timeout_s, self.retry_s = url, timeout_s, retry_s
        self.errors = 0
        self._down_until = 0.0
        self._client: Any = None
        self._scripts: dict[str, Any] = {}

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self) -> None:
        self.errors += 1
        self._down_until = time.monotonic() + self.retry_s

    def recovered(self) -> None:
        self._down_until = 0.0

    def client(self) -> Any:
        if self._client is None:
            self._client = async_redis(self.url, self.timeout_s)
        return self._client

    def script(self, lua: str) -> Any:
        if lua not in self._scripts:
            self._scripts[lua] = self.client().register_script(lua)
        return self._scripts[lua]

    async def run(self, lua: str, keys: list[str], args: list[Any]) -> Any:
        """The script's result, or None when Redis is skipped or fails (the caller falls back)."""
        if not self.available:
            return None
        try:
            return await self.script(lua)(keys=keys, args=args)
        except Exception:  # noqa: BLE001 - any Redis failure means "use the local fallback for a while"
            self.failed()
            return None

    async def close(self) -> None:
        if self._client is not None:
            try:
                await self._client.aclose()
            except Exception:  # noqa: BLE001
                pass
            self._client = None
            self._scripts.clear()


class RedisCache:
    """Verdicts in Redis with a TTL; skips Redis for ``retry_s`` after any failure."""

    kind = "redis"

    def __init__(self, url: str, ttl_s: int = 7 * 24 * 3600, timeout_s: float = 0.25, retry_s: float = 1.0) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.link = RedisLink(url, timeout_s, retry_s)

    @property
    def available(self) -> bool:
        return self.link.available

    @property
    def errors(self) -> int:
        return self.link.errors

    async def get_many(self, keys: list[str]) -> list[str | None]:
        if not keys or not self.available:
            return [None] * len(keys)
        try:
            return list(await self.link.client().mget(keys))
        except Exception:  # noqa: BLE001 - any Redis failure means "run uncached for a while"
            self.link.failed()
            return [None] * len(keys)

    async def set_many(self, values: dict[str, str]) -> None:
        if not values or not self.available:
            return
        try:
            pipe = self.link.client().pipeline(transaction=False)
            for k, v in values.items():
                pipe.set(k, v, ex=self.ttl_s)
            await pipe.execute()
        except Exception:  # noqa: BLE001
            self.link.failed()

    async def ping(self) -> bool:
        try:
            ok = bool(await self.link.client().ping())
        except Exception:  # noqa: BLE001
            self.link.failed()
            return False
        self.link.recovered()
        return ok

    async def close(self) -> None:
        await self.link.close()
