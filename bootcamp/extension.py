"""Named registries for extension points (rollout engines, advantage estimators, loss aggregations).

Each registry maps a name to an object and fills itself on first use: it imports
every module of its package (so a new engine or algorithm is one new file) and
then every module named by its entry-point group (so a plugin's registrations
run in every process that looks a name up, Ray actors included).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import threading
from collections.abc import Callable
from importlib import metadata
from typing import Generic, TypeVar

from bootcamp.registry import RegistrationError

T = TypeVar("T")


class UnknownNameError(ValueError):
    """No entry has the requested name; the message names the config field and lists the valid names."""


class ExtensionRegistry(Generic[T]):
    """Names -> objects for one extension point.

    Args:
        kind: what the entries are, for messages (``"advantage estimator"``).
        field: the config field that selects an entry, for messages (``"learner.advantage"``).
        package: a package whose modules are imported on first use (each registers its entries).
        entry_points: an entry-point group whose modules (or callables) are loaded on first use.
    """

    def __init__(self, kind: str, field: str, package: str | None = None, entry_points: str | None = None) -> None:
        self.kind = kind
        self.field = field
        self.package = package
        self.entry_points = entry_points
        self._entries: dict[str, T] = {}
        self._loaded = False
        self._lock = threading.RLock()

    # -- registration -------------------------------------------------------------------------
    def add(self, name: str, obj: T) -> T:
        """Register ``obj`` under ``name``; a taken name is a :class:`RegistrationError`."""
        if not isinstance(name, str) or not name:
            raise RegistrationError(f"{self.kind}: a name must be a non-empty string, got {name!r}")
        with self._lock:
            self._load()  # so a name that clashes with a built-in one fails here, not at discovery
            if name in self._entries:
                raise RegistrationError(f"{self.kind} {name!r} is already registered")
            self._entries[name] = obj
        return obj

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`add`; returns the decorated object unchanged."""

        def decorate(obj: T) -> T:
            return self.add(name, obj)

        return decorate

    def remove(self, name: str) -> None:
        """Drop ``name`` (tests use this to undo their registrations)."""
        with self._lock:
            self._entries.pop(name, None)

    # -- lookup -------------------------------------------------------------------------------
    def get(self, name: str) -> T:
        """The entry for ``name``; an unknown name is an :class:`UnknownNameError` listing the valid ones."""
        with self._lock:
            self._load()
            if name in self._entries:
                return self._entries[name]
        raise UnknownNameError(f"{self.field}: unknown {name!r}; valid: {', '.join(self.names())}")

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        with self._lock:
            self._load()
            return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        with self._lock:
            self._load()
            return name in self._entries

    # -- discovery ----------------------------------------------------------------------------
    def _load(self) -> None:
        if self._loaded:
            return
        # Set first: the modules imported below register through add(), which calls _load() again.
        self._loaded = True
        try:
            if self.package:
                pkg = importlib.import_module(self.package)
                for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                    if not info.name.rsplit(".", 1)[-1].startswith("_"):
                        importlib.import_module(info.name)
            if self.entry_points:
                for ep in metadata.entry_points(group=self.entry_points):
                    target = ep.load()
                    if callable(target) and not inspect.ismodule(target):
                        target()
        except BaseException:
            self._loaded = False  # a broken module fails every lookup, not just the first
            raise
