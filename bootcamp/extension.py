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
import re
import threading
from collections.abc import Callable
from importlib import metadata
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistrationError(ValueError):
    """Something could not be registered (a bad or taken name, a missing method, bad params)."""


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


class NameTable:
    """Declared names, each with a one-line description (task domains, reward kinds).

    Unlike :class:`ExtensionRegistry` a name carries no object: the SDK checks what a
    task or spec may name, and another layer (or nobody) implements it. Declaring a name
    again with the same description is a no-op, so plugins may declare what they use.

    Args:
        kind: what the names are, for messages (``"domain"``).
        plural: the short plural for the unknown-name message (``"domains"``).
        pattern: a regex every name must match in full.
        rule: the pattern in words, for messages.
        builtins: the names declared from the start, with their descriptions.
        hint: appended to the unknown-name message (how to declare one).
        error: the exception type :meth:`check` raises (a ``ValueError``).
    """

    def __init__(self, kind: str, plural: str, pattern: str, rule: str, builtins: dict[str, str], hint: str = "",
                 error: type[ValueError] = ValueError) -> None:
        self.kind = kind
        self.plural = plural
        self._pattern = re.compile(pattern)
        self._rule = rule
        self._hint = hint
        self._error = error
        self._lock = threading.Lock()
        self.entries: dict[str, str] = dict(builtins)

    def declare(self, name: str, description: str) -> str:
        """Declare ``name``; returns it.

        Raises:
            ValueError: a name that breaks the rule, an empty or multi-line description, or the
                name already declared with another description.
        """
        if not isinstance(name, str) or not self._pattern.fullmatch(name):
            raise ValueError(f"{self.kind} {name!r}: {self._rule}")
        if not isinstance(description, str) or not description.strip() or "\n" in description.strip():
            raise ValueError(f"{self.kind} {name!r}: needs a one-line description")
        description = description.strip()
        with self._lock:
            known = self.entries.get(name)
            if known is not None and known != description:
                raise ValueError(f"{self.kind} {name!r} is already declared ({known!r})")
            self.entries[name] = description
        return name

    def check(self, name: str) -> str:
        """Return ``name`` if declared; else raise the table's error listing the declared names, sorted."""
        if name not in self.entries:
            raise self._error(f"unknown {self.kind} {name!r}; valid {self.plural}: {', '.join(sorted(self.entries))}{self._hint}")
        return name

    def items(self) -> dict[str, str]:
        """Every declared name with its description, built-ins first."""
        return dict(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries
