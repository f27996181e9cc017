"""The Mixture-of-Rewards router: score a batch by each task's reward spec.

For a batch of ``(task_id, identity, response)`` items the router looks each
task up in its registry, keeps one :class:`rewards.items.ScoreItem` record per
item, and scores the parts due in each phase: it groups them by their kind's
implementation (``rewards.kinds``; rule/checker parts share one sandbox-pool
call, each reward-model backend gets one batched call) and runs the groups
concurrently. :mod:`rewards.combine` then turns each record into one
:class:`bootcamp.Verdict`, in order.

``cascade`` computes later parts only for the items the earlier part could not
decide (``no_answer``/``invalid_answer``); ``gate`` computes the rest only for
items that pass the gate. A part whose kind has no implementation, or whose
implementation raises, fails with ``verifier_error``; the batch goes on.
"""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import threading
import time
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.rewardspec import RewardSpec
from bootcamp.task import Task
from bootcamp.types import REASONS, Part, Verdict
from rewards.combine import combine, first_parts, next_parts
from rewards.items import EPS, FAILURES, UNDECIDED, PartJob, ScoreItem, as_item
from rewards.kinds import KindContext, RewardKind, backend_name, get_kind, missing_kind_message
from rewards.models import cache_tag
from rewards.pool import SandboxPool

__all__ = ["EPS", "FAILURES", "UNDECIDED", "Router", "as_item"]


