"""The sandbox pool: CPU verifiers in worker processes with a hard per-verdict timeout.

Each worker is a separate process (forkserver, else spawn; started with one
BLAS/OpenMP thread). A verdict that runs past its deadline, or whose worker dies
(segfault, ``os._exit``, out of memory), costs that one verdict: the worker is
killed and replaced, the verdict gets ``reason="timeout"`` or
``"verifier_error"``, and every other verdict in the batch goes on. Nothing here
uses ``signal.alarm``: the deadline is kept by the parent, which kills the
worker with SIGKILL.

Items travel in chunks: one message to a worker carries many jobs and one reply
carries their verdicts (:mod:`rewards.pool_worker`), so a batch costs a few round
trips per worker, not one per item. The worker stamps the time it starts each
item in an array it shares with the parent, so every item keeps its own deadline;
when one overruns or its worker dies, only that item fails and the rest of its
chunk is sent again.

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
from rewards.pool_worker import Held, accept, worker_main

#: Environment every worker starts with: one thread, no tokenizer pools.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_ENV_LOCK = threading.Lock()

Item = tuple[str, dict[str, Any], str]
#: A caller splits its queue into about this many chunks per worker (then smaller ones as it drains).
CHUNKS_PER_WORKER = 2


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


class _Worker:
    def __init__(self, proc: mp.process.BaseProcess, conn: Connection, progress: Any) -> None:
        self.proc = proc
        self.conn = conn
        self.progress = progress  # shared with the process: when it started each of its items
        self.seq = 0  # the number of the next item it is sent
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
        max_rss_mb: a worker whose resident memory grows past this is recycled after its chunk.
        start_timeout: seconds a new worker may take to become ready.
        max_chunk: most items sent to a worker in one message (fewer round trips; each item keeps
            its own deadline).
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
        max_chunk: int = 64,
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
        self.chunks = 0  # messages sent to workers (each a chunk of items)
        self.replies = 0  # messages back (each the verdicts of one or more items)
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
            "chunks": self.chunks,
            "replies": self.replies,
            "start_method": self.start_method,
        }

    def _launch(self) -> None:
        """Start one worker; a thread waits for its ready message, then makes it idle."""
        if self._closed:
            return
        parent, child = self._ctx.Pipe(duplex=True)
        progress = self._ctx.RawArray("d", 2 * self.max_chunk)  # room for the two chunks it may hold
        proc = self._ctx.Process(
            target=worker_main, args=(child, self.preload, self.max_rss_mb, self.registry_factory, progress),
            daemon=True, name="bootcamp-verifier",
        )
        with _worker_env():
            proc.start()
        child.close()
        worker = _Worker(proc, parent, progress)
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
        registry = registry if registry is not None else self.registry
        jobs, entries = encode_jobs(items, registry, self._workers_hold(registry), out)
        pending = deque(i for i in range(len(items)) if out[i] is None)
        # A worker takes a chunk of items in one message and replies once per chunk (see
        # rewards.pool_worker); its next chunk is sent while it works, so it never waits for this
        # thread. Each item has its own deadline, from when the worker started it. On a timeout or
        # crash the item running fails and the rest the worker held (finished but unsent, or not
        # started) goes back to the queue.
        running: dict[Connection, Held] = {}
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
                run = Held(worker, limit)
                if self._send(run, pending, jobs, entries):
                    running[worker.conn] = run
                else:
                    self._replace(worker)
            for conn, run in list(running.items()):
                usable = not run.recycle and run.worker.jobs + run.left < self.max_jobs_per_worker
                if pending and usable and run.chunks_left() < 2:  # its next chunk, before it runs dry
                    if not self._send(run, pending, jobs, entries):
                        del running[conn]
                        self._crashed(run, OSError("its pipe is closed"), out, pending)
                elif not run.left:
                    del running[conn]
                    self._release(run.worker, run.recycle)
            if not running:
                if self._closed:
                    raise RuntimeError("the sandbox pool is closed")
                continue
            busy = [run for run in running.values() if run.left]
            wake = min((run.running()[1] for run in busy), default=time.monotonic()) - time.monotonic()
            if pending and len(running) < self.size:
                wake = min(wake, 0.005)  # another caller may hand a worker back
            for conn in wait(list(running), timeout=max(0.0, wake)):
                run = running[conn]  # type: ignore[index]
                try:
                    while run.left and conn.poll():
                        accept(run, pickle.loads(conn.recv_bytes()), out)
                        with self._lock:
                            self.replies += 1
                except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError) as exc:
                    del running[conn]  # type: ignore[arg-type]
                    self._crashed(run, exc, out, pending)
            now = time.monotonic()
            for conn, run in list(running.items()):
                if not run.left:
                    continue
                j, deadline = run.running()
                if now >= deadline and not conn.poll():  # a reply that is in is read first
                    del running[conn]
                    with self._lock:
                        self.timeouts += 1
                    self._lose(run, j, out, pending,
                               Verdict.failed("timeout", f"verifier ran past {limit:g}s and was killed"))
        return out  # type: ignore[return-value]

    def _send(self, run: Held, pending: deque[int], jobs: list[tuple[str, bytes]],
              entries: dict[str, bytes | None]) -> bool:
        """Send ``run``'s worker the next chunk of ``pending`` (put back if it cannot be sent)."""
        # Guided chunks: large while much is queued (few round trips), small at the end (the
        # workers finish together).
        size = min(self.max_chunk, -(-len(pending) // (CHUNKS_PER_WORKER * self.size)))
        chunk = [pending.popleft() for _ in range(size)]
        worker = run.worker
        first = run.base + len(run.items)
        ring = len(worker.progress)
        for k in range(first, first + size):  # these slots last held items done long ago
            worker.progress[k % ring] = 0.0
        try:
            shipped = {jobs[i][0]: entries[jobs[i][0]] for i in chunk}
            worker.conn.send_bytes(pickle.dumps((first, shipped, [jobs[i][1] for i in chunk]), protocol=5))
        except (OSError, ValueError):
            pending.extendleft(reversed(chunk))
            return False
        run.add(chunk, time.monotonic())
        worker.seq = first + size
        with self._lock:
            self.chunks += 1
        return True

    def _crashed(self, run: Held, exc: BaseException, out: list[Verdict | None], pending: deque[int]) -> None:
        """``run``'s worker died (or cannot be read): the item it was on fails, the rest is queued again."""
        run.worker.proc.join(timeout=0.5)  # reap it, so the exit code says why
        text = _exit_text(run.worker.proc.exitcode, exc)
        if run.left:
            with self._lock:
                self.crashes += 1
            self._lose(run, run.running()[0], out, pending,
                       Verdict.failed("verifier_error", f"verifier process died ({text})"))
        else:
            self._replace(run.worker)

    def _lose(self, run: Held, j: int, out: list[Verdict | None], pending: deque[int], verdict: Verdict) -> None:
        """Item ``j`` of ``run`` fails with ``verdict``; its worker is replaced, the rest is queued again."""
        out[run.items[j]] = verdict
        pending.extendleft(reversed(run.items[run.done:j] + run.items[j + 1:]))
        self._replace(run.worker)

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
