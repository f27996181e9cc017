"""The task registry: registration, lookup, and plugin discovery.

Built-in and third-party tasks alike arrive through the entry-point group
``bootcamp.tasks``: each entry point names a module (imported for its
registrations) or a callable (called with the registry). Registration checks
everything it can at once, so a broken task fails when it registers, not when
a training job first samples it.
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from bootcamp.domains import UnknownDomainError, check_domain, domains
from bootcamp.extension import RegistrationError
from bootcamp.task import Task

ENTRY_POINT_GROUP = "bootcamp.tasks"
DOMAIN_ENTRY_POINT_GROUP = "bootcamp.domains"
#: The built-in domains (``bootcamp.domains.domains()`` lists every registered one).
DOMAINS = tuple(domains())
_ID_RE = re.compile(r"^([a-z]+)/([a-z0-9][a-z0-9_.\-]*)$")
_REQUIRED = ("generate", "prompt", "check", "solve")


class UnknownTaskError(KeyError):
    """No task has the requested id."""

    def __init__(self, task_id: str, suggestions: list[str]) -> None:
        self.task_id = task_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown task {task_id!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class TaskEntry:
    """A registered id: the class and the parameters it is built with."""

    task_id: str
    cls: type[Task]
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str = "builtin"

    @property
    def domain(self) -> str:
        return self.task_id.split("/", 1)[0]


def validate_task_id(task_id: str) -> None:
    """Raise :class:`RegistrationError` unless ``task_id`` is ``domain/name`` with a known domain."""
    if not isinstance(task_id, str):
        raise RegistrationError(f"task id must be a string, got {type(task_id).__name__}")
    m = _ID_RE.match(task_id)
    if not m:
        raise RegistrationError(
            f"bad task id {task_id!r}: expected 'domain/name' in lowercase "
            "(letters, digits, '_', '-', '.'), e.g. 'chem/molecular_weight'"
        )
    try:
        check_domain(m.group(1))
    except UnknownDomainError as exc:
        raise RegistrationError(f"bad task id {task_id!r}: {exc}") from None


def check_levels(task: Task) -> None:
    """Raise :class:`RegistrationError` (naming the task and the key) unless ``task``'s levels are sound.

    Each level overrides only keys of ``default_params``; ``default_level`` is a level
    (None without levels) whose overrides equal the task's registered parameters, so
    its problems are the task's problems as they were before it had levels.
    """
    cls, tid = type(task), task.task_id
    levels, default = task.levels, task.default_level  # an instance may drop its class's levels (one kind of a family)
    if not isinstance(levels, (tuple, list)) or not all(isinstance(lv, dict) for lv in levels):
        raise RegistrationError(f"{tid}: levels must be a tuple of dicts of parameter overrides, got {levels!r}")
    if cls.space_size is not None and (isinstance(cls.space_size, bool) or not isinstance(cls.space_size, int)
                                       or cls.space_size < 1):
        raise RegistrationError(f"{tid}: space_size must be a positive integer or None, got {cls.space_size!r}")
    if not isinstance(cls.tool_task, bool):
        raise RegistrationError(f"{tid}: tool_task must be True or False, got {cls.tool_task!r}")
    if not levels:
        if default is not None:
            raise RegistrationError(f"{tid}: default_level is {default!r} but the task declares no levels")
        return
    for n, overrides in enumerate(levels, 1):
        unknown = sorted(set(overrides) - set(cls.default_params))
        if unknown:
            raise RegistrationError(f"{tid}: level {n} overrides {unknown[0]!r}, which is not a parameter; "
                                    f"parameters: {sorted(cls.default_params)}")
    if isinstance(default, bool) or not isinstance(default, int) or not 1 <= default <= len(levels):
        raise RegistrationError(f"{tid}: default_level must be a level in 1..{len(levels)}, got {default!r}")
    for key, value in levels[default - 1].items():
        if task.params[key] != value:
            raise RegistrationError(
                f"{tid}: default level {default} sets {key}={value!r} but the task's {key} is "
                f"{task.params[key]!r}; the default level must reproduce the task's parameters")
    for n in range(1, len(levels) + 1):
        try:
            task.at_level(n)
        except Exception as exc:
            raise RegistrationError(f"{tid}: cannot build level {n} ({levels[n - 1]}): {exc}") from exc


class Registry:
    """Maps task ids to task classes and parameters; builds task instances on demand."""

    def __init__(self, load_plugins: bool = True) -> None:
        self._entries: dict[str, TaskEntry] = {}
        self._instances: dict[str, Task] = {}
        self._load_plugins = load_plugins
        self._loaded = not load_plugins
        self._lock = threading.RLock()
        self.plugin_errors: dict[str, str] = {}

    # -- registration -------------------------------------------------------------------
    def register(
        self,
        cls: type[Task],
        task_id: str | None = None,
        params: dict[str, Any] | None = None,
        description: str | None = None,
        source: str = "builtin",
    ) -> type[Task]:
        """Register ``cls`` under ``task_id`` (default ``cls.id``) with ``params``."""
        task_id = task_id or getattr(cls, "id", "")
        validate_task_id(task_id)
        if not (inspect.isclass(cls) and issubclass(cls, Task)):
            raise RegistrationError(f"{task_id}: {cls!r} is not a subclass of bootcamp.Task")
        missing = [m for m in _REQUIRED if getattr(cls, m) is getattr(Task, m)]
        if missing:
            raise RegistrationError(f"{task_id}: {cls.__name__} does not implement {', '.join(missing)}")
        params = dict(params or {})
        try:
            task = cls(task_id, **params)
        except Exception as exc:
            raise RegistrationError(f"{task_id}: cannot build {cls.__name__}({params}): {exc}") from exc
        check_levels(task)
        desc = description or cls.description or (inspect.getdoc(cls) or "").split("\n")[0]
        if not desc:
            raise RegistrationError(f"{task_id}: a task needs a description")
        with self._lock:
            if task_id in self._entries:
                prev = self._entries[task_id]
                raise RegistrationError(
                    f"duplicate task id {task_id!r}: already registered by "
                    f"{prev.cls.__module__}.{prev.cls.__qualname__} ({prev.source})"
                )
            self._entries[task_id] = TaskEntry(task_id, cls, params, desc, source)
        return cls

    def unregister(self, task_id: str) -> None:
        with self._lock:
            self._entries.pop(task_id, None)
            self._instances.pop(task_id, None)

    # -- plugins ------------------------------------------------------------------------
    def load_plugins(self) -> None:
        """Load every ``bootcamp.tasks`` entry point once. A broken plugin is reported, not fatal."""
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            # Domains first: a plugin's tasks may live in a domain another plugin adds.
            for ep in metadata.entry_points(group=DOMAIN_ENTRY_POINT_GROUP):
                try:
                    target = ep.load()
                    if callable(target) and not inspect.ismodule(target):
                        target()
                except Exception as exc:  # noqa: BLE001 - reported like a broken task plugin
                    self.plugin_errors[f"domain:{ep.name}"] = f"{type(exc).__name__}: {exc}"
            for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name != "builtin"):
                try:
                    target = ep.load()
                    if callable(target) and not inspect.ismodule(target):
                        _call_with_registry(target, self, source=ep.name)
                except RegistrationError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one broken plugin must not hide the rest
                    self.plugin_errors[ep.name] = f"{type(exc).__name__}: {exc}"

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self.load_plugins()

    # -- lookup -------------------------------------------------------------------------
    def ids(self, pattern: str | None = None, domain: str | None = None) -> list[str]:
        """Registered ids, sorted; filtered by a glob ``pattern`` and/or ``domain``."""
        self._ensure_loaded()
        out = sorted(self._entries)
        if domain:
            out = [i for i in out if i.split("/", 1)[0] == domain]
        if pattern:
            out = [i for i in out if fnmatch.fnmatchcase(i, pattern)]
        return out

    def entry(self, task_id: str) -> TaskEntry:
        self._ensure_loaded()
        try:
            return self._entries[task_id]
        except KeyError:
            raise UnknownTaskError(task_id, self.closest(task_id)) from None

    def closest(self, task_id: str, n: int = 5) -> list[str]:
        """The registered ids most like ``task_id``."""
        names = list(self._entries)
        out = difflib.get_close_matches(str(task_id), names, n=n, cutoff=0.5)
        if not out and isinstance(task_id, str) and "/" in task_id:
            tail = task_id.split("/", 1)[1]
            by_name = {i.split("/", 1)[1]: i for i in names}
            out = [by_name[m] for m in difflib.get_close_matches(tail, list(by_name), n=n, cutoff=0.5)]
        return out

    def get(self, task_id: str) -> Task:
        """The (cached) task instance of ``task_id``."""
        task = self._instances.get(task_id)
        if task is None:
            e = self.entry(task_id)
            task = e.cls(task_id, **e.params)
            if e.description and not type(task).description:
                task.description = e.description  # type: ignore[misc]
            self._instances[task_id] = task
        return task

    def resolve(self, patterns: Iterable[str]) -> list[str]:
        """Expand ids and globs (``chem/*``) to registered ids, keeping order; unknown ids raise."""
        out: list[str] = []
        for p in patterns:
            if any(c in p for c in "*?["):
                hits = self.ids(pattern=p)
                if not hits:
                    raise UnknownTaskError(p, [])
                out += [h for h in hits if h not in out]
            else:
                self.entry(p)
                if p not in out:
                    out.append(p)
        return out

    def __contains__(self, task_id: object) -> bool:
        self._ensure_loaded()
        return task_id in self._entries

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._entries)


def _call_with_registry(fn: Callable[..., Any], registry: Registry, source: str) -> None:
    try:
        n_params = len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        n_params = 0
    if n_params:
        fn(_SourcedRegistry(registry, source))
    else:
        fn()


class _SourcedRegistry:
    """A view of a registry that stamps the plugin name on what it registers."""

    def __init__(self, registry: Registry, source: str) -> None:
        self._registry = registry
        self._source = source

    def register(self, cls: type[Task], task_id: str | None = None, params: dict[str, Any] | None = None,
                 description: str | None = None, source: str | None = None) -> type[Task]:
        return self._registry.register(cls, task_id, params, description, source or self._source)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._registry, name)


#: The process-wide registry that ``bootcamp.register`` and ``bootcamp.get_task`` use.
REGISTRY = Registry()


def register(
    cls: type[Task] | None = None,
    *,
    task_id: str | None = None,
    params: dict[str, Any] | None = None,
    description: str | None = None,
    registry: Registry | None = None,
) -> Any:
    """Register a task class; usable as ``@register``, ``@register(task_id=...)`` or a call."""
    reg = registry if registry is not None else REGISTRY

    def deco(c: type[Task]) -> type[Task]:
        return reg.register(c, task_id, params, description)

    return deco(cls) if cls is not None else deco


def get_task(task_id: str) -> Task:
    """The registered task ``task_id``; unknown ids raise with the closest known ids."""
    return REGISTRY.get(task_id)


def list_tasks(pattern: str | None = None, domain: str | None = None) -> list[str]:
    """Registered task ids (loading plugins on first use)."""
    return REGISTRY.ids(pattern, domain)
