"""Grading an episode's final answer under the same hard deadline as ``/v1/verify``.

A final answer is model output: a verifier may spend minutes on it (``\\sqrt{10^{9999}+7}``), and in
the service process that would hold the GIL and stall every request. So :class:`EpisodeGrader` sends
it to the app's own sandbox pool (``ServiceState.pool``, started on first use, as ``/v1/verify``
does), whose workers are killed at ``verify_timeout_s``:

- an episode of a plain task (:class:`~bootcamp.env.task_env.TaskEnvironment`) is graded as the
  task's ``verify`` in the pool, exactly as ``/v1/verify`` grades it;
- any other environment goes to the pool as :class:`EnvironmentAnswer`, a task whose ``verify``
  calls the environment's own ``grade`` in the worker (the environment instance travels with the
  job, pickled by reference to its class);
- an environment that cannot be pickled (a class defined inside a function) is graded in one of a
  few threads here, waited for up to the same deadline: past it the verdict is ``timeout``. A
  thread cannot be killed, so a stuck one keeps its slot; with every slot stuck, later answers of
  such environments time out while they wait.

This module is imported by the pool's workers (for :class:`EnvironmentAnswer`): keep its imports light.
"""

from __future__ import annotations

import copy
import pickle
import random
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from bootcamp.task import Task
from bootcamp.types import Verdict

#: The id :class:`EnvironmentAnswer` has in the grader's private registry.
ANSWER_TASK_ID = "generic/episode_final_answer"
#: Threads that grade environments the pool cannot take (see the module docstring).
GRADE_THREADS = 4


class EnvironmentAnswer(Task):
    """An environment's final answer as a pool job: ``identity`` is ``{"env": Environment,
    "identity": ..., "memory": ...}`` and ``verify`` is the environment's ``grade``."""

    description = "An episode's final answer, graded by its environment (internal to the episode API)."

    def verify(self, response: str, identity: dict[str, Any]) -> Verdict:
        refused = self.refuse(response)
        if refused is not None:
            return refused
        try:
            env = identity["env"]
            return env.grade(response, identity["identity"], identity["memory"])
        except Exception as exc:  # noqa: BLE001 - a crashing grader costs one verdict
            return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500])

    # Never played as a task: it exists to carry a grade into a pool worker.
    def generate(self, rng: random.Random) -> dict[str, Any]:
        raise NotImplementedError("generic/episode_final_answer only grades episodes")

    def prompt(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError("generic/episode_final_answer only grades episodes")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        raise NotImplementedError("generic/episode_final_answer only grades episodes")

    def solve(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError("generic/episode_final_answer only grades episodes")


class EpisodeGrader:
    """Grades final answers with a deadline (see the module docstring); one per app.

    Args:
        state: the app's ``ServiceState`` (its ``ensure()`` starts the pool ``/v1/verify`` uses).
        timeout_s: the deadline for a grade that cannot go to the pool (the pool keeps its own,
            ``verify_timeout_s``).
    """

    def __init__(self, state: Any, timeout_s: float) -> None:
        from bootcamp.registry import Registry

        self.state = state
        self.timeout_s = timeout_s
        self._answers = Registry(load_plugins=False)
        self._answers.register(EnvironmentAnswer, ANSWER_TASK_ID)
        self._threads = ThreadPoolExecutor(GRADE_THREADS, thread_name_prefix="bootcamp-episode-grade")

    def with_deadline(self, env: Any) -> Any:
        """``env`` with its ``grade`` sent here: its ``step`` stays its own, only the grading moves."""
        proxy = copy.copy(env)
        proxy.grade = lambda response, identity, memory: self.grade(env, response, identity, memory)
        return proxy

    def grade(self, env: Any, response: str, identity: dict[str, Any], memory: dict[str, Any]) -> Verdict:
        """The verdict on ``response`` as ``env`` grades it, within the deadline (blocking: call from a thread)."""
        from bootcamp.env.task_env import TaskEnvironment

        if isinstance(env, TaskEnvironment) and type(env).grade is TaskEnvironment.grade:
            registry = env.registry if env.registry is not None else self.state.registry
            return self._pool().verify(env.task_id, identity, response, registry=registry)
        payload = {"env": env, "identity": identity, "memory": memory}
        try:
            pickle.dumps(payload, protocol=5)
        except Exception:  # noqa: BLE001 - a local class (or unpicklable state): grade it here, in a thread
            return self._in_thread(env, response, identity, memory)
        return self._pool().verify(ANSWER_TASK_ID, payload, response, registry=self._answers)

    def _pool(self) -> Any:
        self.state.ensure()
        return self.state.pool

    def _in_thread(self, env: Any, response: str, identity: dict[str, Any], memory: dict[str, Any]) -> Verdict:
        future = self._threads.submit(env.grade, response, identity, memory)
        try:
            return future.result(timeout=self.timeout_s)
        except FutureTimeout:
            future.cancel()
            return Verdict.failed("timeout", f"grading ran past {self.timeout_s:g}s")
        except Exception as exc:  # noqa: BLE001 - grade never raises, but a crash still costs one verdict
            return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500])

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
