"""Attacks on the episode API over real HTTP on loopback, each followed by honest requests.

Odd episode ids (one naming the lease key), a Redis data error, a step whose commit fails, another
key's episode, and a final answer that no verifier finishes. Every loop is bounded in count and time;
only 127.0.0.1 is used.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from _serving import free_port, wait_healthy  # noqa: I001

from bootcamp.env import ENVIRONMENTS, Environment, format_call, register_env, tool
from rewards.service import Settings, create_app
from rewards.service.episode_store import KEY_PREFIX

CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")
KEY_A = "sk-episode-owner-a-0123456789"
KEY_B = "sk-episode-owner-b-9876543210"
A = {"Authorization": f"Bearer {KEY_A}"}
B = {"Authorization": f"Bearer {KEY_B}"}
ENV = "math/big_multiplication"
SLOW_ENV = "generic/test_attack_slow"
HANG_ENV = "generic/test_attack_hanging_grade"
SLEEP_S = 2.0
VERIFY_TIMEOUT_S = 2.0
HOSTILE = "\\boxed{\\sqrt{10^{9999}+7}}"
STORES = ["memory", "redis"]
#: Seconds within which an episode whose step failed must take a step again.
RETRY_WITHIN_S = 12.0


def _register_envs() -> None:
    """A tool that sleeps (so a step is surely in flight) and an environment whose grading never ends.

    Both are local classes: the hanging one cannot go to the pool, so its grade takes the thread path.
    """
    if SLOW_ENV in ENVIRONMENTS:
        return

    @tool("test_attack_sleep", "Sleeps for a while.", {"type": "object", "properties": {}})
    def _sleep(args: dict, context: dict) -> str:
        time.sleep(SLEEP_S)
        return "slept"

    class Slow(Environment):
        id = SLOW_ENV
        tools = ("test_attack_sleep",)
        max_turns = 4

        def generate(self, rng: random.Random) -> dict[str, Any]:
            return {"n": rng.randrange(10)}

        def prompt(self, identity: dict[str, Any]) -> str:
            return "Say the number \\boxed{n}."

        def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
            return float(answer.strip() == str(identity["n"]))

        def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
            return str(identity["n"])

    class Hanging(Slow):
        id = HANG_ENV
        tools = ()
        max_turns = 1

        def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
            deadline = time.monotonic() + 5 * VERIFY_TIMEOUT_S  # bounded, but far past the deadline
            while time.monotonic() < deadline:
                sum(range(10_000))
            return 1.0

    register_env(Slow())
    register_env(Hanging())


@contextmanager
def _service(live_server: Any, request: pytest.FixtureRequest, store: str, **kw: Any) -> Iterator[httpx.Client]:
    _register_envs()
    extra: dict[str, Any] = {}
    if store == "redis":
        # A long retry window: a link marked down stays down for the whole test, so it cannot hide.
        extra = {"redis_url": request.getfixturevalue("redis_url"), "redis_retry_s": 30.0}
    settings = Settings(pool_workers=1, warm_pool=False, api_keys=[KEY_A, KEY_B], episode_tools_sandbox=False,
                        verify_timeout_s=VERIFY_TIMEOUT_S, **{**extra, **kw})
    with live_server(create_app(settings)) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        yield c


def _encode(eid: str) -> str:
    """Every character but letters and digits percent-encoded (so ``..`` and newlines reach the route)."""
    return "".join(ch if ch.isascii() and ch.isalnum() else "".join(f"%{b:02X}" for b in ch.encode()) for ch in eid)


def _honest_round(c: httpx.Client, headers: dict[str, str]) -> None:
    """Create, step and read an episode: each must succeed (no 503 left behind by an attack)."""
    r = c.post("/v1/episodes", json={"env": ENV, "seed": 3}, headers=headers)
    assert r.status_code == 200, r.text[:300]
    eid = r.json()["id"]
    call = format_call("calculator", {"expression": "2*3"})
    r = c.post(f"/v1/episodes/{eid}/step", json={"action": call}, headers=headers)
    assert r.status_code == 200, r.text[:300]
    r = c.get(f"/v1/episodes/{eid}", headers=headers)
    assert r.status_code == 200 and r.json()["turn"] == 1, r.text[:300]


def _step_until_free(c: httpx.Client, eid: str, action: str, headers: dict[str, str], within: float) -> httpx.Response:
    """Retry a step while it is refused for a held lease (409) or an outage (503), at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        r = c.post(f"/v1/episodes/{eid}/step", json={"action": action}, headers=headers)
        if r.status_code not in (409, 503) or time.monotonic() > deadline:
            return r
        time.sleep(0.25)


