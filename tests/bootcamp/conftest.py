import random
from typing import Any

import pytest

from bootcamp import Registry, Task
from bootcamp.verifiers.numeric import check_integer


class AddTask(Task):
    """Add two integers."""

    id = "math/test_add"
    description = "Add two integers."
    default_params = {"max_value": 100}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, self.params["max_value"]), "b": rng.randint(0, self.params["max_value"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"What is {identity['a']} + {identity['b']}? Answer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_integer(answer, identity["a"] + identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] + identity["b"])


@pytest.fixture
def add_task_cls():
    return AddTask


@pytest.fixture
def registry():
    reg = Registry(load_plugins=False)
    reg.register(AddTask)
    return reg
