"""The verdict cache: in-memory LRU, and real Redis shared by replicas that survives Redis going away."""

from __future__ import annotations

import asyncio
import time

import httpx
from _evil import ADD_ID, boxed, ensure_registered  # noqa: I001

from rewards.service import Settings, create_app
from rewards.service.cache import MemoryCache, RedisCache, cache_key


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_cache_key_depends_on_everything() -> None:
    base = cache_key("generic/x", 1, "rule", {"a": 1, "b": 2}, "r")
    assert base == cache_key("generic/x", 1, "rule", {"b": 2, "a": 1}, "r")  # key order does not matter
    others = {cache_key("generic/y", 1, "rule", {"a": 1, "b": 2}, "r"), cache_key("generic/x", 2, "rule", {"a": 1, "b": 2}, "r"),
              cache_key("generic/x", 1, "cascade(rule, judge)", {"a": 1, "b": 2}, "r"),
              cache_key("generic/x", 1, "rule", {"a": 1, "b": 3}, "r"), cache_key("generic/x", 1, "rule", {"a": 1, "b": 2}, "r ")}
    assert base not in others and len(others) == 5
    assert base == cache_key("generic/x", 1, "rule", {"a": 1, "b": 2}, "r", None, "")
    bumped = {cache_key("generic/x", 1, "rule", {"a": 1, "b": 2}, "r", 2),  # a fixed verifier
              cache_key("generic/x", 1, "rule", {"a": 1, "b": 2}, "r", None, "ns2")}  # a new namespace
    assert base not in bumped and len(bumped) == 2


def test_only_verdicts_reached_on_their_own_are_cacheable() -> None:
    from bootcamp.types import Part, Verdict
    from rewards.items import FAILURES
    from rewards.service.cache import cacheable

    assert cacheable(Verdict(score=1.0, correct=True), FAILURES)
    assert cacheable(Verdict.failed("wrong"), FAILURES)
    for reason in ("timeout", "verifier_error", "too_long"):
        assert not cacheable(Verdict.failed(reason), FAILURES)
    mixed = Verdict(score=1.0, correct=True, parts=[Part(name="rule", score=1.0),
                                                      Part(name="judge", kind="judge", reason="verifier_error")])
    assert not cacheable(mixed, FAILURES)


def test_memory_cache_is_a_bounded_lru() -> None:
    c = MemoryCache(max_entries=3)

    async def run() -> list:
        await c.set_many({"a": "1", "b": "2", "c": "3"})
        await c.get_many(["a"])  # a is now the most recent
        await c.set_many({"d": "4"})
        return await c.get_many(["a", "b", "c", "d"])

    assert asyncio.run(run()) == ["1", None, "3", "4"] and len(c) == 3


def test_redis_cache_roundtrip_and_dead_redis_is_fast(redis_url: str) -> None:
    async def run() -> None:
        c = RedisCache(redis_url, ttl_s=60)
        await c.set_many({"k1": "v1"})
        assert await c.get_many(["k1", "k2"]) == ["v1", None]
        await c.close()
        dead = RedisCache("redis://127.0.0.1:1/0", timeout_s=0.2, retry_s=5)
        start = time.monotonic()
        assert await dead.get_many(["k1"]) == [None]
        await dead.set_many({"k": "v"})
        assert await dead.get_many(["k1"]) == [None]  # skipped: no second timeout
        assert time.monotonic() - start < 1.5 and dead.errors == 1 and not dead.available
        await dead.close()

    asyncio.run(run())


def test_replicas_share_redis_and_survive_it_going_down(redis_server, redis_url: str, live_server) -> None:
    ensure_registered()
    settings = Settings(redis_url=redis_url, pool_workers=1, redis_timeout_s=0.2, redis_retry_s=0.5)
    body = {"task": ADD_ID, "identity": {"a": 5, "b": 6}, "response": boxed("11")}
    with live_server(create_app(settings)) as a, live_server(create_app(settings)) as b, \
            httpx.Client(timeout=30) as http:
        assert http.get(a.url + "/healthz").json()["cache"] == {"kind": "redis", "up": True}
        assert http.post(a.url + "/v1/verify", json=body).json()["correct"]
        assert http.post(b.url + "/v1/verify", json=body).json()["correct"]
        text_b = http.get(b.url + "/metrics").text
        assert _metric(text_b, "bootcamp_cache_hits_total") == 1.0  # b reused a's verdict
        assert _metric(text_b, "bootcamp_cache_misses_total") == 0.0

        redis_server.stop()
        start = time.monotonic()
        for k in range(5):
            v = http.post(a.url + "/v1/verify", json={**body, "response": boxed(str(k))}).json()
            assert v["reason"] == "wrong"
        assert time.monotonic() - start < 5, "a dead Redis must not slow requests down"
        health = http.get(a.url + "/healthz").json()
        assert health["status"] == "ok" and health["cache"]["up"] is False
        assert _metric(http.get(a.url + "/metrics").text, "bootcamp_cache_errors") >= 1

        redis_server.start()  # same port, empty
        time.sleep(0.6)  # past redis_retry_s
        deadline = time.monotonic() + 10
        while not http.get(a.url + "/healthz").json()["cache"]["up"] and time.monotonic() < deadline:
            time.sleep(0.2)
        fresh = {**body, "response": boxed("11") + " again"}
        assert http.post(a.url + "/v1/verify", json=fresh).json()["correct"]
        hits_before = _metric(http.get(b.url + "/metrics").text, "bootcamp_cache_hits_total")
        for _ in range(20):  # b's own retry window may still be open for a moment
            http.post(b.url + "/v1/verify", json=fresh)
            if _metric(http.get(b.url + "/metrics").text, "bootcamp_cache_hits_total") > hits_before:
                break
            time.sleep(0.2)
        assert _metric(http.get(b.url + "/metrics").text, "bootcamp_cache_hits_total") > hits_before
        import redis

        r = redis.Redis.from_url(redis_url)
        assert any(k.startswith(b"bootcamp:verdict:") for k in r.keys("*"))
        r.close()
