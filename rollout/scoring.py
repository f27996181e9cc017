"""Scorers turn (task id, identity, response) into verdicts: in-process, the MoR router, or the service.

The trainer only sees the :class:`Scorer` protocol, so the reward router (or a
remote reward service) plugs in without touching the training loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bootcamp import Verdict, get_task

Item = tuple[str, dict[str, Any], str]  # (task id, identity, response)


class Scorer(Protocol):
    def score(self, items: Sequence[Item]) -> list[Verdict]: ...


class TaskScorer:
    """Scores with each task's own ``verify`` in this process."""

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        return [get_task(task_id).verify(response, identity) for task_id, identity, response in items]


class RouterScorer:
    """Scores through the Mixture-of-Rewards router (``rewards.router.Router``) in this process."""

    def __init__(self, router: Any = None) -> None:
        if router is None:
            from rewards.router import Router

            router = Router()
        self.router = router

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        return self.router.score(list(items))


class ServiceScorer:
    """Scores through the reward service over HTTP (``POST {url}/v1/verify/batch``)."""

    def __init__(self, url: str, timeout_s: float = 30.0) -> None:
        from rewards.client import BootcampClient

        self.client = BootcampClient(url, timeout=timeout_s)

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        return self.client.verify_batch(list(items))


def make_scorer(mode: str = "inprocess", url: str | None = None, timeout_s: float = 30.0) -> Scorer:
    """The scorer for a job's ``rewards`` config: the in-process MoR router, or the reward service."""
    if mode == "service":
        if not url:
            raise ValueError("rewards.url: required when rewards.mode is 'service'")
        return ServiceScorer(url, timeout_s)
    return RouterScorer()
