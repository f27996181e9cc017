"""Any single-turn task as an environment: one step without tools, or the tool-augmented mode.

``TaskEnvironment("math/gcd")`` is the one-step environment of a registered task (its first
observation is the task's prompt, the first message is graded by the task's own ``verify``), so a
multi-turn trainer or the episode API treats every task alike. ``TaskEnvironment("math/gcd",
tools=("calculator", "python"))`` lets the policy use tools before it answers (up to ``max_turns``
messages), registered under its own ``env_id`` (e.g. ``math/gcd_with_calculator``). Episodes of seed
``s`` have the identity of the task's problem ``s``.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.registry import REGISTRY, Registry
from bootcamp.types import Verdict


class TaskEnvironment(Environment):
    """A registered task, optionally with tools (see the module docstring)."""

    def __init__(self, task_id: str, tools: tuple[str, ...] | list[str] | None = (), max_turns: int | None = None,
                 registry: Registry | None = None, env_id: str | None = None) -> None:
        """``tools=None``: the tools the task declares (its ``tools``, e.g. a tool task's ``rdkit_descriptors``)."""
        super().__init__(env_id or task_id)
        self.task_id = task_id
        self.registry = registry
        self._tools = None if tools is None else tuple(tools)
        self._max_turns = max_turns
        self._task: Any = None

    @property  # type: ignore[override]
    def tools(self) -> tuple[str, ...]:
        """The tools an episode offers (the task's own when none were given)."""
        if self._tools is None:
            self._tools = tuple(getattr(self.task, "tools", ()) or ())
        return self._tools

    @property  # type: ignore[override]
    def max_turns(self) -> int:
        return self._max_turns or (4 if self.tools else 1)

    @property
    def task(self) -> Any:
        """The task, looked up on first use (environment modules load while the task registry may not be)."""
        if self._task is None:
            self._task = (self.registry or REGISTRY).get(self.task_id)
            self.description = self.description or self._task.description
            self.time_budget = self._task.time_budget
        return self._task

    @property
    def seed_key(self) -> str:
        return self.task.task_id  # episode s has the identity of the task's problem s

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return self.task.generate(rng)

    def prompt(self, identity: dict[str, Any]) -> str:
        return self.task.prompt(identity)

    def grade(self, response: str, identity: dict[str, Any], memory: dict[str, Any]) -> Verdict:
        return self.task.verify(response, identity)

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return self.task.for_identity(identity).check(answer, identity)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return self.task.for_identity(identity).solve(identity)

    def format_answer(self, answer: str) -> str:
        return self.task.format_answer(answer)

    def extract(self, response: str) -> str | None:
        return self.task.extract(response)