# -- ids of any other shape, and Redis data errors ---------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_odd_ids_are_4xx_and_nobody_else_notices(live_server, request: pytest.FixtureRequest, store: str) -> None:
    with _service(live_server, request, store) as c:
        eid = c.post("/v1/episodes", json={"env": SLOW_ENV, "seed": 1}, headers=A).json()["id"]
        call = format_call("test_attack_sleep", {})
        out: dict[str, httpx.Response] = {}
        # A step in flight, so the episode's lease key exists while its id is abused.
        t = threading.Thread(target=lambda: out.update(r=c.post(f"/v1/episodes/{eid}/step", json={"action": call},
                                                                 headers=A)))
        t.start()
        time.sleep(SLEEP_S / 4)
        odd = [f"{eid}:lease", f"{eid}:lease:x", "*", "..", "x" * 10_000, "{" + eid + "}", f"{eid}\n", "a\r\nb",
               eid + "A", eid[:-1], "%", " " * 24, "\u00e9" * 24]
        for bad in odd:
            path = "/v1/episodes/" + _encode(bad)
            for method, url, body in (("GET", path, None), ("POST", path + "/step", {"action": "\\boxed{1}"}),
                                      ("DELETE", path, None)):
                r = c.request(method, url, json=body, headers=A)
                assert 400 <= r.status_code < 500, (method, bad[:40], r.status_code, r.text[:200])
            _honest_round(c, B)  # right after each: another key's episodes still work
        t.join(30)
        assert out["r"].status_code == 200, out["r"].text[:300]
        _honest_round(c, A)
        assert c.get(f"/v1/episodes/{eid}", headers=A).json()["turn"] == 1


def test_redis_data_error_fails_one_request_only(live_server, request: pytest.FixtureRequest, redis_server) -> None:
    import redis

    with _service(live_server, request, "redis") as c:
        r = redis.Redis.from_url(redis_server.url, decode_responses=True)
        try:
            # A value of the wrong type where an episode lives: Redis answers WRONGTYPE.
            wrong = "W" * 24
            r.set(KEY_PREFIX + wrong, "a string")
            # A record of the right type and owner whose data is not an episode.
            eid = c.post("/v1/episodes", json={"env": ENV, "seed": 2}, headers=A).json()["id"]
            r.hset(KEY_PREFIX + eid, "data", "{not json")
            for bad, who in ((wrong, A), (eid, A)):
                for method, url, body in (("GET", f"/v1/episodes/{bad}", None),
                                          ("POST", f"/v1/episodes/{bad}/step", {"action": "\\boxed{1}"})):
                    out = c.request(method, url, json=body, headers=who)
                    assert out.status_code == 500 and out.status_code != 503, (method, out.text[:200])
                    assert "episode store" in out.json()["detail"], out.text[:200]
                    _honest_round(c, B)
            assert c.delete(f"/v1/episodes/{wrong}", headers=A).status_code in (404, 500)
            # the failed steps released their lease: no 409 from a leftover one
            assert not r.exists(KEY_PREFIX + eid + ":lease")
            out = c.post(f"/v1/episodes/{eid}/step", json={"action": "\\boxed{1}"}, headers=A)
            assert out.status_code == 500
            _honest_round(c, A)
        finally:
            r.close()


# -- a step whose commit fails leaves no lease behind ------------------------------------------------------
def test_step_in_flight_survives_a_lease_id_request(live_server, request: pytest.FixtureRequest) -> None:
    with _service(live_server, request, "redis") as c:
        eid = c.post("/v1/episodes", json={"env": SLOW_ENV, "seed": 0}, headers=A).json()["id"]
        call = format_call("test_attack_sleep", {})
        out: dict[str, httpx.Response] = {}
        t = threading.Thread(target=lambda: out.update(r=c.post(f"/v1/episodes/{eid}/step", json={"action": call},
                                                                 headers=A)))
        t.start()
        time.sleep(SLEEP_S / 3)  # the step holds its lease and sleeps in its tool
        assert c.get(f"/v1/episodes/{_encode(eid + ':lease')}", headers=A).status_code == 404
        _honest_round(c, B)
        t.join(30)
        first = out["r"]
        if first.status_code != 200:  # had it failed, its lease must not outlive it
            first = _step_until_free(c, eid, call, A, within=RETRY_WITHIN_S)
        assert first.status_code == 200, first.text[:300]
        again = _step_until_free(c, eid, call, A, within=RETRY_WITHIN_S)
        assert again.status_code == 200, again.text[:300]


