"""The shared shape of reward-model kinds: one batched call to a named backend per phase."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bootcamp.task import Task
from rewards.items import PartJob, ScoreItem, clip
from rewards.kinds.base import KindContext, RewardKind, backend_name


class BackendKind(RewardKind):
    """A kind scored by a reward-model backend (``ctx.backend(name)``) in one batched call.

    Subclasses implement :meth:`call`: one value per job, a float score (``ok`` at 1.0, else
    ``wrong``), a ``(score, reason)`` pair, or ``None`` (that one part failed). A missing
    backend or a call that raises fails the call's parts with ``verifier_error``; one past
    ``ctx.model_timeout`` with ``timeout``.
    """

    async def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        start = time.perf_counter()
        name = backend_name(jobs[0].part)  # the group key makes it the same for every job
        scores: list[Any] | None = None
        reason, error = "ok", ""
        try:
            backend = await asyncio.to_thread(ctx.backend, name)  # may load a model
            if backend is None:
                raise LookupError(f"no {name!r} reward backend is configured")
            scores = list(await asyncio.wait_for(self.call(backend, jobs, ctx), ctx.model_timeout))
            if len(scores) != len(jobs):
                raise ValueError(f"backend {name!r} returned {len(scores)} scores for {len(jobs)} items")
        except TimeoutError:
            scores, reason, error = None, "timeout", f"reward backend {name!r} ran past {ctx.model_timeout:g}s"
        except Exception as exc:  # noqa: BLE001 - a failed model costs its parts, which carry the reason
            scores, reason, error = None, "verifier_error", f"reward backend {name!r}: {type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - start) * 1000 / max(1, len(jobs))
        out = []
        for n, job in enumerate(jobs):
            if scores is None:
                job.item.errors[job.index] = error[:500]
                out.append(job.failed(reason, latency))
            elif scores[n] is None:  # this one call failed (e.g. the judge gave no score)
                job.item.errors[job.index] = f"reward backend {name!r} gave no score"
                out.append(job.failed("verifier_error", latency))
            elif isinstance(scores[n], tuple):
                score, why = scores[n]
                out.append(job.result(clip(score), why, latency))
            else:
                out.append(job.scored(scores[n], latency))
        return out

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        """Score ``jobs`` with ``backend``: one float (or None for a failed one) per job."""
        raise NotImplementedError


def responses(jobs: list[PartJob]) -> list[str]:
    """The jobs' responses (anything that is not a string is the empty string)."""
    return [job.item.response if isinstance(job.item.response, str) else "" for job in jobs]


async def prompts(jobs: list[PartJob]) -> list[str]:
    """The jobs' prompts, built on a worker thread (a task's prompt may be slow)."""
    return await asyncio.to_thread(lambda: [safe_prompt(job.item.task, job.item.identity) for job in jobs])


async def references(jobs: list[PartJob]) -> list[str]:
    """What a judge or a similarity model compares against, per job (see :func:`reference`)."""
    return await asyncio.to_thread(lambda: [reference(job.item.task, job.item.identity) for job in jobs])


def safe_prompt(task: Task, identity: dict[str, Any]) -> str:
    """The task's prompt for ``identity``, or the empty string when building it fails."""
    try:
        return task.prompt(identity)
    except Exception:  # noqa: BLE001 - a model part can still score the response alone
        return ""


def reference(task: Task, identity: dict[str, Any]) -> str:
    """``identity['reference']`` when it is a string, else the task's reference answer (or empty)."""
    ref = identity.get("reference") if isinstance(identity, dict) else None
    if isinstance(ref, str):
        return ref
    try:
        return str(task.for_identity(identity).solve(identity))
    except Exception:  # noqa: BLE001 - a task without a solver still gets judged on the question
        return ""


def answer_or_response(item: ScoreItem) -> str:
    """The answer the task's verifier extracted, else the task's extraction, else the response's tail."""
    if item.verdict is not None and item.verdict.answer:
        return item.verdict.answer
    response = item.response
    if not isinstance(response, str):
        return ""
    try:
        return item.task.extract(response[-200_000:]) or response[-4000:]
    except Exception:  # noqa: BLE001
        return response[-4000:]
