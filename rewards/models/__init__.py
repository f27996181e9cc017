"""Reward-model backends: local models (classifier, reference reward model, similarity) and
clients of served models (judge, generative verifier).

Each module imports its heavy dependencies (torch, transformers, httpx) inside
the functions that need them, so ``import rewards.models`` stays light.

Backends are described by name in config as ``{"type": ..., **options}``
(:func:`build_backends`); the types are one registry (:data:`BACKEND_TYPES`,
entry-point group ``bootcamp.reward_backends``), each a factory taking the
options as keyword arguments::

    backends:
      verifier: {type: verifier, base_url: "http://127.0.0.1:8001/v1", model: verifier}
      reference_model: {type: reference, path: ./polar-1.8b, trust_remote_code: true}
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Mapping
from typing import Any

from bootcamp.extension import ExtensionRegistry

#: Backend types by name: a factory called with the spec's options.
BACKEND_TYPES: ExtensionRegistry[Callable[..., Any]] = ExtensionRegistry(
    "reward backend type", "backends.<name>.type", entry_points="bootcamp.reward_backends")


def ready_for_batches(tokenizer: Any, model: Any) -> None:
    """Give a tokenizer a pad token (its eos or unk) and the model its id, so batches can be padded."""
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    if getattr(model.config, "pad_token_id", None) is None:
        model.config.pad_token_id = tokenizer.pad_token_id


class LazyBackend:
    """A backend built on first use (``resolve()``), once, thread-safely."""

    def __init__(self, factory: Callable[[], Any], tag: str = "") -> None:
        self._factory = factory
        self._obj: Any = None
        self.tag = tag
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


#: Types whose factory loads a model in this process: built on first use, not at start-up.
_LAZY = {"classifier", "reference", "similarity"}


def backend_factory(name: str, spec: Mapping[str, Any], where: str = "backends") -> Callable[..., Any]:
    """The factory of a ``{"type": ..., **options}`` spec's type, with the options checked against it.

    Raises:
        ValueError: no ``type``, an unknown type (the message lists the valid ones), or options the
            factory does not take; messages start with ``{where}.{name}``.
    """
    options = dict(spec)
    kind = options.pop("type", None)
    if not kind:
        raise ValueError(f"{where}.{name}: needs a 'type' ({', '.join(BACKEND_TYPES.names())})")
    factory = BACKEND_TYPES.get(str(kind))
    try:
        inspect.signature(factory).bind(**options)
    except TypeError as exc:
        raise ValueError(f"{where}.{name} (type {kind!r}): {exc}") from None
    return factory


def build_backend(name: str, spec: Mapping[str, Any]) -> Any:
    """The backend a ``{"type": ..., **options}`` spec describes (lazy for local models).

    Raises:
        ValueError: as :func:`backend_factory`.
    """
    factory = backend_factory(name, spec)
    options = dict(spec)
    kind = options.pop("type")
    if kind in _LAZY:
        return LazyBackend(lambda: factory(**options), tag=f"{kind}:{options.get('path')}")
    return factory(**options)


def build_backends(specs: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """Backends by name from config specs (see the module docstring)."""
    return {name: build_backend(name, spec) for name, spec in (specs or {}).items()}


def cache_tag(backend: Any) -> str:
    """What identifies a backend's verdicts in an outer cache (model id, template version), or ''."""
    if isinstance(backend, LazyBackend):  # never load a model for this
        return backend.tag
    tag = getattr(backend, "cache_tag", None)
    return str(tag()) if callable(tag) else ""


# The built-in types: the backend classes themselves (their modules import torch, transformers and
# httpx only when a backend is built). Registered last: some of them import helpers defined above.
from rewards.models.classifier import SequenceClassifierReward  # noqa: E402
from rewards.models.judge import ChatJudge  # noqa: E402
from rewards.models.reference import ReferenceRewardModel  # noqa: E402
from rewards.models.similarity import EmbeddingSimilarity  # noqa: E402
from rewards.models.verifier import GenerativeVerifier  # noqa: E402

for _name, _cls in (("classifier", SequenceClassifierReward), ("reference", ReferenceRewardModel),
                    ("similarity", EmbeddingSimilarity), ("judge", ChatJudge), ("verifier", GenerativeVerifier)):
    BACKEND_TYPES.add(_name, _cls)
