"""Test-only tasks that live in a private registry, never in ``bootcamp.REGISTRY``."""

from __future__ import annotations

from typing import Any

from _evil import ADD_ID, AddTask  # noqa: I001

from bootcamp import Registry

PRIVATE_ID = "generic/test_private_sub"


class SubTask(AddTask):
    """Subtract: a task no global registry knows."""

    id = PRIVATE_ID
    description = "Test-only task: subtract two integers."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        from bootcamp.verifiers.numeric import check_integer

        return check_integer(answer, identity["a"] - identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] - identity["b"])


class MulTask(AddTask):
    """Registered privately under the id of the global add task: a wrong registry shows at once."""

    description = "Test-only task: multiply two integers."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        from bootcamp.verifiers.numeric import check_integer

        return check_integer(answer, identity["a"] * identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] * identity["b"])


def private_registry() -> Registry:
    """A registry with the subtract task, and multiply under the add task's id."""
    reg = Registry(load_plugins=False)
    reg.register(SubTask, PRIVATE_ID)
    reg.register(MulTask, ADD_ID)
    return reg


LOCAL_ID = "generic/test_local_neg"


def registry_with_a_local_class() -> Registry:
    """A registry whose task class is made here, so it cannot be pickled by reference."""

    class Negate(AddTask):
        description = "Test-only task: negate a."

        def check(self, answer: str, identity: dict[str, Any]) -> float:
            from bootcamp.verifiers.numeric import check_integer

            return check_integer(answer, -identity["a"])

    reg = Registry(load_plugins=False)
    reg.register(Negate, LOCAL_ID)
    return reg
