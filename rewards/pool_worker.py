"""The body of a sandbox-pool worker process (kept small: the forkserver preloads it), and the
parent's record of what a worker holds: both ends of the chunk protocol.

The parent sends a *chunk*: one message holding several pickled jobs and the
number of the first (the worker's items are numbered from 0, in the order it gets
them). The worker scores them in order and replies with their verdicts in as few
messages as it can: one per chunk, or one per :data:`FLUSH_S` seconds of work
when items are slow, so a worker killed mid-chunk loses little finished work. The
parent may send the next chunk before this one is done; it waits in the pipe.

Deadlines stay per verdict without a message per item: before it starts item
``n`` the worker writes the time (``time.monotonic()``, one clock for every
process on the machine) into ``progress[n % len(progress)]``, an array it shares
with the parent. The parent reads it to know which item is running and since
when, and kills the worker when that item runs past its deadline.
"""

from __future__ import annotations

import os
import pickle
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rewards.pool_registry import CannotLoad, WorkerTasks

if TYPE_CHECKING:
    from bootcamp.types import Verdict

#: Seconds of finished work a worker may hold before it sends it (a killed worker loses at most this).
FLUSH_S = 0.05


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _failed(reason: str, detail: str) -> dict[str, Any]:
    from bootcamp.types import Verdict

    return Verdict.failed(reason, detail[:500]).model_dump()


def _verify(tasks: WorkerTasks, task_id: str, shipped: bytes | None, identity: dict[str, Any],
            response: str) -> tuple[dict[str, Any], bool]:
    from bootcamp.types import Verdict

    start = time.perf_counter()
    try:
        task = tasks.get(task_id, shipped)
        verdict = task.verify(response, identity)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"verify returned {type(verdict).__name__}, not a Verdict")
        payload = verdict.model_dump()
    except CannotLoad as exc:
        return _failed("verifier_error", str(exc)), False
    except MemoryError:
        return _failed("verifier_error", "MemoryError"), True
    except BaseException as exc:  # noqa: BLE001 - anything a verifier throws costs one verdict
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return _failed("verifier_error", f"{type(exc).__name__}: {exc}"), False
    # The latency of the whole verdict (extraction included), as the pool reports it.
    latency = round((time.perf_counter() - start) * 1000, 3)
    for part in payload["parts"]:
        part["latency_ms"] = latency
    recycle = bool(verdict.detail and verdict.detail.startswith("MemoryError"))
    return payload, recycle


def run_chunk(first: int, entries: dict[str, bytes | None], blobs: list[bytes], tasks: WorkerTasks, progress: Any,
              send: Callable[[list], None], max_rss_mb: int) -> None:
    """Score one chunk of pickled jobs, items ``first, first + 1, ...``, stamping each as it starts.

    ``entries`` holds the pickled entry of each job's task (see :mod:`rewards.pool_registry`).

    Replies are lists of ``(verdict_dict, recycle)``, in item order; together they cover the chunk.
    """
    done: list[tuple[dict[str, Any], bool]] = []
    flushed = time.monotonic()
    n, ring = len(blobs), len(progress)
    if n:
        progress[first % ring] = flushed
    for j, blob in enumerate(blobs):
        try:
            task_id, identity, response = pickle.loads(blob)
            shipped = entries[task_id]
        except Exception as exc:  # noqa: BLE001 - a job that did not arrive whole
            result = (_failed("verifier_error", f"cannot load job: {exc}"), False)
        else:
            result = _verify(tasks, task_id, shipped, identity, response)
        done.append(result)
        now = time.monotonic()
        if j + 1 < n:
            progress[(first + j + 1) % ring] = now  # the next item's deadline starts now, before any sending
        if j + 1 == n or now - flushed >= FLUSH_S:
            if max_rss_mb and _rss_mb() > max_rss_mb:
                done[-1] = (done[-1][0], True)
            send(done)
            done, flushed = [], time.monotonic()


