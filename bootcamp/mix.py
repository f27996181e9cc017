"""Seeded sampling of problems from a weighted task mix."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from bootcamp import Problem
from bootcamp.registry import REGISTRY, Registry


def resolve_mix(entries: Sequence[tuple[str, float]], registry: Registry | None = None) -> dict[str, float]:
    """Expand ids and globs to ``{task id: weight}``; a glob's weight is split over its ids."""
    reg = registry or REGISTRY
    out: dict[str, float] = {}
    for pattern, weight in entries:
        ids = reg.resolve([pattern])
        for i in ids:
            out[i] = out.get(i, 0.0) + weight / len(ids)
    return out


class TaskSampler:
    """Draws problems from a weighted task mix; deterministic in ``seed`` and resumable.

    Training seeds are drawn below ``seed_limit``; evaluation uses seeds at or
    above it (:meth:`eval_problems`), so held-out problems never appear in training.
    """

    def __init__(self, mix: dict[str, float], seed: int = 0, seed_limit: int = 1_000_000_000,
                 registry: Registry | None = None) -> None:
        if not mix:
            raise ValueError("tasks: the task mix is empty")
        self.registry = registry or REGISTRY
        self.ids = sorted(mix)
        self.weights = [mix[i] for i in self.ids]
        self.seed_limit = seed_limit
        self.rng = random.Random(seed)
        self.drawn = 0

    def sample(self, n: int) -> list[Problem]:
        """``n`` problems; each picks a task by weight, then a fresh training seed."""
        out = []
        for _ in range(n):
            task_id = self.rng.choices(self.ids, weights=self.weights)[0]
            seed = self.rng.randrange(self.seed_limit)
            out.append(self.registry.get(task_id).problem(seed))
        self.drawn += n
        return out

    def eval_problems(self, per_task: int) -> list[Problem]:
        """Held-out problems: ``per_task`` per task, seeds from ``seed_limit`` up."""
        return [self.registry.get(t).problem(self.seed_limit + i) for t in self.ids for i in range(per_task)]

    def state_dict(self) -> dict[str, Any]:
        version, internal, gauss = self.rng.getstate()
        return {"rng": [version, list(internal), gauss], "drawn": self.drawn}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        version, internal, gauss = state["rng"]
        self.rng.setstate((version, tuple(internal), gauss))
        self.drawn = int(state.get("drawn", 0))
