"""String and multiple-choice verifiers."""

from __future__ import annotations

import pytest

from bootcamp.verifiers.strings import check_choice, check_exact, check_string, normalize_text, parse_choice

CHOICES = ["41", "42", "43", "44"]


@pytest.mark.parametrize("answer", ["B", "b", "(B)", "B)", "B.", "Option B", "answer: B", "B) 42", "42", "\\text{B}", "2"])
def test_choice_accepts_ways_of_saying_b(answer: str) -> None:
    assert check_choice(answer, "B", CHOICES) == 1.0


@pytest.mark.parametrize("answer,reason", [
    ("C", "wrong"), ("A or B", "format"), ("A, B", "format"), ("AB", "format"), ("E", "invalid_answer"),
    ("hello world", "invalid_answer"), ("B) 43", "invalid_answer"), ("", "invalid_answer"), ("x" * 20_000, "invalid_answer"),
])
def test_choice_rejects(answer: str, reason: str) -> None:
    s = check_choice(answer, "B", CHOICES)
    assert s == 0.0 and s.reason == reason


def test_parse_choice_without_options() -> None:
    assert parse_choice("d") == "D" and parse_choice("2") is None and parse_choice("Z") == "Z"


def test_exact_and_normalised_strings() -> None:
    assert check_exact(" Paris ", "Paris") == 1.0 and check_exact("paris", "Paris") == 0.0
    assert check_string("  PARIS. ", "Paris") == 1.0
    assert check_string("Paris", "paris", case=True) == 0.0
    assert check_string("\\text{Mitochondria}", ["mitochondrion", "mitochondria"]) == 1.0
    assert check_string("", "x").reason == "invalid_answer"
    assert normalize_text("ﬁne   Ｔｅｘｔ!") == "fine text"
