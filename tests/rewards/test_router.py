"""The MoR router: grouping by kind, cascade, weighted, gate, failures, order, sync and async."""

from __future__ import annotations

import asyncio

import pytest
from _evil import ADD_ID, EVIL_ID, boxed, ensure_registered  # noqa: I001
from _specs import FakeJudge, FakeModel, FakeSimilarity, SlowModel, ensure_spec_tasks

from bootcamp import UnknownTaskError
from rewards.router import Router

ID = {"a": 2, "b": 3}  # the sum is 5


@pytest.fixture(scope="module", autouse=True)
def _tasks() -> None:
    ensure_registered()
    ensure_spec_tasks()


@pytest.fixture
def fakes() -> dict:
    return {"model": FakeModel(), "judge": FakeJudge(), "similarity": FakeSimilarity(), "rm2": FakeModel()}


def test_single_rule_in_process_keeps_order() -> None:
    router = Router()
    items = [(ADD_ID, {"a": i, "b": 1}, boxed(str(i + 1 if i % 2 else i))) for i in range(10)]
    verdicts = router.score(items)
    assert [v.correct for v in verdicts] == [bool(i % 2) for i in range(10)]
    assert verdicts[1].parts[0].name == "rule" and verdicts[1].answer == "2"


def test_cascade_calls_the_judge_only_when_the_rule_cannot_decide(fakes: dict) -> None:
    router = Router(backends=fakes)
    items = [
        ("generic/test_cascade", ID, boxed("5")),  # rule decides: right
        ("generic/test_cascade", ID, boxed("6") + " yes"),  # rule decides: wrong, judge not asked
        ("generic/test_cascade", ID, "five, yes"),  # no answer: judge says yes
        ("generic/test_cascade", ID, "no idea"),  # no answer: judge says no
        ("generic/test_cascade", ID, boxed("five") + " broken"),  # invalid answer: judge fails
    ]
    v = router.score(items)
    assert fakes["judge"].calls == [3]
    assert (v[0].score, v[0].reason, len(v[0].parts)) == (1.0, "ok", 1)
    assert (v[1].score, v[1].reason, len(v[1].parts)) == (0.0, "wrong", 1)
    assert (v[2].score, v[2].reason) == (1.0, "ok") and [p.kind for p in v[2].parts] == ["rule", "judge"]
    assert v[2].parts[0].reason == "no_answer"
    assert (v[3].score, v[3].reason) == (0.0, "wrong")
    assert v[4].reason == "verifier_error" and v[4].parts[1].reason == "verifier_error"


def test_weighted_combines_rule_and_model(fakes: dict) -> None:
    router = Router(backends=fakes)
    v = router.score([("generic/test_weighted", ID, boxed("5") + " nice"), ("generic/test_weighted", ID, boxed("4"))])
    assert v[0].score == pytest.approx((3 * 1.0 + 0.5) / 4) and not v[0].correct
    assert v[1].score == pytest.approx(0.1 / 4) and v[1].reason == "wrong"
    assert fakes["model"].calls == [2]  # one batched call for the whole batch
    assert {p.name: p.weight for p in v[0].parts} == {"rule": 3.0, "rm": 1.0}


def test_gate_scores_the_rest_only_when_the_gate_passes(fakes: dict) -> None:
    router = Router(backends=fakes)
    v = router.score([("generic/test_gate", ID, boxed("5")), ("generic/test_gate", ID, "no box")])
    assert v[0].score == 1.0 and [p.name for p in v[0].parts] == ["format", "sim"]
    assert v[1].score == 0.0 and v[1].reason == "no_answer" and len(v[1].parts) == 1
    assert fakes["similarity"].calls == [1]


def test_mixed_batch_groups_by_kind_and_names_backends(fakes: dict) -> None:
    router = Router(backends=fakes)
    items = [(t, ID, boxed("5") + " nice") for t in
             ("generic/test_model_only", ADD_ID, "generic/test_weighted", "generic/test_model_only")]
    v = router.score(items)
    assert fakes["rm2"].calls == [2] and fakes["model"].calls == [1]
    assert v[0].score == 0.5 and v[0].reason == "wrong" and v[0].parts[0].kind == "model"
    assert v[1].score == 1.0


def test_missing_backend_and_slow_backend_are_reasons_not_exceptions() -> None:
    v = Router(backends={}).score([("generic/test_model_only", ID, "x")])
    assert v[0].reason == "verifier_error"
    v = Router(backends={"rm2": SlowModel()}, model_timeout=0.2).score([("generic/test_model_only", ID, "x")])
    assert v[0].reason == "timeout"


def test_unknown_task_raises_with_suggestions() -> None:
    with pytest.raises(UnknownTaskError) as info:
        Router().score([("generic/test_ad", ID, "x")])
    assert ADD_ID in info.value.suggestions


def test_async_and_dict_items(fakes: dict) -> None:
    router = Router(backends=fakes)

    async def main() -> list:
        # score() also works from inside a running loop
        sync = router.score([{"task": ADD_ID, "identity": ID, "response": boxed("5")}])
        return sync + await router.ascore([{"task": ADD_ID, "identity": ID, "response": boxed("4")}])

    v = asyncio.run(main())
    assert [x.score for x in v] == [1.0, 0.0]


def test_router_with_pool_survives_a_hang(fakes: dict) -> None:
    from rewards.pool import SandboxPool

    with SandboxPool(workers=2, timeout=1.0) as pool:
        router = Router(pool=pool, backends=fakes)
        v = router.score([(EVIL_ID, {"n": 3}, boxed("hang")), ("generic/test_cascade", ID, "yes"),
                          (ADD_ID, ID, boxed("5"))])
    assert v[0].reason == "timeout" and v[0].parts[0].reason == "timeout"
    assert v[1].score == 1.0 and v[2].score == 1.0