class Router:
    """Scores batches by reward spec.

    Args:
        pool: the sandbox pool for rule/checker parts; None runs them in-process (no hard timeout).
            The pool resolves task ids with this router's ``registry``.
        backends: reward-model backends by name. A part uses ``options["backend"]`` or its kind
            (``model``, ``judge``, ``similarity``). A value with a ``resolve()`` method is resolved
            on first use (heavy models load lazily).
        registry: where task ids are looked up, here and in the pool's workers.
        model_timeout: seconds one batched model/judge/similarity call may take.
        spec_overrides: reward specs by task-id glob (``{"open/*": {...}}``), used instead of the
            matching tasks' own specs; the first matching glob wins. This is how a job adds a
            verifier model to tasks it does not own.
    """

    def __init__(
        self,
        pool: SandboxPool | None = None,
        backends: Mapping[str, Any] | None = None,
        registry: Registry | None = None,
        model_timeout: float = 60.0,
        spec_overrides: Mapping[str, RewardSpec | Mapping[str, Any]] | None = None,
    ) -> None:
        self.pool = pool
        self.backends = dict(backends or {})
        self.registry = registry if registry is not None else REGISTRY
        self.model_timeout = model_timeout
        self.spec_overrides = parse_overrides(spec_overrides)

    def spec_for(self, task_id: str, task: Task) -> RewardSpec:
        """The reward spec the router uses for ``task``: the first matching override, else its own."""
        for pattern, spec in self.spec_overrides.items():
            if fnmatch.fnmatchcase(task_id, pattern):
                return spec
        return task.reward

    def batch_dependent(self, spec: RewardSpec) -> bool:
        """Whether a verdict under ``spec`` depends on the rest of its batch (never cache it)."""
        for part in spec.parts:
            impl = get_kind(part.kind)
            if impl is not None and impl.batch_dependent(part):
                return True
        return False

    def cache_tag(self, spec: RewardSpec) -> str:
        """The spec and what its backends are (model ids, template versions, reply grammar), for
        verdict caches; a backend that has no tag is named by its class."""
        tags = tuple(_backend_tag(self.backends.get(backend_name(p))) for p in spec.parts)
        memo = self.__dict__.setdefault("_cache_tags", {})
        text = memo.get((id(spec), tags))
        if text is None or text[0] is not spec:  # id() only while the same spec object is alive
            text = (spec, spec.model_dump_json() + ("|" + "|".join(tags) if any(tags) else ""))
            if len(memo) > 4096:
                memo.clear()
            memo[(id(spec), tags)] = text
        return text[1]

    # -- public API ---------------------------------------------------------------------
    def score(self, items: Sequence[Any]) -> list[Verdict]:
        """Score a batch (blocking). Unknown task ids raise :class:`bootcamp.UnknownTaskError`."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.ascore(items))
        # Called from inside an event loop: run ours on a side thread.
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["out"] = asyncio.run(self.ascore(items))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                box["err"] = exc

        t = threading.Thread(target=run)
        t.start()
        t.join()
        if "err" in box:
            raise box["err"]
        return box["out"]

    async def ascore(self, items: Sequence[Any]) -> list[Verdict]:
        """Score a batch without blocking the event loop; order kept."""
        records = []
        for i, raw in enumerate(items):
            task_id, identity, response = as_item(raw)
            task = self.registry.get(task_id)  # unknown ids raise before any work
            records.append(ScoreItem(i, task_id, identity, response, task, self.spec_for(task_id, task)))
        ctx = KindContext(self.registry, self.pool, self.backends, self.model_timeout)
        todo = [PartJob(it, k) for it in records for k in first_parts(it)]
        while todo:
            await _run_phase(todo, ctx)
            todo = [PartJob(it, k) for it in records for k in next_parts(it)]
        return [combine(it) for it in records]


def _backend_tag(backend: Any) -> str:
    if backend is None:
        return ""
    return cache_tag(backend) or f"{type(backend).__module__}.{type(backend).__qualname__}"


def parse_overrides(overrides: Mapping[str, RewardSpec | Mapping[str, Any]] | None) -> dict[str, RewardSpec]:
    """Validated ``{glob: RewardSpec}``; a bad spec is a ``ValueError`` naming its glob."""
    out: dict[str, RewardSpec] = {}
    for pattern, spec in (overrides or {}).items():
        try:
            out[str(pattern)] = spec if isinstance(spec, RewardSpec) else RewardSpec.model_validate(dict(spec))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"spec_overrides[{pattern!r}]: {exc}") from None
    return out


async def _run_phase(jobs: list[PartJob], ctx: KindContext) -> None:
    """Score every due part: one call per group of parts whose kinds share a group key."""
    groups: dict[Hashable, tuple[RewardKind, list[PartJob]]] = {}
    for job in jobs:
        kind = job.part.kind
        impl = get_kind(kind)
        if impl is None:  # declared in the SDK, implemented nowhere: costs this part only
            job.item.errors[job.index] = missing_kind_message(kind)
            job.item.parts[job.index] = job.failed("verifier_error")
            continue
        key = impl.group_key(job.part)
        groups.setdefault(key, (impl, []))[1].append(job)
    await asyncio.gather(*(_run_group(impl, members, ctx) for impl, members in groups.values()))


async def _run_group(impl: RewardKind, jobs: list[PartJob], ctx: KindContext) -> None:
    start = time.perf_counter()
    try:
        if inspect.iscoroutinefunction(impl.score):
            result = await impl.score(jobs, ctx)
        else:  # a plain method may block (a model call): keep it off the event loop
            result = await asyncio.to_thread(impl.score, jobs, ctx)
        if inspect.isawaitable(result):
            result = await result
        parts = list(result)
        if len(parts) != len(jobs) or not all(isinstance(p, Part) and p.reason in REASONS for p in parts):
            raise TypeError(f"returned {len(parts)} values for {len(jobs)} parts "
                            "(want one bootcamp.Part each, with a known reason)")
    except Exception as exc:  # noqa: BLE001 - a broken kind costs its parts, which carry the reason
        latency = (time.perf_counter() - start) * 1000 / max(1, len(jobs))
        error = f"reward kind {impl.name!r} failed: {type(exc).__name__}: {exc}"[:500]
        for job in jobs:
            job.item.errors[job.index] = error
            job.item.parts[job.index] = job.failed("verifier_error", latency)
        return
    for job, part in zip(jobs, parts, strict=True):
        job.item.parts[job.index] = part