def test_commit_failure_releases_the_lease(live_server, request: pytest.FixtureRequest, redis_server) -> None:
    import redis

    with _service(live_server, request, "redis", redis_retry_s=1.0) as c:
        r = redis.Redis.from_url(redis_server.url, decode_responses=True)
        try:
            eid = c.post("/v1/episodes", json={"env": SLOW_ENV, "seed": 0}, headers=A).json()["id"]
            call = format_call("test_attack_sleep", {})
            out: dict[str, httpx.Response] = {}
            t = threading.Thread(target=lambda: out.update(r=c.post(f"/v1/episodes/{eid}/step",
                                                                     json={"action": call}, headers=A)))
            t.start()
            deadline = time.monotonic() + 5
            while not r.exists(KEY_PREFIX + eid + ":lease") and time.monotonic() < deadline:
                time.sleep(0.02)
            assert r.exists(KEY_PREFIX + eid + ":lease")
            # Redis stops answering while the step's tool runs: its commit (and first release) time out.
            pause_s = SLEEP_S + 1.0
            r.execute_command("CLIENT", "PAUSE", int(pause_s * 1000), "ALL")
            paused_until = time.monotonic() + pause_s
            t.join(30)
            assert out["r"].status_code == 503, out["r"].text[:300]
            time.sleep(max(0.0, paused_until - time.monotonic()) + 0.1)
            failed_at = time.monotonic()
            retry = _step_until_free(c, eid, call, A, within=RETRY_WITHIN_S)
            assert retry.status_code == 200, retry.text[:300]
            assert retry.json()["turn"] == 1  # the failed step was not recorded
            assert time.monotonic() - failed_at < RETRY_WITHIN_S
        finally:
            r.close()


# -- episodes belong to the key that made them -------------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_another_keys_episode_does_not_exist(live_server, request: pytest.FixtureRequest, store: str) -> None:
    with _service(live_server, request, store) as c:
        eid = c.post("/v1/episodes", json={"env": ENV, "seed": 4}, headers=A).json()["id"]
        call = format_call("calculator", {"expression": "1+1"})
        unknown = "Z" * 24
        for path, body, method in ((f"/v1/episodes/{eid}", None, "GET"),
                                   (f"/v1/episodes/{eid}/step", {"action": call}, "POST"),
                                   (f"/v1/episodes/{eid}", None, "DELETE")):
            r = c.request(method, path, json=body, headers=B)
            assert r.status_code == 404, (method, r.status_code, r.text[:200])
            # exactly what an id that never existed gets: nothing tells B the episode is there
            other = c.request(method, path.replace(eid, unknown), json=body, headers=B)
            assert r.json()["detail"].replace(eid, unknown) == other.json()["detail"]
        got = c.get(f"/v1/episodes/{eid}", headers=A)
        assert got.status_code == 200 and got.json()["turn"] == 0  # B's step did not count
        assert c.post(f"/v1/episodes/{eid}/step", json={"action": call}, headers=A).json()["turn"] == 1
        assert c.delete(f"/v1/episodes/{eid}", headers=A).status_code == 204
        assert c.get(f"/v1/episodes/{eid}", headers=A).status_code == 404


