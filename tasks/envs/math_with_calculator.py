"""Single-turn tasks that are hard by hand, offered with the ``calculator`` (``<task id>_with_calculator``).

The episode is the task's own problem and verdict (:class:`~bootcamp.env.task_env.TaskEnvironment`);
only the id changes, so the plain task and its tool-augmented version never collide. The physics and
earth versions are registered by ``physics_units`` and ``earth_dating`` with the same class.
"""

from __future__ import annotations

from bootcamp.env.registry import register_env
from bootcamp.env.task_env import TaskEnvironment

SUFFIX = "_with_calculator"


class WithCalculator(TaskEnvironment):
    """Task ``task_id`` with the calculator, registered as ``task_id + "_with_calculator"`` (the task is
    looked up on first use; episode ``s`` is the task's problem ``s``)."""

    def __init__(self, task_id: str, description: str, max_turns: int = 4) -> None:
        super().__init__(task_id, tools=("calculator",), max_turns=max_turns, env_id=task_id + SUFFIX)
        self.description = description


register_env(WithCalculator("math/digit_sum_power", "digit sum of a large power, with the calculator"))
register_env(WithCalculator("math/catalan_number", "Catalan numbers (balanced parentheses), with the calculator"))
