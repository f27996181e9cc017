"""Helpers for tests that start servers on loopback: a free port, and waiting for `bootcamp serve`."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx


def free_port() -> int:
    """A TCP port nothing listens on right now (127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float = 240.0) -> None:
    """Wait until ``url``/healthz answers 200; fail with the server's stderr if it dies first."""
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else "bootcamp serve exited"
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "bootcamp serve did not come up"
        time.sleep(0.5)


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Terminate a served process and wait for it; kill it if it does not end in ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
