"""Reward kinds: a kind declared in the SDK and implemented in rewards is used end to end; gaps cost one verdict."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, ClassVar

import pytest
from _evil import ADD_ID, AddTask, boxed, ensure_registered  # noqa: I001

import bootcamp
from bootcamp import REGISTRY, Part, RewardPart, RewardSpec
from rewards.kinds import KindContext, PartJob, RewardKind, get_kind, implemented_kinds, register_kind
from rewards.router import Router

ID = {"a": 2, "b": 3}  # the sum is 5

# A kind for this test: shorter responses score higher. Declared (SDK) and implemented (rewards).
bootcamp.register_reward_kind("test_brevity", "test-only: 1.0 for responses of at most max_chars")
bootcamp.register_reward_kind("test_async", "test-only: an async implementation that echoes options['score']")
bootcamp.register_reward_kind("test_declared_only", "test-only: declared in the SDK, implemented nowhere")
bootcamp.register_reward_kind("test_broken", "test-only: an implementation that raises")


@register_kind("test_brevity")
class BrevityKind(RewardKind):
    calls: ClassVar[list[int]] = []

    def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Part]:  # plain def: runs on a thread
        BrevityKind.calls.append(len(jobs))
        return [job.scored(1.0 if len(job.item.response) <= job.part.options.get("max_chars", 40) else 0.25)
                for job in jobs]


@register_kind("test_async")
class AsyncKind(RewardKind):
    async def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Part]:
        assert ctx.registry is REGISTRY
        return [job.scored(job.part.options["score"]) for job in jobs]


@register_kind("test_broken")
class BrokenKind(RewardKind):
    def score(self, jobs: list[PartJob], ctx: KindContext) -> list[Part]:
        raise RuntimeError("kaput")


def _task(task_id: str, spec: RewardSpec) -> str:
    cls = type(task_id.split("/")[1], (AddTask,), {"id": task_id, "reward": spec})
    if task_id not in REGISTRY:
        REGISTRY.register(cls, task_id)
    return task_id


BREVITY = "generic/test_kind_brevity"
MIXED = "generic/test_kind_mixed"
DECLARED_ONLY = "generic/test_kind_declared_only"
BROKEN = "generic/test_kind_broken"
SHARED = "generic/test_kind_rule_and_checker"


@pytest.fixture(scope="module", autouse=True)
def _tasks() -> None:
    ensure_registered()
    _task(BREVITY, RewardSpec(parts=[RewardPart(name="rule", weight=3.0),
                                     RewardPart(name="short", kind="test_brevity", options={"max_chars": 40})],
                              combine="weighted"))
    _task(MIXED, RewardSpec(parts=[RewardPart(name="rule"), RewardPart(name="half", kind="test_async",
                                                                        options={"score": 0.5})], combine="cascade"))
    _task(DECLARED_ONLY, RewardSpec(parts=[RewardPart(name="x", kind="test_declared_only")]))
    _task(BROKEN, RewardSpec(parts=[RewardPart(name="rule"), RewardPart(name="b", kind="test_broken")],
                             combine="gate"))
    _task(SHARED, RewardSpec(parts=[RewardPart(name="rule"), RewardPart(name="chk", kind="checker")],
                             combine="weighted"))


def test_a_new_kind_is_used_end_to_end_through_the_router() -> None:
    BrevityKind.calls.clear()
    long = boxed("5") + " because " + "two plus three " * 10
    v = Router().score([(BREVITY, ID, boxed("5")), (BREVITY, ID, long), (BREVITY, ID, boxed("4")), (ADD_ID, ID, boxed("5"))])
    assert BrevityKind.calls == [3]  # one call for every part of the kind in the batch
    assert (v[0].score, v[0].reason, v[0].answer) == (1.0, "ok", "5")
    assert v[1].score == pytest.approx((3 * 1.0 + 0.25) / 4) and v[1].reason == "wrong"
    assert v[2].score == pytest.approx(1.0 / 4) and v[2].reason == "wrong"
    assert [(p.name, p.kind) for p in v[0].parts] == [("rule", "rule"), ("short", "test_brevity")]
    assert v[3].score == 1.0


def test_an_async_kind_in_a_cascade() -> None:
    v = Router().score([(MIXED, ID, boxed("5")), (MIXED, ID, "no answer here")])
    assert v[0].score == 1.0 and len(v[0].parts) == 1
    assert v[1].score == 0.5 and [p.kind for p in v[1].parts] == ["rule", "test_async"]


def test_declared_kind_without_implementation_costs_one_verdict() -> None:
    assert get_kind("test_declared_only") is None and "test_declared_only" not in implemented_kinds()
    v = Router().score([(ADD_ID, ID, boxed("5")), (DECLARED_ONLY, ID, boxed("5")), (ADD_ID, ID, boxed("4"))])
    assert v[1].reason == "verifier_error" and v[1].score == 0.0 and v[1].parts[0].reason == "verifier_error"
    assert "'test_declared_only'" in v[1].detail and "no implementation" in v[1].detail
    assert (v[0].score, v[2].reason) == (1.0, "wrong")


def test_a_kind_that_raises_costs_its_parts_only() -> None:
    v = Router().score([(BROKEN, ID, boxed("5")), (BROKEN, ID, boxed("4")), (ADD_ID, ID, boxed("5"))])
    assert v[0].reason == "verifier_error" and "kaput" in v[0].detail and v[0].parts[1].reason == "verifier_error"
    assert v[1].reason == "format" and len(v[1].parts) == 1  # the gate failed: the broken part never ran
    assert v[2].score == 1.0


def test_rule_and_checker_parts_run_the_verifier_once(monkeypatch: pytest.MonkeyPatch) -> None:
    task = REGISTRY.get(SHARED)
    calls: list[Any] = []
    real = type(task).verify
    monkeypatch.setattr(type(task), "verify", lambda self, r, i: calls.append(r) or real(self, r, i))
    v = Router().score([(SHARED, ID, boxed("5")), (SHARED, ID, boxed("4"))])
    assert len(calls) == 2 and [x.score for x in v] == [1.0, 0.0]
    assert [p.kind for p in v[0].parts] == ["rule", "checker"] and v[1].reason == "wrong"


def test_register_kind_checks_the_sdk_and_duplicates() -> None:
    with pytest.raises(ValueError, match=r"valid kinds: checker, judge, model, reference_model, rule, similarity, test_"):
        register_kind("test_never_declared")
    with pytest.raises(ValueError, match="already implemented"):
        register_kind("rule")(type("OtherRule", (RewardKind,), {}))
    with pytest.raises(ValueError, match="not a subclass"):
        register_kind("test_declared_only")(object)  # type: ignore[arg-type]
    assert register_kind("test_brevity")(BrevityKind) is BrevityKind  # re-registering the same class is fine


def test_every_declared_builtin_kind_is_implemented() -> None:
    for name in ("rule", "checker", "model", "judge", "similarity"):
        assert name in bootcamp.reward_kinds() and get_kind(name) is not None


def test_the_router_and_combine_name_no_kind() -> None:
    # New kinds need no edits here: no string literal in the router or the combine step is a kind name.
    root = Path(__file__).parents[2] / "rewards"
    for name in ("router.py", "combine.py"):
        tree = ast.parse((root / name).read_text())
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not strings & set(bootcamp.reward_kinds()), name
