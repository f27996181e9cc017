"""The verdict cache: in-memory LRU, and real Redis shared by replicas that survives Redis going away."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from _evil import ADD_ID, AddTask, boxed, ensure_registered  # noqa: I001

import bootcamp
from rewards.service import Settings, create_app
from rewards.service.cache import MemoryCache, RedisCache, cache_key


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_cache_key_depends_on_everything() -> None:
    base = cache_key("cfg", "task", "rule", {"a": 1, "b": 2}, "r")
    assert base == cache_key("cfg", "task", "rule", {"b": 2, "a": 1}, "r")  # key order does not matter
    others = {cache_key("cfg2", "task", "rule", {"a": 1, "b": 2}, "r"),  # another scoring configuration
              cache_key("cfg", "task2", "rule", {"a": 1, "b": 2}, "r"),  # another task, version or verifier
              cache_key("cfg", "task", "cascade(rule, judge)", {"a": 1, "b": 2}, "r"),
              cache_key("cfg", "task", "rule", {"a": 1, "b": 3}, "r"), cache_key("cfg", "task", "rule", {"a": 1, "b": 2}, "r ")}
    assert base not in others and len(others) == 5


def test_identities_that_differ_never_share_a_key() -> None:
    """Identities orjson would write alike (NaN, infinities and null; a big integer and a float) or
    cannot write (lone surrogates, integer keys) keep keys of their own, and every form is stable."""
    identities = [{"a": None}, {"a": float("nan")}, {"a": float("inf")}, {"a": -float("inf")}, {"a": 2**70},
                  {"a": float(2**70)}, {"a": "\ud800"}, {"a": "\ufffd"}, {"a": 1}, {"a": 1.0}, {"a": True},
                  {"a": "1"}, {"a": [1, 2]}, {"a": [2, 1]}, {"a": {"b": 1}}, {"a": "null"}, {}]
    keys = [cache_key("cfg", "task", "rule", ident, "r") for ident in identities]
    assert len(set(keys)) == len(identities)
    assert keys == [cache_key("cfg", "task", "rule", ident, "r") for ident in identities]


def test_the_scoring_configuration_names_what_changes_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    from rewards.service.cache import VerdictKeys, package_versions, parity_mode, scoring_config

    base = Settings()
    digest = VerdictKeys(scoring_config(base.scoring_options(), {})).digest
    assert digest == VerdictKeys(scoring_config(Settings().scoring_options(), {})).digest  # stable
    changed = {
        "parity": scoring_config(base.scoring_options(), {"BOOTCAMP_REASONING_GYM_PARITY": "1"}),
        "namespace": scoring_config(Settings(cache_namespace="ns2").scoring_options(), {}),
        "deadline": scoring_config(Settings(verify_timeout_s=5).scoring_options(), {}),
        "overrides": scoring_config(Settings(spec_overrides={"math/*": {"parts": [{"name": "rule"}]}}).scoring_options(), {}),
        "backends": scoring_config(Settings(backends={"v": {"type": "verifier", "base_url": "http://h/v1"}}).scoring_options(), {}),
        "judge": scoring_config(Settings(judge_url="http://127.0.0.1:9/v1").scoring_options(), {}),
    }
    digests = {name: VerdictKeys(cfg).digest for name, cfg in changed.items()}
    assert digest not in digests.values() and len(set(digests.values())) == len(digests), digests
    assert parity_mode({"BOOTCAMP_REASONING_GYM_PARITY": " On "}) and not parity_mode({"BOOTCAMP_REASONING_GYM_PARITY": "0"})
    versions = package_versions()
    assert versions["sympy"] and "reasoning-gym" in versions and "internbootcamp" in versions
    monkeypatch.setattr("rewards.service.cache.package_versions", lambda: {**versions, "reasoning-gym": "9.9.9"})
    assert VerdictKeys(scoring_config(base.scoring_options(), {})).digest != digest  # an upgraded adapter
    secret = Settings(backends={"v": {"type": "verifier", "base_url": "http://h/v1", "api_key": "sk-0123456789abcdef"}})
    assert "sk-0123456789abcdef" not in json.dumps(secret.scoring_options())  # keys never reach Redis


def test_a_task_digest_follows_its_version_class_params_and_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    from bootcamp.answers.numbers import NumberTask
    from rewards.service.cache import VerdictKeys

    ensure_registered()
    keys = VerdictKeys({})
    task = bootcamp.get_task(ADD_ID)
    base = keys.task_digest(ADD_ID, task)
    assert base == keys.task_digest(ADD_ID, task) and base != keys.task_digest("generic/other", task)
    monkeypatch.setattr(AddTask, "verifier_version", 7, raising=False)  # read live, never memoised
    assert keys.task_digest(ADD_ID, task) != base
    monkeypatch.undo()
    assert keys.task_digest(ADD_ID, task) == base

    class Loose(AddTask):  # another class under the same id (e.g. reasoning-gym's parity task)
        pass

    assert VerdictKeys({}).task_digest(ADD_ID, Loose()) != base
    numeric = [t for t in (bootcamp.get_task(i) for i in bootcamp.REGISTRY.ids()) if isinstance(t, NumberTask)]
    assert numeric, "no NumberTask in the library"
    tight = VerdictKeys({}).task_digest("x/y", numeric[0])
    monkeypatch.setattr(type(numeric[0]), "rel_tol", 0.5)  # a looser tolerance scores differently
    assert VerdictKeys({}).task_digest("x/y", numeric[0]) != tight


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


class Echobootcamp:
    """An InternBootCamp-style class: repeat the number."""

    strict = True  # a scoring option of the foreign class

    def case_generator(self) -> dict:
        import random

        return {"a": random.randint(0, 10**6)}

    @staticmethod
    def prompt_func(case: dict) -> str:
        return f"Repeat {case['a']} inside [answer]...[/answer]."

    @staticmethod
    def extract_output(output: str) -> str | None:
        import re

        m = re.findall(r"\[answer\](.*?)\[/answer\]", output)
        return m[-1].strip() if m else None

    @classmethod
    def _verify_correction(cls, solution: str, identity: dict) -> bool:
        return solution == str(identity["a"])


def test_a_wrapped_internbootcamp_class_is_part_of_its_task_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    from bootcamp import Registry
    from bootcamp.compat.internbootcamp import wrap_internbootcamp
    from rewards.service.cache import VerdictKeys, task_fingerprint

    reg = Registry()
    wrap_internbootcamp(Echobootcamp, "logic/ib_echo", lambda case: f"[answer]{case['a']}[/answer]", registry=reg,
                        check=False)
    task = reg.get("logic/ib_echo")
    wraps = task_fingerprint("logic/ib_echo", task)["wraps"]
    assert wraps["class"].endswith("Echobootcamp") and wraps["source"] and wraps["options"] == {"strict": True}
    base = VerdictKeys({}).task_digest("logic/ib_echo", task)
    monkeypatch.setattr(Echobootcamp, "strict", False)
    assert VerdictKeys({}).task_digest("logic/ib_echo", task) != base
    monkeypatch.undo()
    monkeypatch.setattr("rewards.service.cache._source_digest", lambda cls: "another-checkout")
    assert VerdictKeys({}).task_digest("logic/ib_echo", task) != base  # their verifier's code changed


# -- timeouts of the answer's own doing ------------------------------------------------------------
def test_only_a_pool_deadline_on_the_task_verifier_is_an_answer_timeout() -> None:
    from bootcamp.types import Part, Verdict
    from rewards.items import FAILURES
    from rewards.service.cache import answer_timeout, cacheable

    def timed_out(detail: str, *parts: Part) -> Verdict:
        return Verdict.failed("timeout", detail).model_copy(update={"parts": list(parts)})

    rule = Part(name="rule", reason="timeout")
    killed = timed_out("verifier ran past 2s and was killed", rule)
    assert answer_timeout(killed) and cacheable(killed, FAILURES)
    assert answer_timeout(timed_out("verifier ran past 0.25s and was killed", Part(name="c", kind="checker", reason="timeout")))
    not_the_answer = [
        timed_out("the scorer did not start within 20 s", rule),  # a verifier's own report: may be the machine
        timed_out("reward backend 'judge' ran past 60s", Part(name="judge", kind="judge", reason="timeout")),
        timed_out("verifier ran past 2s and was killed", rule, Part(name="judge", kind="judge", reason="verifier_error")),
        timed_out("verifier ran past 2s and was killed"),  # no part says which
        Verdict.failed("verifier_error", "verifier ran past 2s and was killed"),
    ]
    for v in not_the_answer:
        assert not answer_timeout(v) and not cacheable(v, FAILURES), v


def test_ttl_entries_expire(redis_url: str) -> None:
    async def run() -> None:
        mem = MemoryCache()
        await mem.set_many({"t": "1"}, ttl_s=0.2)
        await mem.set_many({"k": "2"})
        assert await mem.get_many(["t", "k"]) == ["1", "2"]
        await asyncio.sleep(0.3)
        assert await mem.get_many(["t", "k"]) == [None, "2"] and len(mem) == 1
        red = RedisCache(redis_url, ttl_s=600)
        await red.set_many({"ttl:t": "1"}, ttl_s=30)
        await red.set_many({"ttl:k": "2"})
        client = red.link.client()
        assert 0 < await client.ttl("ttl:t") <= 30 and 30 < await client.ttl("ttl:k") <= 600
        await red.close()

    asyncio.run(run())


class SlowJudge:
    """A judge backend slower than the service's model timeout."""

    def __init__(self) -> None:
        self.calls = 0

    async def ascore_many(self, questions: list, responses: list, references: list) -> list:
        self.calls += 1
        await asyncio.sleep(2.0)
        return [1.0] * len(responses)


