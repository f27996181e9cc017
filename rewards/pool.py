"""The sandbox pool: CPU verifiers in worker processes with a hard per-verdict timeout.

Each worker is a separate process (forkserver, else spawn; started with one
BLAS/OpenMP thread). A verdict that runs past its deadline, or whose worker dies
(segfault, ``os._exit``, out of memory), costs that one verdict: the worker is
killed and replaced, the verdict gets ``reason="timeout"`` or
``"verifier_error"``, and every other verdict in the batch goes on. Nothing here
uses ``signal.alarm``: the deadline is kept by the parent, which kills the
worker with SIGKILL.

Work items are ``(task_id, identity, response)``. The parent looks each task
up in the registry the caller scores with (the pool's ``registry``, or the one
passed to :meth:`SandboxPool.verify_many`, e.g. by the router) and sends the
task's entry (its class by reference, its params) with the job; the worker
builds the task from it and calls ``task.verify``. So a task registered after
the workers started, or only in a private registry, is scored as registered
(see :mod:`rewards.pool_registry`).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.types import Verdict
from rewards.pool_registry import encode_jobs
from rewards.pool_worker import worker_main

#: Environment every worker starts with: one thread, no tokenizer pools.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_ENV_LOCK = threading.Lock()

Item = tuple[str, dict[str, Any], str]


@contextlib.contextmanager
def _worker_env() -> Iterator[None]:
    """Set the worker environment while a process (or the forkserver) starts."""
    with _ENV_LOCK:
        old = {k: os.environ.get(k) for k in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        try:
            yield
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


class _Run:
    """The items one worker is working through, first one current."""

    def __init__(self, worker: _Worker, items: deque[int], now: float, limit: float) -> None:
        self.worker = worker
        self.items = items
        self.limit = limit
        self.recycle = False
        self.restart(now)

    def restart(self, now: float) -> None:
        self.started = now
        self.deadline = now + self.limit


class _Worker:
    def __init__(self, proc: mp.process.BaseProcess, conn: Connection) -> None:
        self.proc = proc
        self.conn = conn
        self.jobs = 0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.proc.join(timeout=1.0)


class SandboxPool:
    """A pool of verifier processes with hard per-verdict timeouts.

    Args:
        workers: number of worker processes.
        timeout: seconds one verdict may take before its worker is killed.
        start_method: ``forkserver`` (default where available: fast restarts) or ``spawn``.
        preload: load the task plugins in each worker before it takes work.
        max_jobs_per_worker: recycle a worker after this many verdicts (bounds leaks).
        max_rss_mb: a worker whose resident memory grows past this is recycled after its verdict.
        start_timeout: seconds a new worker may take to become ready.
        max_chunk: items sent to a worker at once (fewer round trips; each keeps its own deadline).
        registry: where task ids are looked up when a call does not pass one (default: the
            process-wide ``bootcamp.REGISTRY``; with ``registry_factory``, what it builds).
        registry_factory: a picklable zero-argument callable (a module-level function, or a
            ``functools.partial`` of one) that builds ``registry``; each worker calls it at start,
            so tasks whose classes cannot be pickled are still found there by id.
    """

    def __init__(
        self,
        workers: int = 2,
        timeout: float = 2.0,
        start_method: str | None = None,
        preload: bool = True,
        max_jobs_per_worker: int = 10_000,
        max_rss_mb: int = 1024,
        start_timeout: float = 120.0,
        max_chunk: int = 8,
        registry: Registry | None = None,
        registry_factory: Callable[[], Registry] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("workers: need at least one worker")
        if timeout <= 0:
            raise ValueError("timeout: must be positive")
        if registry_factory is not None:
            try:
                pickle.dumps(registry_factory)
            except Exception as exc:
                raise ValueError(f"registry_factory: must pickle, to be called in each worker process "
                                 f"(use a module-level function or functools.partial): {exc}") from exc
            if registry is None:
                registry = registry_factory()
        self.registry = registry if registry is not None else REGISTRY
        self.registry_factory = registry_factory
        methods = mp.get_all_start_methods()
        self.start_method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self._ctx = mp.get_context(self.start_method)
        if self.start_method == "forkserver" and preload:
            # The forkserver imports these once; each worker forks from it ready to go.
            self._ctx.set_forkserver_preload(["rewards.pool_worker", "rewards._preload"])
        self.size = workers
        self.timeout = float(timeout)
        self.preload = preload
        self.max_jobs_per_worker = max_jobs_per_worker
        self.max_rss_mb = max_rss_mb
        self.start_timeout = start_timeout
        self.max_chunk = max(1, max_chunk)
        self.restarts = 0
        self.timeouts = 0
        self.crashes = 0
        self.recycled = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._started = False

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> SandboxPool:
        """Start the workers (idempotent); they join the pool as they become ready."""
        with self._lock:
            if self._started:
                return self
            self._started = True
        for _ in range(self.size):
            self._launch()
        return self

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Block until every worker is ready (for warm-up and tests)."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._idle.qsize() >= self.size:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()

    def __enter__(self) -> SandboxPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict[str, Any]:
        return {
            "workers": self.size,
            "alive": sum(w.proc.is_alive() for w in list(self._all)),
            "idle": self._idle.qsize(),
            "restarts": self.restarts,
            "timeouts": self.timeouts,
            "crashes": self.crashes,
            "recycled": self.recycled,
            "start_method": self.start_method,
        }

    def _launch(self) -> None:
        """Start one worker; a thread waits for its ready message, then makes it idle."""
        if self._closed:
            return
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=worker_main, args=(child, self.preload, self.max_rss_mb, self.registry_factory), daemon=True,
            name="bootcamp-verifier",
        )
        with _worker_env():
            proc.start()
        child.close()
        worker = _Worker(proc, parent)
        with self._lock:
            self._all.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ok = worker.conn.poll(self.start_timeout) and worker.conn.recv() == "ready"
        except (EOFError, OSError):
            ok = False
        if ok and not self._closed:
            self._idle.put(worker)
            return
        self._discard(worker)
        if not self._closed:
            time.sleep(0.5)  # a worker that cannot start must not spin
            self._launch()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker, failed: bool = True) -> None:
        self._discard(worker)
        with self._lock:
            if failed:
                self.restarts += 1
            else:
                self.recycled += 1
        self._launch()

    def _release(self, worker: _Worker, recycle: bool) -> None:
        if recycle or worker.jobs >= self.max_jobs_per_worker or not worker.proc.is_alive():
            self._replace(worker, failed=not worker.proc.is_alive())
        else:
            self._idle.put(worker)

    # -- work -----------------------------------------------------------------------------
    def verify_many(self, items: Sequence[Item], timeout: float | None = None,
                    registry: Registry | None = None) -> list[Verdict]:
        """Score ``items`` (``(task_id, identity, response)``), order kept; safe from any thread.

        Args:
            items: the work; an unknown task id or an item that cannot be sent costs its verdict.
            timeout: seconds per verdict (default: the pool's).
            registry: where the task ids are looked up (default: the pool's ``registry``).
        """
        self.start()
        limit = self.timeout if timeout is None else float(timeout)
        out: list[Verdict | None] = [None] * len(items)
        latency: list[float] = [0.0] * len(items)
        registry = registry if registry is not None else self.registry
        jobs = encode_jobs(items, registry, self._workers_hold(registry), out)
        pending = [i for i in range(len(items)) if out[i] is None]
        pending.reverse()
        # A worker takes a short run of items; each item still has its own deadline, counted
        # from when the item before it finished. On a timeout or crash the current item fails
        # and the rest of that run goes back to the queue.
        running: dict[Connection, _Run] = {}
        starved_since = time.monotonic()
        while pending or running:
            while pending:
                block = not running
                try:
                    worker = self._idle.get(timeout=0.05) if block else self._idle.get_nowait()
                except queue.Empty:
                    if not running and time.monotonic() - starved_since > self.start_timeout:
                        for i in pending:
                            out[i] = Verdict.failed("verifier_error", "no verifier process became available")
                        pending.clear()
                    break
                starved_since = time.monotonic()
                if not worker.proc.is_alive():
                    self._replace(worker)
                    continue
                size = max(1, min(self.max_chunk, len(pending) // (2 * self.size)))
                chunk = [pending.pop() for _ in range(min(size, len(pending)))]
                try:
                    worker.conn.send_bytes(pickle.dumps([jobs[i] for i in chunk], protocol=5))
                except (OSError, ValueError):
                    pending.extend(reversed(chunk))
                    self._replace(worker)
                    continue
                running[worker.conn] = _Run(worker, deque(chunk), time.monotonic(), limit)
            if not running:
                if self._closed:
                    raise RuntimeError("the sandbox pool is closed")
                continue
            now = time.monotonic()
            wake = min(r.deadline for r in running.values()) - now
            if pending:
                wake = min(wake, 0.005)
            for conn in wait(list(running), timeout=max(0.0, wake)):
                run = running[conn]  # type: ignore[index]
                try:
                    while run.items and conn.poll():
                        payload, recycle = conn.recv()
                        i = run.items.popleft()
                        now = time.monotonic()
                        latency[i] = (now - run.started) * 1000
                        out[i] = Verdict.model_validate(payload)
                        run.worker.jobs += 1
                        run.recycle |= recycle
                        run.restart(now)
                except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError) as exc:
                    del running[conn]  # type: ignore[arg-type]
                    with self._lock:
                        self.crashes += 1
                    run.worker.proc.join(timeout=0.5)  # reap it, so the exit code says why
                    code = run.worker.proc.exitcode
                    i = run.items.popleft()
                    latency[i] = (time.monotonic() - run.started) * 1000
                    out[i] = Verdict.failed("verifier_error", f"verifier process died ({_exit_text(code, exc)})")
                    pending.extend(reversed(run.items))
                    self._replace(run.worker)
                    continue
                if not run.items:
                    del running[conn]  # type: ignore[arg-type]
                    self._release(run.worker, run.recycle)
            now = time.monotonic()
            for conn, run in list(running.items()):
                if now >= run.deadline:
                    del running[conn]
                    with self._lock:
                        self.timeouts += 1
                    i = run.items.popleft()
                    latency[i] = (now - run.started) * 1000
                    out[i] = Verdict.failed("timeout", f"verifier ran past {limit:g}s and was killed")
                    pending.extend(reversed(run.items))
                    self._replace(run.worker)
        for i, v in enumerate(out):
            if v is not None and latency[i] and v.parts:
                v.parts = [p.model_copy(update={"latency_ms": round(latency[i], 3)}) for p in v.parts]
        return out  # type: ignore[return-value]

    def verify(self, task_id: str, identity: dict[str, Any], response: str, timeout: float | None = None,
               registry: Registry | None = None) -> Verdict:
        """Score one response."""
        return self.verify_many([(task_id, identity, response)], timeout, registry)[0]

    async def averify_many(self, items: Sequence[Item], timeout: float | None = None,
                           registry: Registry | None = None) -> list[Verdict]:
        """:meth:`verify_many` without blocking the event loop."""
        return await asyncio.to_thread(self.verify_many, items, timeout, registry)

    def _workers_hold(self, registry: Registry) -> bool:
        """Whether the workers look ids up in ``registry`` itself (built by the factory, or the global one)."""
        if self.registry_factory is not None:
            return registry is self.registry
        return registry is REGISTRY


def _exit_text(code: int | None, exc: BaseException) -> str:
    if code is None:
        return f"{type(exc).__name__}"
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
