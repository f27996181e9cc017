"""Shared checks of a task's difficulty levels, for the per-domain level tests."""

from __future__ import annotations

import bootcamp


def assert_complexity_rises(task_id: str, seeds: int = 30) -> None:
    """The task has at least 3 levels and a default one, and its mean complexity over ``seeds`` seeds
    rises strictly from level to level."""
    task = bootcamp.get_task(task_id)
    assert len(task.levels) >= 3 and task.default_level in range(1, len(task.levels) + 1)
    means = []
    for level in range(1, len(task.levels) + 1):
        values = [task.at_level(level).complexity(task.problem(seed, level=level).identity) for seed in range(seeds)]
        means.append(sum(values) / len(values))
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


def assert_reference_solves_every_level(task_id: str, seed: int = 3) -> None:
    """At every level the identity carries the level and the reference answer scores 1.0."""
    task = bootcamp.get_task(task_id)
    for level in range(1, len(task.levels) + 1):
        problem = task.problem(seed, with_answer=True, level=level)
        assert problem.identity["level"] == level
        assert task.verify(task.format_answer(problem.answer), problem.identity).score == 1.0


def assert_default_level_keeps_the_problem(task_id: str, seed: int = 5) -> None:
    """The default level poses the task's problem without a level, and level 1 another one."""
    task = bootcamp.get_task(task_id)
    assert task.problem(seed).prompt == task.problem(seed, level=task.default_level).prompt
    assert task.problem(seed, level=1).prompt != task.problem(seed).prompt
