"""How a sandbox pool's task registry reaches its worker processes.

A :class:`bootcamp.Registry` holds locks and live task instances, so it does
not travel to another process. What does travel is each task's *entry*: its
class (by reference: module and name), parameters and description. The parent
looks every job's task up in the registry the caller scores with and sends the
entry (pickled once per task) with the chunk of jobs; the worker builds the task
from that entry (once, while the same entry comes), so it scores with exactly the
task the parent resolved, whichever registry that came from.

A task whose class cannot be pickled (defined inside a function, built with
``type()``) is sent by id only, and only where the workers hold the same
registry: the process-wide ``bootcamp.REGISTRY`` (loaded by the forkserver
preload), or the one the pool's ``registry_factory`` builds in each worker.
Anywhere else that job fails with ``verifier_error`` saying why; it is never
looked up in some other registry.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from typing import Any

from bootcamp.registry import Registry
from bootcamp.task import Task
from bootcamp.types import Verdict

Entry = tuple[type[Task], dict[str, Any], str]  # (class, params, description)


def encode_jobs(items: Sequence[Any], registry: Registry, mirrored: bool,
                out: list[Verdict | None]) -> tuple[list[tuple[str, bytes]], dict[str, bytes | None]]:
    """Pickle each item as a job ``(task_id, identity, response)``, and each task's entry once.

    Args:
        items: ``(task_id, identity, response)`` tuples (hostile: anything may be wrong with them).
        registry: where the task ids are looked up.
        mirrored: the workers hold ``registry`` themselves (so an unpicklable task may go by id).
        out: verdicts so far; an item that cannot be sent gets its failed verdict here (and an
            empty job).

    Returns:
        ``(task_id, job)`` per item, and by task id the pickled entry to build the task from
        (None: look the id up in the worker's registry). A chunk carries its jobs' entries.
    """
    shipped: dict[str, bytes | None | str] = {}
    entries: dict[str, bytes | None] = {}
    jobs: list[tuple[str, bytes]] = []
    for i, item in enumerate(items):
        try:
            task_id, identity, response = item
            if task_id not in shipped:
                shipped[task_id] = _ship(task_id, registry, mirrored)
            entry = shipped[task_id]
            if isinstance(entry, str):
                out[i] = Verdict.failed("verifier_error", entry)
                jobs.append(("", b""))
                continue
            jobs.append((task_id, pickle.dumps((task_id, identity, response), protocol=5)))
            entries[task_id] = entry
        except Exception as exc:  # noqa: BLE001 - one bad item, one failed verdict
            out[i] = Verdict.failed("verifier_error", f"cannot send job: {type(exc).__name__}: {exc}"[:500])
            jobs.append(("", b""))
    return jobs, entries


def _ship(task_id: str, registry: Registry, mirrored: bool) -> bytes | None | str:
    """The pickled entry to send for ``task_id``, None to send the id alone, or why it cannot go."""
    try:
        e = registry.entry(task_id)
    except Exception as exc:  # noqa: BLE001 - an unknown id (or a hostile one) costs its items
        return f"{type(exc).__name__}: {exc}"[:500]
    entry: Entry = (e.cls, e.params, e.description)
    try:
        return pickle.dumps(entry, protocol=5)
    except Exception as exc:  # noqa: BLE001 - a local class: only a worker holding the registry finds it
        if mirrored:
            return None
        return (f"task {task_id!r} cannot be sent to a verifier process: its class "
                f"{e.cls.__module__}.{e.cls.__qualname__} does not pickle ({type(exc).__name__}), and the "
                "pool's workers do not hold this registry; define the class at module level, or build "
                "SandboxPool(registry=..., registry_factory=...) with a factory that builds it")[:500]


class CannotLoad(Exception):
    """A job's task entry does not unpickle in the worker (its verdict says so)."""


class WorkerTasks:
    """The worker's side: builds tasks from shipped entries, else looks them up by id.

    Args:
        registry_factory: builds the registry that ids alone are looked up in; None means the
            process-wide ``bootcamp.REGISTRY``.
    """

    def __init__(self, registry_factory: Callable[[], Registry] | None = None) -> None:
        self._factory = registry_factory
        self._registry: Registry | None = None
        self._built: dict[str, tuple[bytes, Task]] = {}

    @property
    def registry(self) -> Registry:
        """The registry ids alone are looked up in (built on first use)."""
        if self._registry is None:
            if self._factory is not None:
                self._registry = self._factory()
            else:
                from bootcamp.registry import REGISTRY

                self._registry = REGISTRY
        return self._registry

    def get(self, task_id: str, shipped: bytes | None) -> Task:
        """The task for a job: built from its pickled entry (kept while the same entry comes),
        else looked up by id. Raises what unpickling or building raises."""
        if shipped is None:
            return self.registry.get(task_id)
        cached = self._built.get(task_id)
        if cached is not None and cached[0] == shipped:
            return cached[1]
        try:
            cls, params, description = pickle.loads(shipped)
        except Exception as exc:  # noqa: BLE001 - e.g. a task class this process cannot import
            raise CannotLoad(f"cannot load job: {exc}"[:500]) from None
        task = cls(task_id, **params)
        if description and not type(task).description:
            task.description = description  # type: ignore[misc]  # as Registry.get does
        self._built[task_id] = (shipped, task)
        return task
