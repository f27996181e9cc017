"""How a sandbox pool's task registry reaches its worker processes.

A :class:`bootcamp.Registry` holds locks and live task instances, so it does
not travel to another process. What does travel is each task's *entry*: its
class (by reference: module and name), parameters and description. The parent
looks every job's task up in the registry the caller scores with and sends the
entry with the job; the worker builds the task from that entry, so it scores
with exactly the task the parent resolved, whichever registry that came from.

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
#: What a job carries: the entry, ``None`` (look the id up in the worker's registry), or an error.
Shipped = Entry | None


def encode_jobs(items: Sequence[Any], registry: Registry, mirrored: bool, out: list[Verdict | None]) -> list[bytes]:
    """Pickle each item as a job ``(task_id, identity, response, entry)``, once each.

    Args:
        items: ``(task_id, identity, response)`` tuples (hostile: anything may be wrong with them).
        registry: where the task ids are looked up.
        mirrored: the workers hold ``registry`` themselves (so an unpicklable task may go by id).
        out: verdicts so far; an item that cannot be sent gets its failed verdict here (and an
            empty job).
    """
    shipped: dict[str, Shipped | str] = {}
    jobs: list[bytes] = []
    for i, item in enumerate(items):
        try:
            task_id, identity, response = item
            if task_id not in shipped:
                shipped[task_id] = _ship(task_id, registry, mirrored)
            entry = shipped[task_id]
            if isinstance(entry, str):
                out[i] = Verdict.failed("verifier_error", entry)
                jobs.append(b"")
                continue
            jobs.append(pickle.dumps((task_id, identity, response, entry), protocol=5))
        except Exception as exc:  # noqa: BLE001 - one bad item, one failed verdict
            out[i] = Verdict.failed("verifier_error", f"cannot send job: {type(exc).__name__}: {exc}"[:500])
            jobs.append(b"")
    return jobs


def _ship(task_id: str, registry: Registry, mirrored: bool) -> Shipped | str:
    """The entry to send for ``task_id``, None to send the id alone, or why the job cannot go."""
    try:
        e = registry.entry(task_id)
    except Exception as exc:  # noqa: BLE001 - an unknown id (or a hostile one) costs its items
        return f"{type(exc).__name__}: {exc}"[:500]
    entry: Entry = (e.cls, e.params, e.description)
    try:
        pickle.dumps(entry, protocol=5)
        return entry
    except Exception as exc:  # noqa: BLE001 - a local class: only a worker holding the registry finds it
        if mirrored:
            return None
        return (f"task {task_id!r} cannot be sent to a verifier process: its class "
                f"{e.cls.__module__}.{e.cls.__qualname__} does not pickle ({type(exc).__name__}), and the "
                "pool's workers do not hold this registry; define the class at module level, or build "
                "SandboxPool(registry=..., registry_factory=...) with a factory that builds it")[:500]


class WorkerTasks:
    """The worker's side: builds tasks from shipped entries, else looks them up by id.

    Args:
        registry_factory: builds the registry that ids alone are looked up in; None means the
            process-wide ``bootcamp.REGISTRY``.
    """

    def __init__(self, registry_factory: Callable[[], Registry] | None = None) -> None:
        self._factory = registry_factory
        self._registry: Registry | None = None
        self._built: dict[str, tuple[Entry, Task]] = {}

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

    def get(self, task_id: str, entry: Shipped) -> Task:
        """The task for a job: built from ``entry`` (cached while the entry stays the same)."""
        if entry is None:
            return self.registry.get(task_id)
        cached = self._built.get(task_id)
        if cached is not None and cached[0] == entry:
            return cached[1]
        cls, params, description = entry
        task = cls(task_id, **params)
        if description and not type(task).description:
            task.description = description  # type: ignore[misc]  # as Registry.get does
        self._built[task_id] = (entry, task)
        return task
