"""The conformance checker over many registered tasks, in worker processes.

Checking a task is single-threaded Python (generation, verification, RDKit, pymatgen,
sandboxed code runs), so a registry sweep scales with cores: :func:`check_tasks` hands
registry ids to ``workers`` fresh interpreters (``spawn``: no state of the caller, such
as a Ray client or a torch thread pool, is forked into them) and yields each report as
it is done. Used by ``bootcamp tasks check --workers`` and the conformance test.

A task whose check raises, or whose worker dies, gets a failed report that says so; the
other tasks go on (a dead worker's pool is rebuilt for what is left).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bootcamp.checker import CheckReport, check_task


def default_workers() -> int:
    """Worker processes for a sweep: the cores this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    # One thread per worker: the workers already use every core between them.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"


def _check_one(task_id: str, kwargs: dict[str, Any]) -> CheckReport:
    try:
        return check_task(task_id, **kwargs)
    except Exception as exc:  # a checker bug must not take the sweep with it
        report = CheckReport(task_id)
        report.fail(f"the checker raised {type(exc).__name__}: {str(exc)[:300]}")
        return report


def check_tasks(task_ids: list[str], workers: int | None = None, **kwargs: Any) -> Iterator[CheckReport]:
    """Check registry ids with :func:`bootcamp.checker.check_task` (``kwargs`` passed on), in
    ``workers`` processes (default: :func:`default_workers`); yields reports as they finish.

    With one worker (or one task) the checks run in this process, in order.
    """
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers == 1 or len(task_ids) <= 1:
        for task_id in task_ids:
            yield _check_one(task_id, kwargs)
        return
    pending = list(reversed(task_ids))  # popped from the end: registry order
    tries: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    while pending:
        pool = ProcessPoolExecutor(min(workers, len(pending)), mp_context=context, initializer=_init_worker)
        running: dict[Future[CheckReport], str] = {}
        broken = False
        try:
            while pending or running:
                while pending and len(running) < 2 * workers:
                    task_id = pending.pop()
                    tries[task_id] = tries.get(task_id, 0) + 1
                    running[pool.submit(_check_one, task_id, kwargs)] = task_id
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task_id = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        # Every task in flight fails with the pool; each gets one more try in a new pool.
                        broken = True
                        if tries[task_id] < 2:
                            pending.append(task_id)
                        else:
                            report = CheckReport(task_id)
                            report.fail("the checker's worker process died twice while checking this task")
                            yield report
                if broken:
                    for future, task_id in running.items():  # they fail too: back in the queue
                        future.cancel()
                        pending.append(task_id)
                    running.clear()
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
