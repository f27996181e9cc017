"""Test-only tasks with mixed reward specs, and fake reward backends that count their calls."""

from __future__ import annotations

from typing import Any, ClassVar

from _evil import AddTask  # noqa: I001

from bootcamp import REGISTRY, RewardPart, RewardSpec


class CascadeAdd(AddTask):
    id = "generic/test_cascade"
    reward: ClassVar[RewardSpec] = RewardSpec(parts=[RewardPart(name="rule"), RewardPart(name="judge", kind="judge")],
                                              combine="cascade")


class WeightedAdd(AddTask):
    id = "generic/test_weighted"
    reward: ClassVar[RewardSpec] = RewardSpec(
        parts=[RewardPart(name="rule", weight=3.0), RewardPart(name="rm", kind="model", weight=1.0)], combine="weighted")


class GateAdd(AddTask):
    id = "generic/test_gate"
    reward: ClassVar[RewardSpec] = RewardSpec(
        parts=[RewardPart(name="format", kind="checker"), RewardPart(name="sim", kind="similarity")], combine="gate")


class ModelOnly(AddTask):
    id = "generic/test_model_only"
    reward: ClassVar[RewardSpec] = RewardSpec(parts=[RewardPart(name="rm", kind="model", options={"backend": "rm2"})])


SPEC_TASKS = (CascadeAdd, WeightedAdd, GateAdd, ModelOnly)


def ensure_spec_tasks() -> None:
    for cls in SPEC_TASKS:
        if cls.id not in REGISTRY:
            REGISTRY.register(cls, cls.id)


class FakeModel:
    """Scores 0.5 for responses containing 'nice', else 0.1."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, prompts: list[str], responses: list[str]) -> list[float]:
        assert len(prompts) == len(responses) and all(p for p in prompts)
        self.calls.append(len(responses))
        return [0.5 if "nice" in r else 0.1 for r in responses]


class FakeJudge:
    """Says yes (1.0) to responses containing 'yes'."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def ascore_many(self, questions: list[str], responses: list[str], refs: list[str]) -> list[Any]:
        self.calls.append(len(responses))
        return [None if "broken" in r else (1.0 if "yes" in r else 0.0) for r in responses]


class FakeSimilarity:
    """1.0 when the answer equals the reference, else 0.2."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, answers: list[str], refs: list[str]) -> list[float]:
        self.calls.append(len(answers))
        return [1.0 if a.strip() == r.strip() else 0.2 for a, r in zip(answers, refs, strict=False)]


class SlowModel:
    def score(self, prompts: list[str], responses: list[str]) -> list[float]:
        import time

        time.sleep(2)
        return [1.0] * len(responses)
