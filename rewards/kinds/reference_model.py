"""The ``reference_model`` kind: a POLAR-style reward model scoring a response against a reference.

Per batch the kind builds each item's prompt, its reference (``identity["reference"]``,
else the task's reference answer) and takes its response, then calls
``backend.score_raw(prompts, references, responses)`` once, on a worker thread
(see :class:`rewards.models.reference.ReferenceRewardModel`). The raw scalars are
unbounded, so they are normalised to [0, 1] for RL, per the part's options:

- ``normalize: "rank"`` (default): within a *group* (the items of this call with
  the same task id, the same identity and the same part), the score is the
  response's rank among the group's raw scores scaled to [0, 1]: the best gets
  1.0, the worst 0.0, ties share their average rank. A group of one falls back
  to the sigmoid below. This suits GRPO-style training, where a prompt's
  responses arrive together and only their order matters.
- ``normalize: "sigmoid"``: ``sigmoid((raw - center) / temperature)`` with the
  options ``center`` (default 0.0) and ``temperature`` (default 1.0, > 0).

A part with an unknown option or a bad value fails with ``verifier_error`` and a
message saying which (the backend is not called for it); the rest of the batch
scores. A raw score that is not a finite number fails its part alone.

Rank-normalised scores depend on the batch: the same response scores differently
next to other responses. Such verdicts must never be cached nor shared between
duplicate requests: the kind's ``batch_dependent(part)`` says so, and the
service (``Router.batch_dependent(spec)``) skips its cache for them.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from bootcamp.rewardspec import RewardPart
from bootcamp.types import Part
from rewards.items import PartJob
from rewards.kinds.backend import BackendKind, prompts, references, responses
from rewards.kinds.base import KindContext, register_kind

KIND = "reference_model"
NORMALIZERS = ("rank", "sigmoid")
#: Options a ``reference_model`` part may set.
OPTIONS = ("backend", "normalize", "center", "temperature")


def part_options(part: RewardPart) -> dict[str, Any]:
    """The part's normalisation options, checked: ``{"normalize", "center", "temperature"}``.

    Raises:
        ValueError: an unknown option, an unknown ``normalize``, a non-finite ``center`` or a
            ``temperature`` that is not a finite number above 0.
    """
    opts = part.options
    unknown = sorted(k for k in opts if k not in OPTIONS)
    if unknown:
        raise ValueError(f"reference_model part {part.name!r}: unknown option(s) {unknown}; "
                         f"valid: {', '.join(OPTIONS)}")
    normalize = opts.get("normalize", "rank")
    if normalize not in NORMALIZERS:
        raise ValueError(f"reference_model part {part.name!r}: normalize={normalize!r} is not one of "
                         f"{', '.join(NORMALIZERS)}")
    center = _number(part, "center", opts.get("center", 0.0))
    temperature = _number(part, "temperature", opts.get("temperature", 1.0))
    if temperature <= 0:
        raise ValueError(f"reference_model part {part.name!r}: temperature must be above 0, got {temperature:g}")
    return {"normalize": normalize, "center": center, "temperature": temperature}


def _number(part: RewardPart, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"reference_model part {part.name!r}: {name} must be a finite number, got {value!r}")
    return float(value)


def sigmoid(raw: float, center: float = 0.0, temperature: float = 1.0) -> float:
    """``1 / (1 + exp(-(raw - center) / temperature))``, without overflow."""
    z = (raw - center) / temperature
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def ranks01(values: list[float]) -> list[float]:
    """Each value's rank in ``values`` scaled to [0, 1] (ties share the average rank).

    The largest value gets 1.0, the smallest 0.0; a list of one gets 0.5 (callers use
    :func:`sigmoid` for groups of one instead).
    """
    n = len(values)
    if n == 1:
        return [0.5]
    order = sorted(range(n), key=lambda i: values[i])
    out = [0.0] * n
    start = 0
    while start < n:
        end = start
        while end + 1 < n and values[order[end + 1]] == values[order[start]]:
            end += 1
        avg = (start + end) / 2  # ranks start..end are tied
        for k in range(start, end + 1):
            out[order[k]] = avg / (n - 1)
        start = end + 1
    return out


def group_key(job: PartJob) -> Hashable:
    """Which rank group a job belongs to: its task id, canonical identity and part index."""
    try:
        ident = json.dumps(job.item.identity, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):  # not JSON at all (a hostile client's identity)
        ident = repr(job.item.identity)
    return job.item.task_id, ident, job.index


def normalize(raw: list[float | None], jobs: list[PartJob], options: list[dict[str, Any]]) -> list[float | None]:
    """Normalised scores in [0, 1], one per job; None where the raw score is missing or not finite."""
    out: list[float | None] = [None] * len(jobs)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, (job, value, opts) in enumerate(zip(jobs, raw, options, strict=True)):
        if value is None or not math.isfinite(value):
            continue
        if opts["normalize"] == "rank":
            groups[group_key(job)].append(i)
        else:
            out[i] = sigmoid(value, opts["center"], opts["temperature"])
    for members in groups.values():
        if len(members) == 1:
            i = members[0]
            out[i] = sigmoid(raw[i], options[i]["center"], options[i]["temperature"])  # type: ignore[arg-type]
            continue
        for i, score in zip(members, ranks01([raw[i] for i in members]), strict=True):  # type: ignore[misc]
            out[i] = score
    return out


@register_kind(KIND)
class ReferenceModelKind(BackendKind):
    """Calls ``backend.score_raw(prompts, references, responses)`` once per batch, then normalises."""

    def batch_dependent(self, part: RewardPart) -> bool:
        """Rank normalisation (the default) depends on the group's other responses. A part with an
        invalid ``normalize`` counts too: it fails, and failures are not cached anyway."""
        return (part.options or {}).get("normalize", "rank") != "sigmoid"

    async def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        """Score the jobs whose options are valid; fail the others with ``verifier_error``."""
        out: list[Part | None] = [None] * len(jobs)
        good: list[int] = []
        for n, job in enumerate(jobs):
            try:
                part_options(job.part)
                good.append(n)
            except ValueError as exc:
                job.item.errors[job.index] = str(exc)[:500]
                out[n] = job.failed("verifier_error")
        if good:
            scored = await super().score([jobs[n] for n in good], ctx)
            for n, part in zip(good, scored, strict=True):
                out[n] = part
        return out

    async def call(self, backend: Any, jobs: list[PartJob], ctx: KindContext) -> list[Any]:
        options = [part_options(job.part) for job in jobs]
        questions = await prompts(jobs)
        refs = await references(jobs)
        raw = list(await asyncio.to_thread(backend.score_raw, questions, refs, responses(jobs)))
        if len(raw) != len(jobs):
            raise ValueError(f"score_raw returned {len(raw)} scores for {len(jobs)} items")
        return normalize([_as_float(x) for x in raw], jobs, options)


def _as_float(x: Any) -> float | None:
    """A backend's raw score as a float, or None when it is not a number."""
    if isinstance(x, bool):
        return None
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return None
