"""Register reasoning-gym datasets as bootcamp tasks (optional dependency: ``pip install reasoning-gym``).

A problem's identity is ``{"dataset", "seed", "index", "size"}``: the verifier
rebuilds the same entry from it (reasoning-gym datasets are procedural and
deterministic per seed and index), so identities stay small and plain JSON
whatever metadata a dataset keeps. Open-ended datasets (no reference answer)
are skipped.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Score, invalid

#: reasoning-gym package (first level under ``reasoning_gym.``) -> our domain.
DOMAIN_OF_PACKAGE = {
    "arithmetic": "math", "algebra": "math", "geometry": "math", "probability": "math",
    "code": "code", "graphs": "logic", "games": "logic", "logic": "logic", "cognition": "logic",
    "algorithmic": "logic", "arc": "logic", "induction": "logic", "composite": "logic",
}
#: Entries drawn from per dataset seed; a problem seed picks a dataset seed and an index.
DATASET_SIZE = 10_000
MAX_ANSWER_CHARS = 20_000


@functools.lru_cache(maxsize=256)
def _dataset(name: str, seed: int, size: int) -> Any:
    import reasoning_gym

    return reasoning_gym.create_dataset(name, size=size, seed=seed)


@functools.lru_cache(maxsize=4096)
def _entry(name: str, seed: int, size: int, index: int) -> dict[str, Any]:
    return _dataset(name, seed, size)[index]


class ReasoningGymTask(Task):
    """One reasoning-gym dataset as a task."""

    default_params = {"dataset": "", "size": DATASET_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]
        return {"dataset": self.params["dataset"], "seed": rng.randrange(1000), "index": rng.randrange(size),
                "size": size}

    def _entry(self, identity: dict[str, Any]) -> dict[str, Any]:
        return _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (self._entry(identity)["question"]
                + "\n\nPut your final answer inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS:
            return invalid("answer too long")
        entry = self._entry(identity)
        try:
            score = _dataset(identity["dataset"], identity["seed"], identity["size"]).score_answer(answer, entry)
        except Exception as exc:  # noqa: BLE001 - their scorer failing on model output is a zero
            return Score(0.0, "invalid_answer", f"{type(exc).__name__}: {exc}"[:200])
        return float(score or 0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self._entry(identity)["answer"])

    def format_answer(self, answer: str) -> str:
        return f"<answer>{answer}</answer>"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return []


def available_datasets() -> dict[str, str]:
    """reasoning-gym dataset names with a reference answer -> our domain."""
    from reasoning_gym.factory import DATASETS

    out = {}
    for name, (cls, _cfg) in sorted(DATASETS.items()):
        package = cls.__module__.split(".")[1]
        out[name] = DOMAIN_OF_PACKAGE.get(package, "logic")
    return out


def register_datasets(names: list[str] | None = None, registry: Registry | None = None,
                      prefix: str = "rg_") -> list[str]:
    """Register reasoning-gym datasets (all by default) as ``<domain>/rg_<name>``; returns the ids.

    Datasets whose first entry has no reference answer (open-ended) are skipped.
    """
    reg = registry if registry is not None else REGISTRY
    known = available_datasets()
    unknown = sorted(set(names or []) - set(known))
    if unknown:
        raise ValueError(f"unknown reasoning-gym dataset(s) {unknown}")
    ids = []
    for name in names or list(known):
        if _entry(name, 0, DATASET_SIZE, 0).get("answer") is None:
            continue
        task_id = f"{known[name]}/{prefix}{name}"
        reg.register(ReasoningGymTask, task_id, {"dataset": name}, f"reasoning-gym dataset '{name}'",
                     source="reasoning_gym")
        ids.append(task_id)
    return ids
