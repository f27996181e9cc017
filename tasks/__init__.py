"""The built-in task library, one module per family, grouped by domain.

Every module under ``tasks/<domain>/`` that defines ``register(registry)`` is
loaded by :func:`register_all`, the ``builtin`` entry point of the
``bootcamp.tasks`` group.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

#: Packages of the library that hold no tasks: multi-turn environments and tools (their own registries).
NOT_TASKS = ("tasks.envs.", "tasks.tools.")


def iter_modules() -> list[str]:
    """Dotted names of every task module in the library."""
    import tasks

    names = []
    for info in pkgutil.walk_packages(tasks.__path__, prefix="tasks."):
        if info.name.startswith(NOT_TASKS):
            continue
        if not info.ispkg and not info.name.rsplit(".", 1)[1].startswith("_"):
            names.append(info.name)
    return sorted(names)


def register_all(registry: Any) -> None:
    """Register every built-in task into ``registry``."""
    for name in iter_modules():
        module = importlib.import_module(name)
        hook = getattr(module, "register", None)
        if callable(hook):
            hook(registry)
