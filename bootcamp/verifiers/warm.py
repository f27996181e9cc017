"""Pre-warmed sandboxes: a pool per kind, started ahead, refilled in the background.

A :class:`Kind` names a runner started under bubblewrap (see ``sandbox.py``) and whether it is
*single-use* (each warm sandbox serves exactly one request, then is destroyed: runners that execute model
code) or a *template* (one warm sandbox forks a fresh child per request, see ``_serve.py``: runners that
never execute model text). :class:`WarmPool` keeps ``size`` idle warm sandboxes of a kind, started by one
long-lived thread (bubblewrap's ``--die-with-parent`` is tied to the thread that started it, so request
threads never start sandboxes that outlive them), recycles sandboxes older than ``max_age_s``, and
retries a failed start once before reporting its real cause.

:class:`Warm` is one started sandbox: ``send`` a request, then ``read`` records until the request ends
(end of output for single-use sandboxes, an ``{"end": 1}`` record for templates), the caller's deadline,
or the output cap. Records are whole JSON lines; anything else on the channel is reported as malformed.
The parent decides every failure reason from what it observed itself (its own deadline, the output cap,
the cgroup's OOM count, the CPU time the sandbox used): never from the child's exit status.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import selectors
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bootcamp.verifiers import sandbox

log = logging.getLogger(__name__)

#: Environment variable: idle warm sandboxes per kind and process. 0: nothing is started ahead or reused
#: (every request starts, and then destroys, a sandbox of its own).
POOL_ENV = "BOOTCAMP_SANDBOX_WARM"
DEFAULT_SIZE = 1
#: Sandboxes older than this are recycled (seconds).
MAX_AGE_S = 600.0
#: A template serves at most this many requests before it is replaced.
MAX_TEMPLATE_USES = 2000
STDERR_TAIL = 8192
#: The child-side serving loop, bound next to every runner.
SERVE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_serve.py")


class StartFailed(Exception):
    """A sandbox could not be started (twice): the message is the real cause."""


@dataclass(frozen=True)
class Kind:
    """How to start one kind of warm sandbox.

    Attributes:
        name: a short name for logs and metrics ("code", "rg", "tools", ...).
        argv: the full command line (bwrap's, or the plain interpreter's in unsafe mode).
        template: True when one warm process forks a child per request (no model text runs in it).
        start_timeout_s: how long the sandbox may take to get warm.
        memory_bytes: memory cap of the whole sandbox, charged to a cgroup when one can be created.
        cwd: working directory of the started process (on the host).
        env: its environment.
    """

    name: str
    argv: tuple[str, ...]
    template: bool = False
    start_timeout_s: float = 30.0
    memory_bytes: int = 4 << 30
    cwd: str = "/"
    env: tuple[tuple[str, str], ...] = ()


class Warm:
    """One started sandbox with its pipes (see the module docstring)."""

    def __init__(self, kind: Kind, proc: subprocess.Popen, cgroup: object | None) -> None:
        self.kind, self.proc, self.cgroup = kind, proc, cgroup
        self.born = time.monotonic()
        self.uses = 0
        self._buf = bytearray()
        self._err = bytearray()
        self.output_bytes = 0
        self._over = False
        self.returncode: int | None = None
        self.cpu_s = 0.0
        self._sel = selectors.DefaultSelector()
        assert proc.stdout and proc.stderr
        self._sel.register(proc.stdout, selectors.EVENT_READ, "out")
        self._sel.register(proc.stderr, selectors.EVENT_READ, "err")

    @property
    def stderr(self) -> str:
        return self._err.decode("utf-8", "replace")

    def age(self) -> float:
        return time.monotonic() - self.born

    def alive(self) -> bool:
        return self.returncode is None and self.proc.poll() is None

    def send(self, payload: bytes) -> bool:
        """Write one request frame; False when the sandbox is gone."""
        assert self.proc.stdin
        self.uses += 1
        self.output_bytes, self._over = 0, False
        try:
            self.proc.stdin.write(b"%d\n" % len(payload) + payload)
            self.proc.stdin.flush()
            if not self.kind.template:
                self.proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            return False
        return True

    def read(self, deadline: float, cap: int) -> tuple[dict | None, str]:
        """The next record, or ``(None, stop)`` with stop "eof", "timeout", "output" or "end"."""
        while True:
            line = self._line()
            if line is not None:  # lines already received come first, even past the cap
                return self._parse(line)
            if self._over:
                return None, "output"
            if not self._sel.get_map() or self._sel.get_map().get(self.proc.stdout.fileno()) is None:  # type: ignore[union-attr]
                return None, "eof"
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout"
            for key, _ in self._sel.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    self._sel.unregister(key.fileobj)
                    continue
                room = cap - self.output_bytes
                self.output_bytes += len(chunk)
                if key.data == "err":
                    self._err = (self._err + chunk)[-STDERR_TAIL:]
                else:
                    self._buf.extend(chunk[:max(0, room)])  # nothing past the cap is ever read as a record
                if self.output_bytes > cap:
                    self._over = True
                    break

    def _line(self) -> bytes | None:
        if b"\n" not in self._buf:
            return None
        line, _, rest = self._buf.partition(b"\n")
        self._buf = bytearray(rest)
        return bytes(line)

    @staticmethod
    def _parse(line: bytes) -> tuple[dict | None, str]:
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            rec = None
        if not isinstance(rec, dict):
            return {"_malformed": line[:200].decode("utf-8", "replace")}, ""
        if rec.get("end") == 1 and len(rec) <= 2:
            return rec, "end"
        return rec, ""

    def destroy(self) -> None:
        """Kill the whole sandbox, reap it (keeping its CPU time), remove its cgroup."""
        sandbox.kill(self.proc)
        if self.cgroup is not None:
            self.cgroup.kill()  # type: ignore[attr-defined]
        self._reap()
        self._sel.close()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe and not pipe.closed:
                try:
                    pipe.close()
                except OSError:
                    pass
        if self.cgroup is not None:
            self.cgroup.remove()  # type: ignore[attr-defined]

    def _reap(self) -> None:
        if self.returncode is not None:
            return
        try:
            _, status, usage = os.wait4(self.proc.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
            self.cpu_s = usage.ru_utime + usage.ru_stime
            self.proc.returncode = self.returncode
        except ChildProcessError:
            self.returncode = self.proc.wait()

    def oom_killed(self) -> bool:
        return bool(self.cgroup is not None and self.cgroup.oom_killed())  # type: ignore[attr-defined]


def start(kind: Kind) -> Warm:
    """Start one sandbox of ``kind`` and wait until it is warm.

    Raises:
        StartFailed: it did not start or get warm (the message gives the cause).
    """
    cgroup = sandbox.memory_cgroup(kind.memory_bytes) if kind.argv and sandbox.is_bwrap(kind.argv) else None
    _close_first_at_exit()
    argv = list(kind.argv)
    if cgroup is not None:
        argv = cgroup.wrap_argv(argv)
    fds = sandbox.extra_fds(argv)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=kind.cwd, env=dict(kind.env), start_new_session=True, close_fds=True,
                                pass_fds=fds)
    except OSError as exc:
        if cgroup is not None:
            cgroup.remove()
        raise StartFailed(f"cannot start the {kind.name} sandbox: {exc}") from exc
    finally:
        for fd in fds:
            os.close(fd)
    warm = Warm(kind, proc, cgroup)
    deadline = time.monotonic() + kind.start_timeout_s
    rec, stop = warm.read(deadline, 1 << 20)
    if rec is not None and rec.get("warm") == 1 and len(rec) == 1:
        return warm
    warm.destroy()
    if stop == "timeout":
        raise StartFailed(f"the {kind.name} sandbox did not start within {kind.start_timeout_s:g} s")
    if rec is not None and "fatal" in rec:
        raise StartFailed(f"the {kind.name} sandbox failed to start: {str(rec.get('detail', ''))[:300]}")
    raise StartFailed(f"the {kind.name} sandbox failed to start: {cause(warm.stderr, warm.returncode)}")


#: Lines of a sandbox's stderr that are noise, not a cause (libraries warning about the bare sandbox).
NOISE = ("Fontconfig", "Warning", "warn(")


def cause(stderr: str, returncode: int | None) -> str:
    """What a failed sandbox's stderr and status say went wrong (not the last warning printed)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.strip().startswith(NOISE)]
    status = f"exit status {returncode}"
    if returncode is not None and returncode < 0:
        status = f"killed by signal {-returncode}"
    for marker in ("bwrap:", "Error", "error", "denied", "not permitted"):
        hits = [ln for ln in lines if marker in ln]
        if hits:
            return f"{hits[-1][:300]} ({status})"
    return f"{lines[-1][:300]} ({status})" if lines else status


class WarmPool:
    """Idle warm sandboxes of one kind (see the module docstring)."""

    def __init__(self, kind: Kind, size: int = DEFAULT_SIZE, max_age_s: float = MAX_AGE_S) -> None:
        self.kind, self.size, self.max_age_s = kind, max(0, int(size)), float(max_age_s)
        self._idle: list[Warm] = []
        self._cv = threading.Condition()
        self._wanted = 0  # sandboxes a waiting acquire needs beyond the pool's size
        self._closed = False
        self._thread: threading.Thread | None = None
        self._failure: str | None = None
        self.started = 0
        self.failed_starts = 0

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._refill, name=f"warm-{self.kind.name}", daemon=True)
            self._thread.start()

    def prewarm(self) -> None:
        """Start the refill thread now (it fills the pool to its size in the background)."""
        with self._cv:
            self._ensure_thread()

    def acquire(self, timeout_s: float | None = None) -> Warm:
        """A warm sandbox for one request (the caller owns it until :meth:`release`).

        Raises:
            StartFailed: none could be started (tried twice); the message is the cause.
        """
        timeout_s = self.kind.start_timeout_s * 2 + 5 if timeout_s is None else timeout_s
        deadline = time.monotonic() + timeout_s
        with self._cv:
            self._ensure_thread()
            self._wanted += 1
            self._failure = None
            self._cv.notify_all()
            try:
                while True:
                    while self._idle:
                        warm = self._idle.pop(0)
                        if warm.alive() and warm.age() < self.max_age_s:
                            self._cv.notify_all()
                            return warm
                        self._retire(warm)
                    if self._failure is not None:
                        raise StartFailed(self._failure)
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StartFailed(f"no {self.kind.name} sandbox became ready within {timeout_s:g} s")
                    self._cv.wait(left)
            finally:
                self._wanted -= 1

    def release(self, warm: Warm, healthy: bool) -> None:
        """Give a sandbox back: a healthy template returns to the pool, anything else is destroyed."""
        keep = (healthy and self.kind.template and self.size > 0 and warm.alive() and warm.uses < MAX_TEMPLATE_USES
                and warm.age() < self.max_age_s)
        with self._cv:
            if keep and not self._closed and len(self._idle) < max(self.size, 1):
                self._idle.append(warm)
                self._cv.notify_all()
                return
            self._cv.notify_all()
        warm.destroy()

    def _retire(self, warm: Warm) -> None:
        threading.Thread(target=warm.destroy, daemon=True).start()

    def _refill(self) -> None:
        while True:
            with self._cv:
                while not self._closed:
                    for warm in [w for w in self._idle if not w.alive() or w.age() >= self.max_age_s]:
                        self._idle.remove(warm)
                        self._retire(warm)
                    if len(self._idle) < self.size + self._wanted:
                        break
                    self._cv.wait(min(30.0, self.max_age_s / 4))
                if self._closed:
                    return
            warm, why = self._start_twice()
            with self._cv:
                closed = self._closed
                if warm is not None and not closed:
                    self._idle.append(warm)
                elif warm is None:
                    self._failure = why
                self._cv.notify_all()
            if closed:
                if warm is not None:
                    warm.destroy()
                return
            if warm is None:
                with self._cv:  # do not spin on a sandbox that cannot start: wait for the next request
                    while not self._closed and self._wanted == 0:
                        self._cv.wait(5.0)
                    if self._closed:
                        return
                    if self._failure is not None:
                        self._cv.wait(1.0)

    def _start_twice(self) -> tuple[Warm | None, str]:
        why = ""
        for attempt in range(2):
            try:
                warm = start(self.kind)
                self.started += 1
                return warm, ""
            except StartFailed as exc:
                if self._closed:
                    return None, "the pool was closed"
                self.failed_starts += 1
                why = str(exc)
                log.warning("bootcamp sandbox: %s (attempt %d of 2)", why, attempt + 1)
        return None, why

    def close(self) -> None:
        with self._cv:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cv.notify_all()
        for warm in idle:
            warm.destroy()


