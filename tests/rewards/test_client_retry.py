"""Replicas and retries of the reward-service clients.

Against real ``bootcamp serve`` processes on loopback: one of two replicas is killed (SIGKILL)
while requests run, a lone service is down for a few seconds and comes back on the same port,
and a 4xx is counted on the server to show it was sent once. Against a scripted ASGI app: the
retried statuses, Retry-After, the attempt limit and the async client.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from _serving import free_port, wait_healthy  # noqa: I001

import bootcamp
from rewards.client import (
    AsyncBootcampClient,
    BootcampClient,
    RetryEvent,
    RewardServiceError,
    RewardServiceUnavailable,
)
from rewards.scoring import TaskScorer, make_scorer

CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")
TASKS = ["math/gcd", "math/lcm", "math/digit_add", "math/digit_parity", "math/modular_inverse"]


class Replica:
    """One ``bootcamp serve`` process on a fixed loopback port; can be killed and started again there."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.groups: list[int] = []  # every start's process group, cleaned up by stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, wait: bool = True) -> Replica:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
        cmd = [sys.executable, "-c", CLI, "serve", "--port", str(self.port), "--pool-workers", "1",
               "--log-level", "warning"]
        # its own session: cleanup can reach the verifier processes a SIGKILL leaves behind
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.groups.append(self.proc.pid)
        if wait:
            wait_healthy(self.proc, self.url, timeout=120)
        return self

    def kill(self) -> None:
        """SIGKILL the service process by its PID (no graceful shutdown)."""
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(10)  # type: ignore[union-attr]

    def stop(self) -> None:
        for group in self.groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait(10)
            self.proc = None


@pytest.fixture(scope="module")
def replicas() -> Iterator[list[Replica]]:
    pair = [Replica(), Replica()]
    try:
        for r in pair:
            r.start(wait=False)
        for r in pair:
            assert r.proc is not None
            wait_healthy(r.proc, r.url, timeout=120)
        yield pair
    finally:
        for r in pair:
            r.stop()


def _items(n: int, seed: int) -> list[tuple[str, dict[str, Any], str]]:
    """Right and wrong answers over several task families."""
    out = []
    for k in range(n):
        task = bootcamp.get_task(TASKS[k % len(TASKS)])
        p = task.problem(seed * 1000 + k, with_answer=True)
        answer = task.format_answer(p.answer) if k % 2 == 0 else "\\boxed{-12345}"
        out.append((p.task, p.identity, answer))
    return out


def _requests_with_status(url: str, status: int) -> float:
    """Requests this replica answered with ``status`` (its Prometheus counter)."""
    text = httpx.get(url + "/metrics", timeout=10).text
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("bootcamp_requests_total{") and f'status="{status}"' in line)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_killing_one_of_two_replicas_loses_no_request(replicas: list[Replica]) -> None:
    victim, survivor = replicas
    batches = [_items(6, s) for s in range(40)]
    expected = [[(v.score, v.correct) for v in TaskScorer().score(b)] for b in batches]
    events: list[RetryEvent] = []
    done = threading.Semaphore(0)
    with BootcampClient([victim.url, survivor.url], timeout=30, retry_budget_s=60, on_retry=events.append) as c:
        def one(i: int) -> list[tuple[float, bool]]:
            try:
                return [(v.score, v.correct) for v in c.verify_batch(batches[i])]
            finally:
                done.release()

        with ThreadPoolExecutor(4) as ex:
            futures = [ex.submit(one, i) for i in range(len(batches))]
            for _ in range(10):  # a quarter of the work through both replicas, then the kill mid-stream
                done.acquire()
            victim.kill()
            got = [f.result() for f in futures]  # raises if any request was lost
        assert got == expected
        assert c.retries >= 1 and c.retries == len(events)
        assert {e.url for e in events} == {victim.url}  # only the dead replica failed
        assert c.health()["status"] == "ok"  # and the client keeps working on the survivor


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_call_waits_for_a_restarted_service() -> None:
    replica = Replica().start()
    try:
        items = _items(5, 99)
        expected = [(v.score, v.correct) for v in TaskScorer().score(items)]
        replica.kill()
        with pytest.raises(httpx.ConnectError):
            httpx.get(replica.url + "/healthz", timeout=2)  # really down

        def restart() -> None:
            time.sleep(3.0)
            replica.start(wait=False)

        thread = threading.Thread(target=restart)
        events: list[RetryEvent] = []
        start = time.monotonic()
        thread.start()
        with BootcampClient(replica.url, timeout=30, retry_budget_s=120, on_retry=events.append) as c:
            got = [(v.score, v.correct) for v in c.verify_batch(items)]
        waited = time.monotonic() - start
        thread.join()
        assert got == expected
        assert waited >= 3.0 and c.retries >= 3 and len(events) == c.retries
        assert all(e.url == replica.url and "Connect" in e.error for e in events)
        assert max(e.delay_s for e in events) <= 5.0  # the backoff stays capped, so the restart is seen soon
    finally:
        replica.stop()


