"""Small tasks that break cross-process determinism, one way each (importable by a fresh process).

Each is an adding task that is deterministic inside one process (or nearly), as the
outside task classes of issue 11 were; the conformance checker must report every one.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from bootcamp import Task
from bootcamp.verifiers.numeric import check_integer

#: More than enough strings for their set order to differ between two PYTHONHASHSEEDs.
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo",
         "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor"]


class GoodAdd(Task):
    """Add two integers (well behaved)."""

    id = "math/xproc_good"
    description = "Add two integers."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 10**6), "b": rng.randint(0, 10**6)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"What is {identity['a']} + {identity['b']}? Answer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_integer(answer, identity["a"] + identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] + identity["b"])


class NumpyAtConstruction(GoodAdd):
    """Draws from a numpy generator seeded once, when the task is built: problems depend on earlier ones."""

    id = "math/xproc_numpy"

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self._np = np.random.default_rng(0)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 10**6), "b": int(self._np.integers(0, 10**6))}


class UnseededInit(GoodAdd):
    """Unseeded ``random`` in ``__init__``: deterministic in one process, different in the next."""

    id = "math/xproc_unseeded"

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self._offset = random.randint(0, 10**9)  # the bug this task reproduces

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 10**6) + self._offset, "b": rng.randint(0, 10**6)}


class LastPrompt(GoodAdd):
    """``prompt`` returns the prompt of the last generated problem instead of building it from the identity."""

    id = "math/xproc_last_prompt"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        identity = super().generate(rng)
        self._last = super().prompt(identity)
        return identity

    def prompt(self, identity: dict[str, Any]) -> str:
        return self._last


class SetOrder(GoodAdd):
    """Picks words by position in a set of strings, whose order changes with ``PYTHONHASHSEED``."""

    id = "math/xproc_set_order"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pool = list(set(WORDS))
        return {**super().generate(rng), "labels": [pool[i] for i in rng.sample(range(len(pool)), 3)]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"[{', '.join(identity['labels'])}] " + super().prompt(identity)
