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
    """The item's verdict from its scored parts, per ``spec.combine``.

    The verdict says which part decided (``decided_by``: its kind, or ``mixture`` for a
    weighted mean of several parts) and, for ``second_opinion``, whether the two disagreed.
    """
    spec, rule = item.spec, item.verdict
    order = sorted(item.parts)
    parts = [item.parts[k] for k in order]
    answer = rule.answer if rule else None
    detail = rule.detail if rule else None
    if detail is None and item.errors:
        detail = item.errors[min(item.errors)]
    if spec.combine in ("single", "cascade"):
        return _decided_by(item, order[-1], parts, answer, detail)
    if spec.combine == "second_opinion":
        winner, disagreement = second_opinion(item.parts[0], item.parts[1], spec.prefer)
        return _decided_by(item, winner, parts, answer, detail, disagreement)
    if spec.combine == "gate":
        gate = parts[0]
        if gate.score < 1.0 - EPS:
            reason = gate.reason if gate.reason != "wrong" else "format"
            return _verdict(0.0, reason, answer, detail or f"gate {gate.name!r} failed", parts, gate.kind)
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
    decided_by = chosen[0].kind if len(chosen) == 1 else "mixture"
    return _verdict(score, failed[0] if failed else (rule_reason or "wrong"), answer, detail, parts, decided_by)


def decided(part: Part) -> bool:
    """Whether a part judged the answer (not undecided, not a failed verifier)."""
    return part.reason not in UNDECIDED and part.reason not in FAILURES


def second_opinion(first: Part, second: Part, prefer: str) -> tuple[int, bool | None]:
    """Which of two parts decides (0 or 1) and whether they disagreed (None: not both decided).

    The one that could decide wins; when both decided and disagree on correctness,
    ``prefer`` picks: ``first``, ``second``, or ``lower`` (the lower score).
    """
    a, b = decided(first), decided(second)
    if a and b:
        disagree = (first.score >= 1.0 - EPS) != (second.score >= 1.0 - EPS)
        if not disagree or prefer == "first":
            return 0, disagree
        if prefer == "second":
            return 1, disagree
        return (0 if first.score <= second.score else 1), disagree
    if b and not a:
        return 1, None
    return 0, None


def _decided_by(item: ScoreItem, index: int, parts: list[Part], answer: str | None, detail: str | None,
                disagreement: bool | None = None) -> Verdict:
    """The verdict of part ``index`` alone (the task's own verdict when that part ran the verifier)."""
    deciding = item.parts[index]
    if index in item.verdict_parts and item.verdict is not None:
        return item.verdict.model_copy(update={"parts": parts, "decided_by": deciding.kind,
                                               "disagreement": disagreement})
    return _verdict(deciding.score, deciding.reason, answer, detail, parts, deciding.kind, disagreement)


def _verdict(score: float, reason: str, answer: str | None, detail: str | None, parts: list[Part],
             decided_by: str | None = None, disagreement: bool | None = None) -> Verdict:
    score = clip(score)
    correct = score >= 1.0 - EPS
    return Verdict(score=score, correct=correct, reason="ok" if correct else (reason if reason != "ok" else "wrong"),
                   answer=answer, detail=None if correct else detail, parts=parts, decided_by=decided_by,
                   disagreement=disagreement)