@pytest.mark.slow
def test_a_4xx_is_sent_once(replicas: list[Replica]) -> None:
    alive = next(r for r in replicas if r.proc is not None and r.proc.poll() is None)
    before = _requests_with_status(alive.url, 404)
    with BootcampClient(alive.url, retry_budget_s=30) as c:
        with pytest.raises(RewardServiceError) as info:
            c.verify("math/no_such_task", {}, "\\boxed{1}")
        assert info.value.status == 404 and not isinstance(info.value, RewardServiceUnavailable)
        assert c.retries == 0
    assert _requests_with_status(alive.url, 404) == before + 1


def test_budget_exhausted_raises_a_clear_error() -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    start = time.monotonic()
    with BootcampClient(dead, timeout=2, retry_budget_s=1.5, backoff_s=0.1) as c:
        with pytest.raises(RewardServiceUnavailable) as info:
            c.verify("math/gcd", {"numbers": [4, 6]}, "\\boxed{2}")
    took = time.monotonic() - start
    err = info.value
    assert err.status == 0 and err.attempts >= 3 and c.retries == err.attempts - 1
    assert "retry budget 1.5 s" in str(err) and "ConnectError" in str(err)
    assert isinstance(err.__cause__, httpx.ConnectError)
    assert 0.5 <= took < 4.0, took  # it stops when the next wait would pass the budget
    # the training-side scorer fails the step the same way; it never makes up verdicts
    scorer = make_scorer("service", [dead, dead + "/"], 2.0, retry_budget_s=0.5)
    assert scorer.urls == [dead]
    with pytest.raises(RewardServiceUnavailable):
        scorer.score([("math/gcd", {"numbers": [4, 6]}, "\\boxed{2}")])
    assert scorer.retries >= 1


def test_bad_arguments_are_refused() -> None:
    for bad in ([], "", ["ftp://x"]):
        with pytest.raises(ValueError, match="base_url"):
            BootcampClient(bad)
    with pytest.raises(ValueError, match="retries"):
        BootcampClient("http://127.0.0.1:1", retries=-1)
    with pytest.raises(ValueError, match="rewards.url"):
        make_scorer("service", [])


class Scripted:
    """An ASGI app that answers each request with the next ``(status, headers)`` of a script, and counts them."""

    def __init__(self, *script: tuple[int, dict[str, str]]) -> None:
        self.script = list(script)
        self.hits = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        while (await receive()).get("more_body"):
            pass
        status, headers = self.script[min(self.hits, len(self.script) - 1)]
        self.hits += 1
        body = b'{"status": "ok"}' if status == 200 else b'{"detail": "scripted"}'
        raw = [(b"content-type", b"application/json")] + [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def test_retry_statuses_and_retry_after(live_server: Any) -> None:
    app = Scripted((503, {"Retry-After": "1"}), (429, {"Retry-After": "1"}), (502, {}), (504, {}), (200, {}))
    with live_server(app) as srv, BootcampClient(srv.url, retry_budget_s=30, backoff_s=0.05) as c:
        start = time.monotonic()
        assert c.health() == {"status": "ok"}
        assert time.monotonic() - start >= 2.0  # both Retry-After waits were kept
    assert app.hits == 5 and c.retries == 4


def test_retry_after_beyond_the_budget_gives_up_at_once(live_server: Any) -> None:
    app = Scripted((429, {"Retry-After": "3600"}))
    with live_server(app) as srv, BootcampClient(srv.url, retry_budget_s=10) as c:
        start = time.monotonic()
        with pytest.raises(RewardServiceUnavailable) as info:
            c.health()
        assert time.monotonic() - start < 2.0
    assert info.value.status == 429 and app.hits == 1


@pytest.mark.parametrize("status", [400, 401, 404, 413, 422, 500])
def test_other_errors_are_not_retried(live_server: Any, status: int) -> None:
    app = Scripted((status, {}), (200, {}))
    with live_server(app) as srv, BootcampClient(srv.url, retry_budget_s=30) as c:
        with pytest.raises(RewardServiceError) as info:
            c.health()
    assert info.value.status == status and info.value.detail == "scripted"
    assert app.hits == 1 and c.retries == 0


def test_attempt_limit(live_server: Any) -> None:
    app = Scripted((503, {}))
    with live_server(app) as srv, BootcampClient(srv.url, retries=2, retry_budget_s=60, backoff_s=0.01) as c:
        with pytest.raises(RewardServiceUnavailable) as info:
            c.health()
    assert info.value.status == 503 and info.value.attempts == 3 and app.hits == 3 and c.retries == 2


def test_async_client_fails_over_to_the_next_replica(live_server: Any) -> None:
    app = Scripted((502, {}), (200, {}))
    dead = f"http://127.0.0.1:{free_port()}"

    async def main(url: str) -> tuple[dict[str, Any], int]:
        async with AsyncBootcampClient([dead, url], retry_budget_s=30, backoff_s=0.05) as c:
            return await c.health(), c.retries

    with live_server(app) as srv:
        health, retries = asyncio.run(main(srv.url))
    # dead replica (refused) -> the app (502) -> backoff -> ... -> the app (200)
    assert health == {"status": "ok"} and app.hits == 2 and retries >= 2