# -- grading has a deadline --------------------------------------------------------------------------------
def _graded_within_deadline(c: httpx.Client, env: str, action: str) -> dict[str, Any]:
    """Step ``action`` as the final answer while ``/healthz`` is polled; both must keep their deadlines."""
    eid = c.post("/v1/episodes", json={"env": env, "seed": 0}, headers=A).json()["id"]
    out: dict[str, Any] = {}

    def step() -> None:
        try:
            out["r"] = c.post(f"/v1/episodes/{eid}/step", json={"action": action}, headers=A,
                              timeout=VERIFY_TIMEOUT_S + 15)
        except httpx.HTTPError as exc:
            out["r"] = exc

    start = time.monotonic()
    t = threading.Thread(target=step, daemon=True)
    t.start()
    worst = 0.0
    for _ in range(200):  # bounded: the step ends long before
        if not t.is_alive():
            break
        t0 = time.monotonic()
        assert c.get("/healthz", timeout=5).status_code == 200
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.1)
    t.join(VERIFY_TIMEOUT_S + 20)
    elapsed = time.monotonic() - start
    assert isinstance(out.get("r"), httpx.Response), f"the step did not answer: {out.get('r')!r}"
    assert out["r"].status_code == 200, out["r"].text[:300]
    assert worst < 1.0, f"/healthz took {worst:.2f}s while the answer was graded"
    assert elapsed < VERIFY_TIMEOUT_S + 8, f"graded in {elapsed:.1f}s"
    body = out["r"].json()
    assert body["done"] and body["verdict"]["score"] == 0.0 and not body["verdict"]["correct"]
    return body["verdict"]


@contextmanager
def _served(store: str, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """``bootcamp serve`` in its own process: a grade that held this process' GIL would also stall the
    test's own client, so the test could not time it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-c", CLI, "serve", "--port", str(port), "--pool-workers", "1",
           "--timeout", str(VERIFY_TIMEOUT_S), "--log-level", "warning"]
    if store == "redis":
        cmd += ["--redis-url", request.getfixturevalue("redis_url")]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**clean, "BOOTCAMP_API_KEYS": f"{KEY_A},{KEY_B}"})
    try:
        wait_healthy(proc, url)
        with httpx.Client(base_url=url, timeout=30) as c:
            yield c
    finally:
        proc.kill()
        proc.wait(30)


def test_hostile_final_answer_gets_a_timeout_in_time(request: pytest.FixtureRequest) -> None:
    # Grading does not touch the store: one store is enough (and a served process takes a while to start).
    with _served("memory", request) as c:
        # warm the pool (the deadline counts from when a worker takes the answer)
        warm = c.post("/v1/episodes", json={"env": "generic/math", "seed": 0}, headers=A).json()["id"]
        assert c.post(f"/v1/episodes/{warm}/step", json={"action": "\\boxed{1}"}, headers=A,
                      timeout=120).status_code == 200
        verdict = _graded_within_deadline(c, "generic/math", HOSTILE)
        assert verdict["reason"] in ("timeout", "invalid_answer", "wrong", "verifier_error"), verdict
        _honest_round(c, A)
        assert c.get("/healthz").json()["pool"]["timeouts"] >= (verdict["reason"] == "timeout")


def test_grading_outside_the_pool_has_the_same_deadline(live_server, request: pytest.FixtureRequest) -> None:
    with _service(live_server, request, "memory") as c:
        verdict = _graded_within_deadline(c, HANG_ENV, "\\boxed{1}")
        assert verdict["reason"] == "timeout", verdict
        _honest_round(c, A)


# -- the shared Redis link: only a link failure takes it down ----------------------------------------------
def test_only_link_failures_mark_the_redis_link_down(redis_url: str) -> None:
    import asyncio

    from rewards.service.cache import RedisLink
    from rewards.service.limits import RedisDataError, run_script

    async def main() -> None:
        import redis.asyncio as aioredis

        r = aioredis.Redis.from_url(redis_url)
        await r.set("bootcamp:test:string", "x")
        await r.aclose()
        link = RedisLink(redis_url, timeout_s=0.5, retry_s=30.0)
        with pytest.raises(RedisDataError, match="WRONGTYPE"):
            await run_script(link, "return redis.call('HGET', KEYS[1], 'f')", ["bootcamp:test:string"], [])
        with pytest.raises(RedisDataError):
            await run_script(link, "return error_here()", [], [])
        assert link.available and link.errors == 0  # up for everyone else
        assert await run_script(link, "return 7", [], []) == 7
        await link.close()

        dead = RedisLink(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5, retry_s=30.0)
        assert await run_script(dead, "return 7", [], []) is None
        assert not dead.available and dead.errors == 1
        assert await run_script(dead, "return 7", [], []) is None and dead.errors == 1  # skipped, not tried
        await dead.close()
        # force: tried while marked down (a lease release); a success marks the link up again
        revived = RedisLink(redis_url, timeout_s=0.5, retry_s=30.0)
        revived.failed()
        assert await run_script(revived, "return 7", [], []) is None
        assert await run_script(revived, "return 7", [], [], force=True) == 7 and revived.available
        await revived.close()

    asyncio.run(main())