def worker_main(conn: Any, preload: bool, max_rss_mb: int, registry_factory: Callable[[], Any] | None = None,
                progress: Any = None) -> None:
    """Serve chunks from ``conn`` until it closes (see the module docstring).

    ``registry_factory`` builds the registry that jobs sent by task id alone are looked up in
    (None: the process-wide ``bootcamp.REGISTRY``); see :mod:`rewards.pool_registry`.
    ``progress`` is the array shared with the parent (a plain list when there is no parent).
    """
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[key] = "1"
    tasks = WorkerTasks(registry_factory)
    # Build the registry before "ready", so that never eats a verdict's deadline. A factory that
    # fails here fails again (as a verdict, with its error) when a job needs it.
    try:
        if preload:
            tasks.registry.load_plugins()
        elif registry_factory is not None:
            tasks.registry  # noqa: B018 - builds it
    except Exception:  # noqa: BLE001, S110 - reported per job, see above
        pass
    if preload:
        try:  # the warm sandboxes this registry's tasks use start now, in the background
            from bootcamp.verifiers.warm import prewarm

            prewarm(tasks.registry)
        except Exception:  # noqa: BLE001, S110 - a verdict that needs one starts it (and reports why not)
            pass
    try:
        import sys

        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
    except Exception:  # noqa: BLE001 - best effort
        pass
    conn.send("ready")

    def send(results: list) -> None:
        conn.send_bytes(pickle.dumps(results, protocol=5))

    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        first, entries, blobs = pickle.loads(data)
        run_chunk(first, entries, blobs, tasks, progress if progress is not None else [0.0] * max(1, len(blobs)), send,
                  max_rss_mb)


# -- the parent's side of the protocol ----------------------------------------------------------

class Held:
    """The parent's record of the items one worker holds: one chunk, or two (the next is sent
    before the last is done).

    ``items`` are positions in the caller's batch; item ``k`` of them is the worker's item number
    ``base + k``, whose start the worker stamps in ``progress[(base + k) % len(progress)]``
    (``worker`` has ``progress`` and ``seq``, the number of the next item it is sent).
    """

    def __init__(self, worker: Any, limit: float) -> None:
        self.worker = worker
        self.limit = limit
        self.items: list[int] = []
        self.base = worker.seq
        self.done = 0  # items whose verdicts came back
        self.current = 0  # the last item the worker stamped as started
        self.chunks: deque[tuple[int, float]] = deque()  # (end in items, time sent) of chunks not done
        self.replied = 0.0  # when the last reply came
        self.recycle = False

    @property
    def left(self) -> int:
        return len(self.items) - self.done

    def add(self, chunk: list[int], now: float) -> int:
        """Hold ``chunk`` too; returns the worker's number for its first item."""
        first = self.base + len(self.items)
        self.items.extend(chunk)
        self.chunks.append((len(self.items), now))
        return first

    def chunks_left(self) -> int:
        while self.chunks and self.chunks[0][0] <= self.done:
            self.chunks.popleft()
        return len(self.chunks)

    def running(self) -> tuple[int, float]:
        """The position of the item the worker is on, and that item's deadline."""
        progress = self.worker.progress
        ring = len(progress)
        j = max(self.current, self.done)
        while j + 1 < len(self.items) and progress[(self.base + j + 1) % ring] > 0.0:
            j += 1
        self.current = j
        started = progress[(self.base + j) % ring]
        if started <= 0.0:  # not started yet: its deadline counts from when it could have started
            sent = next((t for end, t in self.chunks if end > j), self.replied)
            started = max(sent, self.replied)
        return j, started + self.limit


def accept(run: Held, replies: list[tuple[dict[str, Any], bool]], out: list[Verdict | None]) -> None:
    """Put the verdicts of one reply from ``run``'s worker in ``out`` (positions in the batch)."""
    from bootcamp.types import Verdict

    run.replied = time.monotonic()
    for payload, recycle in replies[:run.left]:
        i = run.items[run.done]
        run.done += 1
        try:
            out[i] = Verdict.model_validate(payload)
        except ValueError as exc:  # never expected: the worker sends model_dump() of a Verdict
            out[i] = Verdict.failed("verifier_error", f"bad verdict from the verifier process: {exc}"[:500])
        run.recycle |= bool(recycle)
    run.worker.jobs += len(replies)
