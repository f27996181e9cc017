"""Reward-model backends: a local sequence classifier, reference similarity, an OpenAI-compatible judge.

Each module imports its heavy dependencies (torch, transformers, httpx) inside
the functions that need them, so ``import rewards.models`` stays light.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class LazyBackend:
    """A backend built on first use (``resolve()``), once, thread-safely."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._obj: Any = None
        self._lock = threading.Lock()

    def resolve(self) -> Any:
        if self._obj is None:
            with self._lock:
                if self._obj is None:
                    self._obj = self._factory()
        return self._obj

    @property
    def loaded(self) -> bool:
        return self._obj is not None
