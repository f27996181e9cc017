"""Test-only tasks whose verifiers hang, crash or blow up on request (imported by the reward tests)."""

from __future__ import annotations

import os
import random
import signal
import time
from typing import Any

from bootcamp import REGISTRY, Task
from bootcamp.verifiers.numeric import check_integer

EVIL_ID = "generic/test_evil"


class EvilTask(Task):
    """The answer picks the behaviour: a number is checked; 'hang', 'exit', 'segv', 'oom', 'raise', 'slow'."""

    id = EVIL_ID
    description = "Test-only task with misbehaving verifiers."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randint(1, 100)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Repeat {identity['n']} in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if answer == "hang":
            while True:
                pass
        if answer == "exit":
            os._exit(3)
        if answer == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
            time.sleep(5)
        if answer == "oom":
            raise MemoryError("simulated")
        if answer == "raise":
            raise RuntimeError("verifier bug")
        if answer == "slow":
            time.sleep(0.3)
            return 1.0
        return check_integer(answer, identity["n"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["n"])


def boxed(answer: str) -> str:
    return f"The answer is \\boxed{{{answer}}}."


ADD_ID = "generic/test_add"


class AddTask(Task):
    """A plain, well-behaved task: add two integers."""

    id = ADD_ID
    description = "Test-only task: add two integers."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 999), "b": rng.randint(0, 999)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"What is {identity['a']} + {identity['b']}? Answer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_integer(answer, identity["a"] + identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] + identity["b"])


def ensure_registered() -> None:
    """Register the test tasks and the generic tasks (whatever state the rest of the library is in)."""
    from tasks.generic.checkers import ChoiceAnswer, FormulaAnswer, MathAnswer, NumberAnswer, SmilesAnswer

    for cls in (EvilTask, AddTask, MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer):
        if cls.id not in REGISTRY:
            REGISTRY.register(cls, cls.id)
