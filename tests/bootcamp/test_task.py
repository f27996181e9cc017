import json
import random

import pytest

from bootcamp import Problem, Score, Task, Verdict, invalid


def test_problem_is_deterministic_and_round_trips(add_task_cls):
    task = add_task_cls()
    p1, p2 = task.problem(7, with_answer=True), task.problem(7, with_answer=True)
    assert p1 == p2
    assert Problem.model_validate_json(p1.model_dump_json()) == p1
    assert json.loads(json.dumps(p1.identity)) == p1.identity
    assert task.problem(8) != task.problem(7)


def test_verify_reference_and_wrong(add_task_cls):
    task = add_task_cls()
    p = task.problem(0, with_answer=True)
    v = task.verify(task.format_answer(p.answer), p.identity)
    assert (v.score, v.correct, v.reason, v.answer) == (1.0, True, "ok", p.answer)
    assert v.parts and v.parts[0].name == "rule"
    wrong = task.verify(f"\\boxed{{{int(p.answer) + 1}}}", p.identity)
    assert (wrong.score, wrong.correct, wrong.reason) == (0.0, False, "wrong")


@pytest.mark.parametrize(
    "response, reason",
    [("no box here", "no_answer"), ("\\boxed{1} \\boxed{2}", "format"), ("\\boxed{abc}", "invalid_answer"),
     (None, "no_answer"), ("x" * 1_000_001, "too_long")],
)
def test_verify_reasons(add_task_cls, response, reason):
    task = add_task_cls()
    v = task.verify(response, task.problem(0).identity)
    assert v.reason == reason and v.score == 0.0


def test_crashing_check_is_one_verdict(add_task_cls):
    class Crashing(add_task_cls):
        def check(self, answer, identity):
            raise RuntimeError("boom")

    v = Crashing().verify("\\boxed{1}", {"a": 1, "b": 2})
    assert v.reason == "verifier_error" and "boom" in v.detail and v.score == 0.0


def test_nan_and_out_of_range_scores(add_task_cls):
    class Weird(add_task_cls):
        def check(self, answer, identity):
            return {"nan": float("nan"), "big": 5.0, "neg": -1.0}[answer]

    t = Weird()
    assert t.verify("\\boxed{nan}", {}).reason == "verifier_error"
    assert t.verify("\\boxed{big}", {}).score == 1.0
    assert t.verify("\\boxed{neg}", {}).score == 0.0


def test_partial_credit_is_wrong_not_ok(add_task_cls):
    class Half(add_task_cls):
        def check(self, answer, identity):
            return 0.5

    v = Half().verify("\\boxed{1}", {})
    assert v.score == 0.5 and not v.correct and v.reason == "wrong"


def test_score_carries_reason():
    s = Score(0.0, "invalid_answer", "bad")
    assert float(s) == 0.0 and s.reason == "invalid_answer" and s.detail == "bad"
    assert invalid("x").reason == "invalid_answer"


def test_verdict_rejects_unknown_reason_and_bad_score():
    with pytest.raises(ValueError):
        Verdict(score=1.0, correct=True, reason="great")
    with pytest.raises(ValueError):
        Verdict(score=1.5, correct=True)


def test_unknown_params_fail(add_task_cls):
    with pytest.raises(ValueError, match="unknown parameter"):
        add_task_cls(nope=1)


def test_params_change_generation(add_task_cls):
    small = add_task_cls(max_value=3)
    for seed in range(20):
        ident = small.generate(random.Random(seed))
        assert ident["a"] <= 3 and ident["b"] <= 3


def test_base_methods_are_abstract():
    t = Task("math/x")
    with pytest.raises(NotImplementedError):
        t.generate(random.Random(0))
    assert t.domain == "math" and t.name == "x"
