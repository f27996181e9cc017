"""The checker-only generic tasks: remote identities ({"answer": ...}) and the shipped examples."""

from __future__ import annotations

import pytest
from _evil import boxed, ensure_registered  # noqa: I001

import bootcamp
from tasks.generic.checkers import ChoiceAnswer, FormulaAnswer, MathAnswer, NumberAnswer, SmilesAnswer


@pytest.fixture(scope="module", autouse=True)
def _tasks() -> None:
    ensure_registered()


@pytest.mark.parametrize("task_id,identity,right,wrong", [
    ("generic/math", {"answer": "\\frac{1}{2}"}, "0.5", "\\frac{1}{3}"),
    ("generic/math", {"answer": "x^2 + 2x + 1"}, "(x+1)^2", "(x-1)^2"),
    ("generic/number", {"answer": "100", "rel_tol": 0.05}, "104", "106"),
    ("generic/number", {"answer": "2.5", "abs_tol": 0.1}, "2.59", "2.61"),
    ("generic/number", {"answer": "6.022e23"}, "6.022 \\times 10^{23}", "6.023e23"),
    ("generic/choice", {"answer": "C", "choices": ["a", "b", "c"]}, "(C)", "A"),
    ("generic/smiles", {"answer": "CCO"}, "OCC", "CCC"),
    ("generic/smiles", {"answer": "c1ccccc1"}, "C1=CC=CC=C1", "C1CCCCC1"),
    ("generic/formula", {"answer": "Fe2O3"}, "O3Fe2", "Fe4O6"),
    ("generic/formula", {"answer": "C2H4O2"}, "C2H4O2", "CH2O"),  # acetic acid is not formaldehyde
    ("generic/formula", {"answer": "C6H12O6"}, "C6H12O6", "CH2O"),  # nor is glucose
    ("generic/formula", {"answer": "Fe2O3", "reduced": True}, "Fe4O6", "FeO"),  # a crystal composition
    ("generic/formula", {"answer": "Fe2O3", "reduced": "false"}, "Fe2O3", "Fe4O6"),  # only JSON true asks
    ("generic/formula", {"answer": "Fe2O3", "reduced": False}, "Fe2O3", "Fe4O6"),
])
def test_remote_identities(task_id: str, identity: dict, right: str, wrong: str) -> None:
    task = bootcamp.get_task(task_id)
    assert task.verify(boxed(right), identity).correct
    v = task.verify(boxed(wrong), identity)
    assert v.score < 1.0 and v.reason == "wrong"


@pytest.mark.parametrize("task_id,bad", [
    ("generic/math", "1 +* / 2"), ("generic/number", "lots"), ("generic/choice", "hello there"),
    ("generic/smiles", "C1CC(("), ("generic/formula", "Xx9Yy8"),
])
def test_unparseable_answers_are_invalid(task_id: str, bad: str) -> None:
    assert bootcamp.get_task(task_id).verify(boxed(bad), bootcamp.get_task(task_id).problem(0).identity).reason == \
        "invalid_answer"


@pytest.mark.parametrize("cls", [MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer])
def test_examples_solve_and_prompt(cls: type) -> None:
    task = bootcamp.get_task(cls.id)
    for ex in cls.examples:
        assert task.verify(task.format_answer(task.solve(ex)), ex).correct, ex
        assert ex["question"] in task.prompt(ex)
        assert all(task.check(w, ex) < 1.0 for w in task.perturb(task.solve(ex), ex))


@pytest.mark.parametrize("reduced", [False, True])
def test_formula_survives_hostile_answers(reduced: bool) -> None:
    from bootcamp.hostile import hostile_answers, hostile_responses

    task = bootcamp.get_task("generic/formula")
    identity = {"answer": "C6H12O6", "reduced": reduced}
    for h in hostile_answers():
        assert task.check(h, identity) < 1.0
    for r in hostile_responses():
        v = task.verify(r, identity)
        assert v.score < 1.0 and v.reason != "verifier_error"
    assert task.version >= 2  # verdicts changed in v2 (atom for atom by default)


def test_prompts_state_format_and_tolerance() -> None:
    num = bootcamp.get_task("generic/number")
    assert "1% (relative)" in num.prompt({"answer": "1", "rel_tol": 0.01, "question": "Q?"})
    choice = bootcamp.get_task("generic/choice").prompt({"answer": "A", "choices": ["x", "y"], "question": "Q?"})
    assert "A) x" in choice and "B) y" in choice and "\\boxed" in choice


def test_conformance() -> None:
    for cls in (MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer):
        report = bootcamp.check_task(cls.id, seeds=10)
        assert report.passed, report.failures
