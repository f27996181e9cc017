"""The body of a sandbox-pool worker process (kept tiny: the forkserver preloads it)."""

from __future__ import annotations

import os
import pickle
from typing import Any


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _verify(job: tuple[str, dict[str, Any], str, Any]) -> tuple[dict[str, Any], bool]:
    from bootcamp.registry import REGISTRY
    from bootcamp.types import Verdict

    task_id, identity, response, entry = job
    try:
        if task_id not in REGISTRY and entry is not None:
            cls, params, description = entry
            REGISTRY.register(cls, task_id, params, description, source="pool")
        task = REGISTRY.get(task_id)
        verdict = task.verify(response, identity)
    except MemoryError:
        return Verdict.failed("verifier_error", "MemoryError").model_dump(), True
    except BaseException as exc:  # noqa: BLE001 - anything a verifier throws costs one verdict
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500]).model_dump(), False
    recycle = bool(verdict.detail and verdict.detail.startswith("MemoryError"))
    return verdict.model_dump(), recycle


def worker_main(conn: Any, preload: bool, max_rss_mb: int) -> None:
    """Serve jobs from ``conn`` until it closes. Replies ``(verdict_dict, recycle)``."""
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[key] = "1"
    if preload:
        from bootcamp.registry import REGISTRY

        REGISTRY.load_plugins()
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
            payload, recycle = _verify(job)
            if max_rss_mb and _rss_mb() > max_rss_mb:
                recycle = True
            conn.send((payload, recycle))
