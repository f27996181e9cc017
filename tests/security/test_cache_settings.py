"""Replicas that score differently never share a cached verdict.

Two real ``bootcamp serve`` processes on one real Redis, both serving the reasoning-gym
dataset ``chain_sum``: one with ``BOOTCAMP_REASONING_GYM_PARITY=1`` (reasoning-gym's own
extraction: the last ``<answer>`` anywhere, inside unfinished thinking too), one without
(bootcamp's: an answer inside the thinking is no answer). The same request to each must get
each replica's own verdict, and Redis must hold one entry per replica.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from _serving import free_port, stop, wait_healthy  # noqa: I001

pytest.importorskip("reasoning_gym")
redis = pytest.importorskip("redis")

# The root app with the service's commands added (as the bootcamp.commands entry point does).
CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")
TASK = "math/rg_chain_sum"


@contextmanager
def replica(redis_url: str, parity: bool) -> Iterator[str]:
    """A ``bootcamp serve`` process serving ``chain_sum``, with or without reasoning-gym parity."""
    port = free_port()
    env = {**os.environ, "BOOTCAMP_REASONING_GYM": "chain_sum"}
    env.pop("BOOTCAMP_REASONING_GYM_PARITY", None)
    if parity:
        env["BOOTCAMP_REASONING_GYM_PARITY"] = "1"
    cmd = [sys.executable, "-c", CLI, "serve", "--port", str(port), "--pool-workers", "1",
           "--redis-url", redis_url, "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(proc, url)
        yield url
    finally:
        stop(proc)


def _hits(http: httpx.Client, url: str) -> float:
    for line in http.get(url + "/metrics").text.splitlines():
        if line.startswith("bootcamp_cache_hits_total "):
            return float(line.split()[-1])
    return 0.0


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_parity_and_default_replicas_keep_their_own_verdicts(redis_url: str) -> None:
    from bootcamp.compat.reasoning_gym import ReasoningGymTask

    task = ReasoningGymTask(TASK, dataset="chain_sum")
    r = redis.Redis.from_url(redis_url)  # the fixture flushed it
    with replica(redis_url, parity=True) as parity, replica(redis_url, parity=False) as default, \
            httpx.Client(timeout=60) as http:
        for n, order in enumerate(((parity, default), (default, parity))):  # each replica asked first once
            identity = task.generate(random.Random(n))
            # The right answer, but inside thinking that never closes: reasoning-gym scores it,
            # bootcamp finds no final answer.
            body = {"task": TASK, "identity": identity,
                    "response": f"<think>Adding up the chain. <answer>{task.solve(identity)}</answer>"}
            verdicts = {}
            for url in order:
                verdicts[url] = http.post(url + "/v1/verify", json=body).json()
            assert (verdicts[parity]["score"], verdicts[parity]["correct"]) == (1.0, True), verdicts[parity]
            assert (verdicts[default]["score"], verdicts[default]["reason"]) == (0.0, "no_answer"), verdicts[default]
            for url in order:  # asked again: each replica's own entry, from the cache
                before = _hits(http, url)
                assert http.post(url + "/v1/verify", json=body).json() == verdicts[url]
                assert _hits(http, url) == before + 1
            keys = r.keys("bootcamp:verdict:*")
            assert len(keys) == 2 * (n + 1), keys  # one entry per replica and problem: no shared key
            stored = sorted(r.get(k).decode() for k in keys)
            assert any('"correct":true' in v for v in stored) and any('"no_answer"' in v for v in stored)
    r.close()
