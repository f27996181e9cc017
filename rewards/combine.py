"""Which parts of a reward spec run when, and how their scores combine into one verdict.

Reads only :class:`rewards.items.ScoreItem` records, so it knows nothing about
reward kinds: a part that *is* the task's own verdict is marked on the item
(``verdict_parts``) by the kind that ran the verifier.
"""

from __future__ import annotations

from bootcamp.types import Part, Verdict
from rewards.items import EPS, FAILURES, UNDECIDED, ScoreItem, clip


def first_parts(item: ScoreItem) -> list[int]:
    """The parts to score in the first phase: all of them, or only the first for cascade/gate."""
    spec = item.spec
    if spec.combine in ("cascade", "gate"):
        return [0]
    return list(range(len(spec.parts)))


def next_parts(item: ScoreItem) -> list[int]:
    """The parts to score next, given what is scored so far (empty when the item is done)."""
    spec, done = item.spec, item.parts
    if spec.combine == "gate":
        if len(done) == 1 and done[0].score >= 1.0 - EPS:
            return list(range(1, len(spec.parts)))
        return []
    if spec.combine == "cascade":
        last = max(done)
        if done[last].reason in UNDECIDED and last + 1 < len(spec.parts):
            return [last + 1]
    return []


def combine(item: ScoreItem) -> Verdict:
    """The item's verdict from its scored parts, per ``spec.combine``."""
    spec, rule = item.spec, item.verdict
    order = sorted(item.parts)
    parts = [item.parts[k] for k in order]
    answer = rule.answer if rule else None
    detail = rule.detail if rule else None
    if detail is None and item.errors:
        detail = item.errors[min(item.errors)]
    if spec.combine in ("single", "cascade"):
        if order[-1] in item.verdict_parts and rule is not None:
            return rule.model_copy(update={"parts": parts})
        deciding = parts[-1]
        return _verdict(deciding.score, deciding.reason, answer, detail, parts)
    if spec.combine == "gate":
        gate = parts[0]
        if gate.score < 1.0 - EPS:
            reason = gate.reason if gate.reason != "wrong" else "format"
            return _verdict(0.0, reason, answer, detail or f"gate {gate.name!r} failed", parts)
        scored = [k for k in order if k != 0]
    else:
        scored = order
    chosen = [item.parts[k] for k in scored]
    total = sum(p.weight for p in chosen)
    if total > 0:
        score = sum(p.weight * p.score for p in chosen) / total
    else:
        score = sum(p.score for p in chosen) / len(chosen)
    failed = [p.reason for p in chosen if p.reason in FAILURES]
    rule_reason = next((item.parts[k].reason for k in scored
                        if k in item.verdict_parts and item.parts[k].reason != "ok"), None)
    return _verdict(score, failed[0] if failed else (rule_reason or "wrong"), answer, detail, parts)


def _verdict(score: float, reason: str, answer: str | None, detail: str | None, parts: list[Part]) -> Verdict:
    score = clip(score)
    correct = score >= 1.0 - EPS
    return Verdict(score=score, correct=correct, reason="ok" if correct else (reason if reason != "ok" else "wrong"),
                   answer=answer, detail=None if correct else detail, parts=parts)
