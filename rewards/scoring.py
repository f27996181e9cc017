"""Scorers turn (task id, identity, response) into verdicts: in-process, the MoR router, or the service.

The trainer only sees the :class:`Scorer` protocol, so the reward router (or a
remote reward service) plugs in without touching the training loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bootcamp import Verdict
from bootcamp.registry import REGISTRY, Registry

Item = tuple[str, dict[str, Any], str]  # (task id, identity, response)


class Scorer(Protocol):
    def score(self, items: Sequence[Item]) -> list[Verdict]: ...


class TaskScorer:
    """Scores with each task's own ``verify`` in this process (tasks looked up in ``registry``)."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else REGISTRY

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        return [self.registry.get(task_id).verify(response, identity) for task_id, identity, response in items]


class RouterScorer:
    """Scores through the Mixture-of-Rewards router (``rewards.router.Router``) in this process.

    Built by :func:`make_scorer`, it has the reward-model backends (reference similarity for
    ``open/*`` tasks; a classifier or judge when configured) and, with ``sandbox_workers > 0``,
    a sandbox pool that kills a verifier past its timeout and costs that one verdict.
    """

    def __init__(self, router: Any = None, pool: Any = None, closers: list[Any] | None = None) -> None:
        if router is None:
            from rewards.router import Router

            router = Router()
        self.router = router
        self.pool = pool
        self.closers = list(closers or [])  # e.g. stopping the model servers its backends talk to

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        return self.router.score(list(items))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        closers, self.closers = self.closers, []
        for close in closers:
            close()


class ServiceScorer:
    """Scores through the reward service over HTTP (``POST {url}/v1/verify/batch``).

    With several ``urls`` (replicas of one service), a request that one cannot answer goes to
    the next. Unreachable or overloaded replicas are retried with backoff for up to
    ``retry_budget_s`` seconds (see :class:`rewards.client.BootcampClient`); after that
    :meth:`score` raises :class:`rewards.client.RewardServiceUnavailable`, so a training step
    fails loudly instead of training on rewards that were never computed.

    Attributes:
        retries: retries made so far (a job logs it to show the service was flaky).
    """

    def __init__(self, url: str | Sequence[str], timeout_s: float = 30.0, retry_budget_s: float = 300.0) -> None:
        from rewards.client import BootcampClient

        self.client = BootcampClient(url, timeout=timeout_s, retry_budget_s=retry_budget_s)

    @property
    def urls(self) -> list[str]:
        return self.client.urls

    @property
    def retries(self) -> int:
        return self.client.retries

    def score(self, items: Sequence[Item]) -> list[Verdict]:
        items = list(items)
        verdicts = self.client.verify_batch(items)
        if len(verdicts) != len(items):  # a reply for other items must not become rewards
            raise RuntimeError(f"reward service returned {len(verdicts)} verdicts for {len(items)} items")
        return verdicts

    def close(self) -> None:
        self.client.close()


def make_scorer(mode: str = "inprocess", url: str | Sequence[str] | None = None, timeout_s: float = 30.0, *,
                retry_budget_s: float = 300.0, sandbox_workers: int = 0, verify_timeout_s: float = 5.0,
                backends: dict[str, Any] | None = None, registry: Registry | None = None,
                spec_overrides: dict[str, Any] | None = None, closers: list[Any] | None = None) -> Scorer:
    """The scorer for a job's ``rewards`` config: the in-process MoR router, or the reward service.

    As a service scorer, ``url`` is one reward-service URL or several replicas, and a request
    retries unreachable or overloaded ones for up to ``retry_budget_s`` seconds, then raises.
    In process, ``backends`` are the reward models by name (default: ``rewards.models.default_backends()``,
    each loaded on first use), ``sandbox_workers`` verifier processes give hard timeouts, and task
    ids are looked up in ``registry`` (default: the global one; the reward service has its own),
    ``spec_overrides`` replace the matching tasks' reward specs, and ``closers`` run on ``close()``.
    """
    if mode == "service":
        urls = [url] if isinstance(url, str) else [u for u in (url or []) if u]
        if not urls or not all(urls):
            raise ValueError("rewards.url: required when rewards.mode is 'service'")
        return ServiceScorer(urls, timeout_s, retry_budget_s)
    from rewards.models import default_backends
    from rewards.router import Router

    pool = None
    if sandbox_workers > 0:
        from rewards.pool import SandboxPool

        pool = SandboxPool(sandbox_workers, verify_timeout_s, registry=registry).start()
    backends = backends if backends is not None else default_backends(timeout_s=timeout_s)
    router = Router(pool, backends, registry=registry, model_timeout=timeout_s, spec_overrides=spec_overrides)
    return RouterScorer(router, pool, closers)