_pools: dict[tuple[int, Kind], WarmPool] = {}
_pools_lock = threading.Lock()


def pool_size() -> int:
    try:
        return max(0, int(os.environ.get(POOL_ENV, DEFAULT_SIZE)))
    except ValueError:
        return DEFAULT_SIZE


def pool(kind: Kind) -> WarmPool:
    """This process's pool for ``kind`` (a forked process gets its own)."""
    key = (os.getpid(), kind)
    with _pools_lock:
        found = _pools.get(key)
        if found is None:
            for other in [k for k in _pools if k[0] != os.getpid()]:
                del _pools[other]  # inherited through fork: those processes are not ours
            found = _pools[key] = WarmPool(kind, size=pool_size())
        return found


def _close_first_at_exit() -> None:
    """Pools close before the cgroup module's exit hook kills what is left (atexit runs last-in first)."""
    if not _exit_order[0]:
        _exit_order[0] = True
        atexit.unregister(close_all)
        atexit.register(close_all)


_exit_order = [False]


#: Warm kinds a task may name in ``Task.sandbox_kinds`` -> "module:function" returning the Kind to start ahead.
PREWARM = {
    "code": "bootcamp.verifiers.code_exec:prewarm_kind",
    "rg": "bootcamp.compat.rg_sandbox:prewarm_kind",
}


