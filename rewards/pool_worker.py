"""The body of a sandbox-pool worker process (kept tiny: the forkserver preloads it)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

from rewards.pool_registry import WorkerTasks


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _verify(job: tuple[str, dict[str, Any], str, Any], tasks: WorkerTasks) -> tuple[dict[str, Any], bool]:
    from bootcamp.types import Verdict

    task_id, identity, response, entry = job
    try:
        task = tasks.get(task_id, entry)
        verdict = task.verify(response, identity)
    except MemoryError:
        return Verdict.failed("verifier_error", "MemoryError").model_dump(), True
    except BaseException as exc:  # noqa: BLE001 - anything a verifier throws costs one verdict
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500]).model_dump(), False
    recycle = bool(verdict.detail and verdict.detail.startswith("MemoryError"))
    return verdict.model_dump(), recycle


def worker_main(conn: Any, preload: bool, max_rss_mb: int, registry_factory: Callable[[], Any] | None = None) -> None:
    """Serve jobs from ``conn`` until it closes. Replies ``(verdict_dict, recycle)``.

    ``registry_factory`` builds the registry that jobs sent by task id alone are looked up in
    (None: the process-wide ``bootcamp.REGISTRY``); see :mod:`rewards.pool_registry`.
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
    try:
        import sys

        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
    except Exception:  # noqa: BLE001 - best effort
        pass
    conn.send("ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        for blob in pickle.loads(data):
            try:
                job = pickle.loads(blob)
            except Exception as exc:  # noqa: BLE001 - e.g. a task class this process cannot import
                from bootcamp.types import Verdict

                conn.send((Verdict.failed("verifier_error", f"cannot load job: {exc}"[:500]).model_dump(), False))
                continue
            payload, recycle = _verify(job, tasks)
            if max_rss_mb and _rss_mb() > max_rss_mb:
                recycle = True
            conn.send((payload, recycle))
