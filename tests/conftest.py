"""Session-wide fixtures: a real redis-server on a free port, and live HTTP servers on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from _serving import free_port  # noqa: I001 - tests/ is on the path for its conftest

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")


def wait_for_port(port: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
        time.sleep(0.05)
    return False


class RedisServer:
    """A real redis-server process on a private port; can be stopped and started again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for_port(self.port, 10):
            self.stop()
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A session-wide redis-server (``--save ''``); tests that need it skip when it is not installed."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); skipping Redis tests")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session Redis, flushed before the test."""
    import redis

    if redis_server.proc is None:
        redis_server.start()
    r = redis.Redis.from_url(redis_server.url)
    r.flushall()
    r.close()
    return redis_server.url


class LiveServer:
    """An ASGI app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="session")
def live_server() -> Any:
    """Factory: ``with live_server(app) as srv: httpx.get(srv.url + ...)``."""
    return LiveServer


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny policy checkpoint shared by the rollout and learner tests (built once per session)."""
    from rollout import testing

    return testing.shared_model(str(tmp_path_factory.getbasetemp() / "models"))


@pytest.fixture(scope="session")
def vllm_rollout(tiny_model: str) -> Any:
    """One vLLM rollout actor for the session (skips without vllm)."""
    pytest.importorskip("vllm")
    from rollout import testing

    return testing.shared_rollout("vllm", tiny_model)


_VERIFIER_TRAINING = ("import sys; from learner.reward_models import verifier_preset; "
                      "from learner.verifier_sft import ensure_verifier_model; "
                      "ensure_verifier_model(sys.argv[1], **verifier_preset('default'))")


def _verifier_cache(config: pytest.Config) -> Any:
    return config._tmp_path_factory.getbasetemp() / "example-models"  # type: ignore[attr-defined]


def pytest_collection_finish(session: pytest.Session) -> None:
    """When a collected test needs the trained tiny verifier, train it from the start of the session in a
    background process at the lowest CPU priority: it takes ~3 min of one core, which the suite's idle
    moments (servers starting, jobs waiting on each other) mostly pay for. The fixture waits for it."""
    if not any("tiny_verifier" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    import sys

    cache = _verifier_cache(session.config)
    cache.mkdir(parents=True, exist_ok=True)
    log = open(cache / "verifier-training.log", "w")  # noqa: SIM115 - the process outlives this hook
    session.config._verifier_training = subprocess.Popen(  # type: ignore[attr-defined]
        [sys.executable, "-c", _VERIFIER_TRAINING, str(cache)], stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=lambda: os.nice(19), env={**os.environ, "OMP_NUM_THREADS": "1"})


def pytest_unconfigure(config: pytest.Config) -> None:
    proc = getattr(config, "_verifier_training", None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="session")
def tiny_verifier(request: pytest.FixtureRequest) -> str:
    """The folder of the tiny verifier, default preset (held-back accuracy ~0.96), trained once per session:
    by the background process the session started (see :func:`pytest_collection_finish`), or here when
    there is none or it failed."""
    from learner.reward_models import verifier_preset
    from learner.verifier_sft import ensure_verifier_model

    proc = getattr(request.config, "_verifier_training", None)
    if proc is not None:
        proc.wait()
    return ensure_verifier_model(str(_verifier_cache(request.config)), **verifier_preset("default"))


@pytest.fixture(scope="session")
def served_verifier(tiny_verifier: str) -> Any:
    """The tiny verifier behind a real vLLM OpenAI server. (The fast preset tells answers from
    non-answers but barely compares numbers, so the default one is served.)

    Uses the same model cache as tests/test_examples.py, so the mixture example reuses the model.
    Skips without vllm.
    """
    pytest.importorskip("vllm")
    from rewards.models.openai_server import LocalModelServer

    server = LocalModelServer(tiny_verifier, "tiny-verifier", max_model_len=256).start()
    server.path = tiny_verifier
    yield server
    server.stop()