def prewarm(registry) -> list[str]:
    """Start, in the background, the pools of every warm kind a task of ``registry`` uses; returns their names.

    A reward-service worker calls this once, so the first verdict of each kind does not pay for a start.
    """
    import importlib

    if sandbox.mode() != "bwrap":
        return []
    wanted = sorted({k for tid in registry.ids() for k in getattr(registry.entry(tid).cls, "sandbox_kinds", ())})
    started = []
    for name in wanted:
        target = PREWARM.get(name)
        if target is None:
            raise ValueError(f"unknown sandbox kind {name!r}; known: {', '.join(sorted(PREWARM))}")
        module, func = target.split(":")
        pool(getattr(importlib.import_module(module), func)()).prewarm()
        started.append(name)
    return started


@atexit.register
def close_all() -> None:
    """Destroy every idle sandbox of this process (tests, shutdown)."""
    with _pools_lock:
        pools = [p for (pid, _), p in _pools.items() if pid == os.getpid()]
        _pools.clear()
    for p in pools:
        p.close()


def run(kind: Kind, payload: bytes, on_record: Callable[[dict, float], float | None], first_deadline: float,
        cap: int) -> tuple[Warm, str]:
    """Serve one request on a warm sandbox of ``kind``.

    ``on_record(record, now)`` sees each record and returns the new absolute deadline (or None to keep
    it). Returns the sandbox (already released or destroyed: its ``returncode``, ``cpu_s``, ``stderr``
    and ``oom_killed()`` stay readable) and how the request stopped: "end"/"eof" (the runner finished),
    "timeout", "output", or "send" (the request could not be written).

    Raises:
        StartFailed: no sandbox could be started.
    """
    p = pool(kind)
    warm = p.acquire()
    healthy = False
    try:
        if not warm.send(payload):
            return warm, "send"
        deadline = time.monotonic() + first_deadline
        while True:
            rec, stop = warm.read(deadline, cap)
            if rec is not None:
                new = on_record(rec, time.monotonic())
                if new is not None:
                    deadline = new
            if stop:
                healthy = stop == "end"
                return warm, stop
    finally:
        if healthy:
            p.release(warm, True)
        else:
            p.release(warm, False)
