"""Request guards: bearer API keys, per-key token-bucket rate limits, a request-body size cap."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from typing import Any


def match_api_key(authorization: str | None, keys: list[str]) -> str | None:
    """The key a ``Bearer`` header carries when it is one of ``keys`` (constant-time compare), else None."""
    if not authorization or not keys:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    token_b = token.strip().encode("utf-8", "ignore")
    found = None
    for key in keys:  # no early exit: the time taken does not depend on which key matched
        if hmac.compare_digest(token_b, key.encode("utf-8")):
            found = key
    return found


def key_id(key: str) -> str:
    """A short non-secret id of a key, for rate-limit buckets and logs."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


#: Who acts on a service without API keys (a key id is 12 hex digits: never this).
ANONYMOUS = "anonymous"


def owner_id(authorization: str | None, keys: list[str]) -> str | None:
    """Whom a request acts for: the ``key_id`` of the key its ``Bearer`` header carries,
    :data:`ANONYMOUS` when the service has no keys, None when it has keys and the header matches none."""
    if not keys:
        return ANONYMOUS
    key = match_api_key(authorization, keys)
    return None if key is None else key_id(key)


class RateLimiter:
    """Token buckets per client: ``rate`` tokens a second up to ``burst``; bounded number of clients."""

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, cost: float = 1.0) -> tuple[bool, float]:
        """(allowed, seconds until it would be)."""
        if self.rate <= 0:
            return True, 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            ok = tokens >= cost
            if ok:
                tokens -= cost
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return ok, 0.0 if ok else (cost - tokens) / self.rate


class BodySizeLimit:
    """ASGI middleware: 413 for request bodies over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(send)
                    return
        if any(name == b"content-length" for name, _ in scope.get("headers", [])):
            # The server holds a body to its declared length, which was checked above.
            await self.app(scope, receive, send)
            return
        # A streamed (chunked) body: read it up to the cap here, then replay it.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            seen += len(body)
            if seen > self.max_bytes:
                await self._reject(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Any) -> None:
        body = json.dumps({"detail": f"request body over {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
