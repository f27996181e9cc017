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


def default_backends(reward_model_path: str | None = None, similarity_model_path: str | None = None,
                     judge_url: str | None = None, judge_model: str = "judge", judge_api_key: str | None = None,
                     timeout_s: float = 60.0) -> dict[str, Any]:
    """Reward-model backends by name, each loaded on first use: ``similarity`` always (the packaged
    MiniLM unless a path is given), ``model`` with a classifier path, ``judge`` with a judge URL."""
    out: dict[str, Any] = {}
    if reward_model_path:

        def classifier() -> Any:
            from rewards.models.classifier import SequenceClassifierReward

            return SequenceClassifierReward(reward_model_path)

        out["model"] = LazyBackend(classifier)

    def similarity() -> Any:
        from rewards.models.similarity import EmbeddingSimilarity

        return EmbeddingSimilarity(similarity_model_path)

    out["similarity"] = LazyBackend(similarity)
    if judge_url:
        from rewards.models.judge import ChatJudge

        out["judge"] = ChatJudge(judge_url, judge_model, judge_api_key, timeout=timeout_s)
    return out
