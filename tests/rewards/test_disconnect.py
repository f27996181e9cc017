"""A client that goes away mid-upload costs one log line, no traceback, and the service stays up.

`bootcamp serve` runs as a real process on 127.0.0.1 with its log captured; raw sockets send
requests that declare a large body, write part of it and close.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from _serving import free_port, stop, wait_healthy  # noqa: I001

import bootcamp

CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")
ABORTS = 20
PATHS = ("/v1/verify/batch", "/v1/verify", "/get_reward")


def _abort_upload(port: int, path: str, k: int) -> None:
    """POST ``path`` declaring a 600 kB body, send 20 kB of it, close the socket."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 600000\r\n\r\n").encode()
    part = b'{"items": [' + b'{"task": "math/gcd", "identity": {}, "response": "' + b"x" * 20_000
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(head + part)
        time.sleep(0.05 if k % 2 else 0.0)  # some close while the server is reading, some at once


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    log = tmp_path_factory.mktemp("disconnect") / "serve.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", CLI, "serve", "--port", str(port), "--pool-workers", "1",
                                 "--log-level", "info"], stdout=out, stderr=subprocess.STDOUT, env=clean)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url)
        yield proc, url, port, log
    finally:
        stop(proc)


def _disconnect_lines(log: Path) -> list[str]:
    return [line for line in log.read_text(errors="replace").splitlines() if "client went away" in line]


@pytest.mark.timeout(300)
def test_aborted_uploads_are_one_line_each_and_the_service_stays_up(served) -> None:
    proc, url, port, log = served
    start = log.stat().st_size
    for k in range(ABORTS):
        _abort_upload(port, PATHS[k % len(PATHS)], k)
    deadline = time.monotonic() + 30
    while len(_disconnect_lines(log)) < ABORTS and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the service died"

    task = bootcamp.get_task("math/gcd")
    p = task.problem(0, with_answer=True)
    item = {"task": "math/gcd", "identity": p.identity, "response": task.format_answer(p.answer)}
    r = httpx.post(url + "/v1/verify/batch", json={"items": [item]}, timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["verdicts"][0]["correct"] is True

    text = log.read_text(errors="replace")[start:]
    assert "Traceback" not in text, text[-3000:]
    assert "ERROR" not in text and "Exception" not in text, text[-3000:]
    lines = _disconnect_lines(log)
    # One line per aborted upload, naming the method and the path; nothing else mentions them.
    assert len(lines) == ABORTS, text[-3000:]
    for line in lines:
        assert "POST" in line and any(p in line for p in PATHS), line
    about = [line for line in text.splitlines() if any(p in line for p in PATHS)]
    assert len(about) <= ABORTS + 1, "\n".join(about[:50])  # the honest request's access line is the +1
    assert len(text) < 200 * ABORTS, f"{len(text)} bytes of log for {ABORTS} aborted uploads"
    metrics = httpx.get(url + "/metrics", timeout=30).text
    assert f"bootcamp_client_disconnects_total {float(ABORTS)}" in metrics