def test_an_answer_that_timed_out_is_served_its_timeout_at_once(live_server) -> None:
    from _evil import EVIL_ID
    from _specs import ensure_spec_tasks

    ensure_registered()
    ensure_spec_tasks()
    judge = SlowJudge()
    settings = Settings(pool_workers=1, verify_timeout_s=1.0, model_timeout_s=0.3)
    hang = {"task": EVIL_ID, "identity": {"n": 1}, "response": boxed("hang")}
    with live_server(create_app(settings, backends={"judge": judge})) as srv, httpx.Client(timeout=60) as http:
        start = time.monotonic()
        first = http.post(srv.url + "/v1/verify", json=hang).json()
        assert first["reason"] == "timeout" and time.monotonic() - start >= 1.0, first
        start = time.monotonic()
        again = http.post(srv.url + "/v1/verify", json=hang).json()
        assert again == first and time.monotonic() - start < 0.5  # the cached timeout, not another second
        assert http.get(srv.url + "/healthz").json()["pool"]["timeouts"] == 1  # the hang ran once
        assert _metric(http.get(srv.url + "/metrics").text, "bootcamp_cache_hits_total") == 1.0
        for answer, reason in (("1", "ok"), ("2", "wrong")):  # other answers to the same problem still score
            v = http.post(srv.url + "/v1/verify", json={**hang, "response": boxed(answer)}).json()
            assert v["reason"] == reason, v
        # A model backend's timeout is the batch's, not the answer's: never cached.
        slow = {"task": "generic/test_cascade", "identity": {"a": 1, "b": 2}, "response": "three, I think"}
        for _ in range(2):
            v = http.post(srv.url + "/v1/verify", json=slow).json()
            assert v["reason"] == "timeout" and v["parts"][-1]["kind"] == "judge", v
        assert judge.calls == 2
        assert http.get(srv.url + "/healthz").json()["pool"]["timeouts"] == 1


def test_a_redis_outage_is_logged_once_and_its_end_too(redis_url, caplog) -> None:
    import asyncio
    import logging
    import socket

    from rewards.service.cache import RedisCache

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"redis://:secret@127.0.0.1:{s.getsockname()[1]}/0"

    async def outage() -> None:
        cache = RedisCache(dead, timeout_s=0.2, retry_s=0.0)
        for _ in range(3):
            assert await cache.get_many(["k"]) == [None]
        await cache.close()

    async def recovery() -> None:
        cache = RedisCache(redis_url, timeout_s=0.5, retry_s=0.0)
        cache.link.failed(OSError("connection reset"))
        await cache.set_many({"bootcamp-test-log": "v"})
        assert await cache.get_many(["bootcamp-test-log"]) == ["v"]
        await cache.close()

    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        asyncio.run(outage())
        down = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(down) == 1 and "served uncached" in down[0] and "secret" not in down[0]
        caplog.clear()
        asyncio.run(recovery())
        messages = [r.getMessage() for r in caplog.records]
        assert sum("answers again after" in m for m in messages) == 1, messages
        assert sum("unreachable" in m for m in messages) == 1, messages
