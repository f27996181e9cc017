"""Registered environments in a job's task mix (a job with ``rollout.episodes`` trains on them).

A training job draws problems by id from its mix. With episodes on, an id may also name a registered
environment (exact ids only; a glob such as ``math/*`` expands over tasks, which are then played with the
job's tool set): problem ``s`` of an environment is its episode ``s``, the prompt its first observation.
Where an id names both a task and an environment, the environment is played (as the rollout does).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.registry import Registry, UnknownTaskError
from bootcamp.types import Problem


class EnvironmentProblems:
    """An environment as the task mix sees it: ``problem(seed)`` is the start of episode ``seed``."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.task_id = env.env_id
        self.version = env.version

    def problem(self, seed: int, with_answer: bool = False) -> Problem:
        state, first = self.env.reset(seed)
        answer = self.env.solve(state["identity"], state["memory"]) if with_answer else None
        return Problem(task=self.task_id, version=self.version, seed=seed, prompt=first,
                       identity=state["identity"], answer=answer)


class TasksAndEnvironments:
    """The task registry with the registered environments beside it (``resolve`` and ``get`` as the
    registry's; an environment's ``get`` is an :class:`EnvironmentProblems`)."""

    def __init__(self, registry: Registry) -> None:
        from bootcamp.env.registry import ENVIRONMENTS

        self.registry = registry
        self.environments = ENVIRONMENTS

    def is_environment(self, task_id: str) -> bool:
        return task_id in self.environments

    def resolve(self, patterns: Iterable[str]) -> list[str]:
        out: list[str] = []
        for p in patterns:
            if self.is_environment(p):
                hits = [p]
            else:
                try:
                    hits = self.registry.resolve([p])
                except UnknownTaskError as exc:  # suggest environments too
                    near = difflib.get_close_matches(p, self.environments.names(), n=3, cutoff=0.6)
                    raise UnknownTaskError(p, [*exc.suggestions, *near]) from None
            out += [h for h in hits if h not in out]
        return out

    def get(self, task_id: str) -> Any:
        if self.is_environment(task_id):
            return EnvironmentProblems(self.environments.get(task_id))
        return self.registry.get(task_id)


def job_problems(registry: Registry, episodes: bool) -> Registry | TasksAndEnvironments:
    """Where a job looks its task ids up: the task registry, with the environments beside it when the job
    plays episodes (``rollout.episodes``)."""
    return TasksAndEnvironments(registry) if episodes else registry
