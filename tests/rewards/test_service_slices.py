"""The service routes a big batch in slices, two at a time; order, duplicates and batch-dependent
items come out as from one call."""

from __future__ import annotations

import asyncio
from typing import Any

from bootcamp import REGISTRY
from bootcamp.types import Part, Verdict
from rewards.service import Settings
from rewards.service.state import PIPELINE_SLICE, ServiceState

PLAIN, RANKED = "generic/number", "generic/math"


class RecordingRouter:
    """Scores ``response == "right"`` as 1.0 and records each batch it gets (a fake of the router's
    scoring only: keys, cache and slicing are the real service's)."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, dict[str, Any], str]]] = []
        self.open = 0
        self.most_open = 0

    def spec_for(self, task_id: str, task: Any) -> Any:
        return task_id  # stands for the task's spec here

    def cache_tag(self, spec: Any) -> str:
        return "tag"

    def batch_dependent(self, spec: Any) -> bool:
        return spec == RANKED

    async def ascore(self, items: list[tuple[str, dict[str, Any], str]]) -> list[Verdict]:
        self.calls.append(list(items))
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        await asyncio.sleep(0.01)  # another slice may start meanwhile
        self.open -= 1
        out = []
        for _, _, response in items:
            score = 1.0 if response.startswith("right") else 0.0
            out.append(Verdict(score=score, correct=score == 1.0, reason="ok" if score else "wrong",
                               parts=[Part(name="rule", kind="rule", score=score, reason="ok" if score else "wrong")]))
        return out


def test_big_batch_is_routed_in_slices_with_order_duplicates_and_groups_kept() -> None:
    state = ServiceState(Settings(), backends={}, registry=REGISTRY)
    router = RecordingRouter()
    state.router = router  # type: ignore[assignment]
    n = 6 * PIPELINE_SLICE
    items = [(RANKED if i % 5 == 0 else PLAIN, {"i": i % 200}, f"{'right' if i % 3 else 'wrong'} {i % 200}")
             for i in range(n)]
    verdicts = asyncio.run(state.score(items))
    assert [v.correct for v in verdicts] == [bool(i % 3) for i in range(n)]
    # batch-dependent items all went in one call; the rest in several slices, two at a time at most
    ranked_calls = [c for c in router.calls if any(t == RANKED for t, _, _ in c)]
    assert len(ranked_calls) == 1 and all(t == RANKED for t, _, _ in ranked_calls[0])
    assert len(ranked_calls[0]) == sum(1 for t, _, _ in items if t == RANKED)
    plain_calls = [c for c in router.calls if c is not ranked_calls[0]]
    assert len(plain_calls) >= 2 and router.most_open == 2
    # each distinct plain item was scored once (the second copy, i >= 200, is a duplicate)
    scored = [(t, ident["i"], r) for c in plain_calls for t, ident, r in c]
    assert len(scored) == len(set(scored)) == len({(t, ident["i"], r) for t, ident, r in items if t == PLAIN})
