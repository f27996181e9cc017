"""The Mixture-of-Rewards router: score a batch by each task's reward spec.

For a batch of ``(task_id, identity, response)`` items the router reads each
task's :class:`bootcamp.RewardSpec`, groups the parts to compute by verifier
kind, fans them out concurrently (the sandbox pool for ``rule``/``checker``
parts, one batched call per backend for ``model``/``similarity`` parts,
concurrent requests for ``judge`` parts), and combines the parts into one
:class:`bootcamp.Verdict` per item, in order.

``cascade`` computes later parts only for the items the earlier part could not
decide (``no_answer``/``invalid_answer``); ``gate`` computes the rest only for
items that pass the gate. ``rule`` and ``checker`` parts both run the task's own
verifier (a checker is a rule backed by a domain library); an item's verifier
runs once however many such parts its spec lists.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.rewardspec import RewardPart, RewardSpec
from bootcamp.task import Task
from bootcamp.types import Part, Verdict
from rewards.pool import SandboxPool

UNDECIDED = ("no_answer", "invalid_answer")
FAILURES = ("timeout", "verifier_error")
RULE_KINDS = ("rule", "checker")
EPS = 1e-9


def as_item(item: Any) -> tuple[str, dict[str, Any], str]:
    """Normalise ``(task, identity, response)`` or ``{"task", "identity", "response"}`` to a tuple."""
    if isinstance(item, Mapping):
        return item["task"], item.get("identity") or {}, item.get("response", "")
    task_id, identity, response = item
    return task_id, identity, response


class Router:
    """Scores batches by reward spec.

    Args:
        pool: the sandbox pool for rule/checker parts; None runs them in-process (no hard timeout).
        backends: reward-model backends by name. A part uses ``options["backend"]`` or its kind
            (``model``, ``judge``, ``similarity``). A value with a ``resolve()`` method is resolved
            on first use (heavy models load lazily).
        registry: where task ids are looked up.
        model_timeout: seconds one batched model/judge/similarity call may take.
    """

    def __init__(
        self,
        pool: SandboxPool | None = None,
        backends: Mapping[str, Any] | None = None,
        registry: Registry | None = None,
        model_timeout: float = 60.0,
    ) -> None:
        self.pool = pool
        self.backends = dict(backends or {})
        self.registry = registry if registry is not None else REGISTRY
        self.model_timeout = model_timeout

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
        norm = [as_item(it) for it in items]
        tasks = [self.registry.get(t) for t, _, _ in norm]
        specs = [t.reward for t in tasks]
        done: list[dict[int, Part]] = [{} for _ in norm]
        rule_verdicts: list[Verdict | None] = [None] * len(norm)
        todo = {i: _first_parts(specs[i]) for i in range(len(norm))}
        while todo:
            await self._run_phase(todo, norm, tasks, specs, done, rule_verdicts)
            todo = {}
            for i, spec in enumerate(specs):
                nxt = _next_parts(spec, done[i])
                if nxt:
                    todo[i] = nxt
        return [_combine(specs[i], done[i], rule_verdicts[i]) for i in range(len(norm))]

    # -- one phase: every part due now, grouped by kind -----------------------------------
    async def _run_phase(
        self,
        todo: dict[int, list[int]],
        items: list[tuple[str, dict[str, Any], str]],
        tasks: list[Task],
        specs: list[RewardSpec],
        done: list[dict[int, Part]],
        rule_verdicts: list[Verdict | None],
    ) -> None:
        rule_items: list[int] = []
        groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for i, part_ids in todo.items():
            for k in part_ids:
                part = specs[i].parts[k]
                if part.kind in RULE_KINDS:
                    if rule_verdicts[i] is None and i not in rule_items:
                        rule_items.append(i)
                else:
                    groups.setdefault((part.kind, _backend_name(part)), []).append((i, k))
        jobs = []
        if rule_items:
            jobs.append(self._run_rules(rule_items, items, tasks, rule_verdicts))
        for (kind, backend), members in groups.items():
            jobs.append(self._run_models(kind, backend, members, items, tasks, specs, done, rule_verdicts))
        await asyncio.gather(*jobs)
        for i, part_ids in todo.items():
            for k in part_ids:
                part = specs[i].parts[k]
                if part.kind in RULE_KINDS:
                    v = rule_verdicts[i]
                    assert v is not None
                    latency = v.parts[0].latency_ms if v.parts else 0.0
                    done[i][k] = Part(name=part.name, kind=part.kind, score=v.score, weight=part.weight,
                                      reason=v.reason, latency_ms=latency)

    async def _run_rules(self, idx: list[int], items: list[tuple[str, dict[str, Any], str]], tasks: list[Task],
                         rule_verdicts: list[Verdict | None]) -> None:
        batch = [items[i] for i in idx]
        if self.pool is not None:
            verdicts = await self.pool.averify_many(batch)
        else:
            verdicts = await asyncio.to_thread(lambda: [_timed_verify(tasks[i], items[i]) for i in idx])
        for i, v in zip(idx, verdicts, strict=False):
            rule_verdicts[i] = v

    async def _run_models(
        self,
        kind: str,
        backend_name: str,
        members: list[tuple[int, int]],
        items: list[tuple[str, dict[str, Any], str]],
        tasks: list[Task],
        specs: list[RewardSpec],
        done: list[dict[int, Part]],
        rule_verdicts: list[Verdict | None],
    ) -> None:
        start = time.perf_counter()
        scores: list[float | None] | None = None
        reason = "ok"
        try:
            backend = await asyncio.to_thread(self._backend, backend_name)  # may load a model
            if backend is None:
                raise LookupError(f"no {backend_name!r} reward backend is configured")
            scores = await asyncio.wait_for(
                self._call_backend(kind, backend, members, items, tasks, specs, rule_verdicts), self.model_timeout
            )
            if len(scores) != len(members):
                raise ValueError(f"backend {backend_name!r} returned {len(scores)} scores for {len(members)} items")
        except TimeoutError:
            reason = "timeout"
        except Exception:  # noqa: BLE001 - a failed model costs its parts, which carry the reason
            reason = "verifier_error"
        latency = (time.perf_counter() - start) * 1000 / max(1, len(members))
        for n, (i, k) in enumerate(members):
            part = specs[i].parts[k]
            if scores is None:
                done[i][k] = Part(name=part.name, kind=kind, score=0.0, weight=part.weight, reason=reason,
                                  latency_ms=latency)
                continue
            if scores[n] is None:  # this one call failed (e.g. the judge gave no score)
                done[i][k] = Part(name=part.name, kind=kind, score=0.0, weight=part.weight,
                                  reason="verifier_error", latency_ms=latency)
                continue
            s = _clip(scores[n])
            done[i][k] = Part(name=part.name, kind=kind, score=s, weight=part.weight,
                              reason="ok" if s >= 1.0 - EPS else "wrong", latency_ms=latency)

    async def _call_backend(self, kind: str, backend: Any, members: list[tuple[int, int]],
                            items: list[tuple[str, dict[str, Any], str]], tasks: list[Task],
                            specs: list[RewardSpec], rule_verdicts: list[Verdict | None]) -> list[Any]:
        responses = [items[i][2] if isinstance(items[i][2], str) else "" for i, _ in members]
        if kind == "model":
            prompts = await asyncio.to_thread(lambda: [_safe_prompt(tasks[i], items[i][1]) for i, _ in members])
            return list(await asyncio.to_thread(backend.score, prompts, responses))
        refs = await asyncio.to_thread(lambda: [_reference(tasks[i], items[i][1]) for i, _ in members])
        if kind == "similarity":
            answers = [_answer_or_response(rule_verdicts[i], tasks[i], items[i][2]) for i, _ in members]
            return list(await asyncio.to_thread(backend.score, answers, refs))
        questions = await asyncio.to_thread(lambda: [_safe_prompt(tasks[i], items[i][1]) for i, _ in members])
        return list(await backend.ascore_many(questions, responses, refs))

    def _backend(self, name: str) -> Any:
        obj = self.backends.get(name)
        resolve = getattr(obj, "resolve", None)
        return resolve() if callable(resolve) else obj


# -- which parts run when --------------------------------------------------------------------
def _first_parts(spec: RewardSpec) -> list[int]:
    if spec.combine in ("cascade", "gate"):
        return [0]
    return list(range(len(spec.parts)))


def _next_parts(spec: RewardSpec, done: dict[int, Part]) -> list[int]:
    if spec.combine == "gate":
        if len(done) == 1 and done[0].score >= 1.0 - EPS:
            return list(range(1, len(spec.parts)))
        return []
    if spec.combine == "cascade":
        last = max(done)
        if done[last].reason in UNDECIDED and last + 1 < len(spec.parts):
            return [last + 1]
    return []


def _combine(spec: RewardSpec, done: dict[int, Part], rule: Verdict | None) -> Verdict:
    parts = [done[k] for k in sorted(done)]
    answer = rule.answer if rule else None
    detail = rule.detail if rule else None
    if spec.combine in ("single", "cascade"):
        deciding = parts[-1]
        if deciding.kind in RULE_KINDS and rule is not None:
            return rule.model_copy(update={"parts": parts})
        return _verdict(deciding.score, deciding.reason, answer, detail, parts)
    if spec.combine == "gate":
        gate = parts[0]
        if gate.score < 1.0 - EPS:
            reason = gate.reason if gate.reason != "wrong" else "format"
            return _verdict(0.0, reason, answer, detail or f"gate {gate.name!r} failed", parts)
        scored = parts[1:]
    else:
        scored = parts
    total = sum(p.weight for p in scored)
    score = (sum(p.weight * p.score for p in scored) / total) if total > 0 else sum(p.score for p in scored) / len(scored)
    failed = [p.reason for p in scored if p.reason in FAILURES]
    rule_reason = next((p.reason for p in scored if p.kind in RULE_KINDS and p.reason != "ok"), None)
    return _verdict(score, failed[0] if failed else (rule_reason or "wrong"), answer, detail, parts)


def _verdict(score: float, reason: str, answer: str | None, detail: str | None, parts: list[Part]) -> Verdict:
    score = _clip(score)
    correct = score >= 1.0 - EPS
    return Verdict(score=score, correct=correct, reason="ok" if correct else (reason if reason != "ok" else "wrong"),
                   answer=answer, detail=None if correct else detail, parts=parts)


# -- helpers ---------------------------------------------------------------------------------
def _backend_name(part: RewardPart) -> str:
    return str(part.options.get("backend") or part.kind)


def _clip(x: Any) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return 0.0
    if x != x:
        return 0.0
    return min(1.0, max(0.0, x))


def _timed_verify(task: Task, item: tuple[str, dict[str, Any], str]) -> Verdict:
    start = time.perf_counter()
    v = task.verify(item[2], item[1])
    if v.parts:
        v.parts = [p.model_copy(update={"latency_ms": (time.perf_counter() - start) * 1000}) for p in v.parts]
    return v


def _safe_prompt(task: Task, identity: dict[str, Any]) -> str:
    try:
        return task.prompt(identity)
    except Exception:  # noqa: BLE001 - a model part can still score the response alone
        return ""


def _reference(task: Task, identity: dict[str, Any]) -> str:
    """What a judge or a similarity model compares against: ``identity['reference']``, else the reference answer."""
    ref = identity.get("reference") if isinstance(identity, dict) else None
    if isinstance(ref, str):
        return ref
    try:
        return str(task.solve(identity))
    except Exception:  # noqa: BLE001 - a task without a solver still gets judged on the question
        return ""


def _answer_or_response(rule: Verdict | None, task: Task, response: Any) -> str:
    if rule is not None and rule.answer:
        return rule.answer
    if not isinstance(response, str):
        return ""
    try:
        return task.extract(response[-200_000:]) or response[-4000:]
    except Exception:  # noqa: BLE001
        return response[-4000:]
