"""Sandbox attacks sent the way a policy sends them: code answers through the live service.

One batch mixes honest programs with hostile ones (writes outside the sandbox, reading
the service's secrets, killing every process it can see, sleeping past the deadline, a
fork bomb, connecting to the local Redis). Afterwards: no escape, no orphaned sandbox,
honest answers correct (also when the same batch is served from the Redis cache), no
failed verdict in the cache, and the service's memory bounded.
"""

from __future__ import annotations

import glob
import json
import re
import secrets
import time
from pathlib import Path

import httpx
import pytest

import bootcamp
from bootcamp.verifiers.sandbox import available

pytestmark = pytest.mark.slow

TASK = "code/rotate_list"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sandboxes() -> set[int]:
    out = set()
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            if b"_code_runner" in Path(path).read_bytes():
                out.add(int(path.split("/")[2]))
        except OSError:
            continue
    return out


def _program(identity: dict, body: str) -> str:
    name = re.search(r"def (\w+)\(", bootcamp.get_task(TASK).solve(identity)).group(1)
    return f"```python\ndef {name}(*args):\n    {body}\n```"


def test_hostile_code_through_the_service(live_server, redis_url, redis_server, tmp_path, monkeypatch):
    if not available()[0]:
        pytest.skip("bubblewrap isolation is not available here (scripts/setup.sh installs it)")
    from rewards.service import Settings, create_app

    secret = secrets.token_hex(16)
    monkeypatch.setenv("BOOTCAMP_TEST_SECRET", secret)  # the pool workers inherit it
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret)
    canary = tmp_path / "canary"
    task = bootcamp.get_task(TASK)
    problems = [task.problem(s, with_answer=True) for s in range(4)]
    ident = problems[0].identity
    hostile = {
        "write": f"open({str(canary)!r}, 'w').write('x')",
        "read_secret": f"return open({str(secret_file)!r}).read()",
        "environ": "import os; return open('/proc/%d/environ' % os.getppid(), 'rb').read().decode('latin-1')",
        "kill_all": "import os, signal\n    for p in range(2, 5000):\n        try: os.kill(p, signal.SIGKILL)\n"
                    "        except Exception: pass",
        "redis": f"import socket; s = socket.create_connection(('127.0.0.1', {redis_server.port}), 1); "
                 "s.sendall(b'FLUSHALL\\r\\n'); return s.recv(64).decode()",
        "sleep": "import time; time.sleep(30)",
        "fork_bomb": "import os\n    while True: os.fork()",
    }
    honest = [{"task": TASK, "identity": p.identity, "response": task.format_answer(p.answer)} for p in problems]
    evil = [{"task": TASK, "identity": ident, "response": _program(ident, body)} for body in hostile.values()]
    items = honest[:2] + evil + honest[2:]
    before, rss_before = _sandboxes(), _rss_mb()
    settings = Settings(pool_workers=2, verify_timeout_s=2.0, redis_url=redis_url)
    with live_server(create_app(settings)) as srv, httpx.Client(base_url=srv.url, timeout=120) as http:
        import redis

        r = redis.Redis.from_url(redis_url)
        r.set("bootcamp-test-sentinel", "1")
        first = http.post("/v1/verify/batch", json={"items": items})
        assert first.status_code == 200, first.text[:500]
        verdicts = first.json()["verdicts"]
        assert [v["correct"] for v in verdicts] == [True, True] + [False] * len(evil) + [True, True]
        for name, v in zip(hostile, verdicts[2:-2], strict=True):
            text = json.dumps(v)
            assert secret not in text, f"{name} leaked the secret"
            assert v["reason"] != "ok", name
        assert not canary.exists()
        assert r.get("bootcamp-test-sentinel") == b"1"  # nothing reached Redis from a sandbox
        # the same batch again: honest verdicts from the cache are still right, hostile ones still wrong
        again = http.post("/v1/verify/batch", json={"items": items}).json()["verdicts"]
        assert [v["correct"] for v in again] == [v["correct"] for v in verdicts]
        # no failed verdict was cached: every cached entry says what a verifier decided on its own (a
        # timeout the answer caused is such a verdict: it would time out again)
        keys = list(r.scan_iter("bootcamp:verdict:*"))
        assert keys, "the honest verdicts should be cached"
        for key in keys:
            cached = json.loads(r.get(key))
            assert cached.get("reason") != "verifier_error", cached
    deadline = time.monotonic() + 10
    while _sandboxes() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sandboxes() - before == set(), "sandboxed processes outlived their requests"
    assert not glob.glob("/tmp/bootcamp-code-*")
    assert _rss_mb() - rss_before < 300
