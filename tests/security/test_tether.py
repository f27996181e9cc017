"""What a job launches dies with it, SIGKILL included: a model server started through
``LocalModelServer`` (its real start path, with a stand-in server command) leaves no process behind
when the process that started it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# A stand-in server: answers /health on its port and starts a child of its own (as vLLM starts its
# engine), both printing their pids.
SERVER = textwrap.dedent("""
    import http.server, os, subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print("pids", os.getpid(), child.pid, flush=True)
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers()
        def log_message(self, *a):
            pass
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
""")

# The "job": starts the server through LocalModelServer, prints the log path, then waits to be killed.
JOB = textwrap.dedent("""
    import sys, time
    from rewards.models.openai_server import LocalModelServer

    class Stand(LocalModelServer):
        def command(self):
            return [sys.executable, "-c", sys.argv[1], str(self.port)]

    server = Stand("stand-in", startup_timeout=60).start()
    print("log", server.log_path, "watchdog", server.proc.pid, flush=True)
    time.sleep(600)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _server_pids(log: Path, deadline: float) -> list[int]:
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith("pids "):
                return [int(x) for x in line.split()[1:]]
        time.sleep(0.1)
    raise AssertionError(f"the stand-in server never started:\n{log.read_text()[-2000:]}")


@pytest.mark.timeout(120)
def test_a_launched_server_dies_with_a_sigkilled_job() -> None:
    job = subprocess.Popen([sys.executable, "-c", JOB, SERVER], stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parents[2])
    try:
        line = job.stdout.readline().split()
        assert line and line[0] == "log", f"job failed: {line}"
        log, watchdog = Path(line[1]), int(line[3])
        pids = [watchdog, *_server_pids(log, time.monotonic() + 60)]
        assert all(_alive(p) for p in pids)
        job.send_signal(signal.SIGKILL)
        job.wait(10)
        deadline = time.monotonic() + 20  # the watchdog looks every 0.5 s; SIGTERM then SIGKILL within 5 s
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [p for p in pids if _alive(p)]
        assert not left, f"processes outlived the job: {left}"
    finally:
        job.kill()


def test_stop_still_ends_the_server_and_its_children(tmp_path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from rewards.models.openai_server import LocalModelServer

    class Stand(LocalModelServer):
        def command(self) -> list[str]:
            return [sys.executable, "-c", SERVER, str(self.port)]

    server = Stand("stand-in", startup_timeout=60).start()
    pids = [server.proc.pid, *_server_pids(Path(server.log_path), time.monotonic() + 60)]
    server.stop(timeout=10)
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in pids if _alive(p)]
