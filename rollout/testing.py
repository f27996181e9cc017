"""Process-wide fixtures for tests: one Ray and one vLLM rollout actor per test session.

Both test folders (tests/rollout, tests/learner) call these from their conftests,
so a session starts Ray and the vLLM engine at most once however tests are grouped.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

#: The tiny model every rollout/learner test uses (head_dim 64 for vLLM's CPU attention).
TEST_MODEL = {"arch": "llama", "hidden_size": 64, "head_dim": 64, "num_layers": 1, "intermediate_size": 128, "seed": 0}

_cache: dict[str, Any] = {}


def shared_model(cache_dir: str) -> str:
    from rollout.models import ensure_tiny_model

    if "model" not in _cache:
        _cache["model"] = ensure_tiny_model(TEST_MODEL, cache_dir)
    return _cache["model"]


def shared_ray() -> None:
    """Start a local 2-CPU Ray once for this process (stopped at exit)."""
    import ray

    from rollout.cluster import ensure_ray

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    if ensure_ray(None):
        atexit.register(ray.shutdown)


def shared_rollout(engine: str, model_path: str, max_model_len: int = 128) -> Any:
    """One rollout actor per engine kind for the whole session."""
    key = f"rollout:{engine}"
    if key not in _cache:
        import ray

        from rollout.actor import rollout_actor

        shared_ray()
        actor = rollout_actor().remote(engine, model_path, max_model_len=max_model_len, seed=0)
        ray.get(actor.ready.remote())
        _cache[key] = actor
    return _cache[key]
