import time

import pytest

from bootcamp.extract import boxed_answers, extract_answer, find_answer, strip_thinking, wrap_answer


@pytest.mark.parametrize(
    "response, expected",
    [
        ("so \\boxed{42}.", "42"),
        ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
        ("\\boxed{ {a}{b} }", "{a}{b}"),
        ("<answer>CCO</answer>", "CCO"),
        ("<ANSWER> x </ANSWER>", "x"),
        ("<think>maybe \\boxed{1}</think> final \\boxed{2}", "2"),
        ("\\boxed{3} and again \\boxed{ 3 }", "3"),
        ("\\fbox{7}", "7"),
        ("\\boxed {5}", "5"),
    ],
)
def test_extracts_final_answer(response, expected):
    assert extract_answer(response) == expected


@pytest.mark.parametrize(
    "response, reason",
    [
        ("", "no_answer"),
        ("the answer is 42", "no_answer"),
        ("<think>\\boxed{1}", "no_answer"),
        ("\\boxed{1} or maybe \\boxed{2}", "format"),
        ("\\boxed{1} <answer>2</answer>", "format"),
        ("\\boxed{}", "no_answer"),
        ("\\boxed{1" , "no_answer"),
        ("\\boxed{1}" * 100, "format"),
    ],
)
def test_no_answer_or_hedging(response, reason):
    found = find_answer(response)
    assert found.answer is None
    assert found.reason == reason


def test_non_string_is_no_answer():
    assert find_answer(None).reason == "no_answer"
    assert find_answer(42).reason == "no_answer"


def test_strip_thinking():
    assert strip_thinking("<think>a</think>b") == "b"
    assert strip_thinking("<think>a") is None
    assert strip_thinking("plain") == "plain"


def test_escaped_braces_are_content():
    assert boxed_answers("\\boxed{\\{1, 2\\}}") == ["\\{1, 2\\}"]


@pytest.mark.parametrize(
    "response",
    ["\\boxed{" * 50_000, "{" * 200_000, "<answer>" * 50_000, "\\boxed{1}" * 50_000, "a" * 2_000_000],
)
def test_hostile_extraction_is_fast(response):
    start = time.perf_counter()
    find_answer(response)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("answer", ["42", "\\frac{1}{2}", "{1, 2}", "a}b{", "}"])
def test_wrap_answer_round_trips(answer):
    assert extract_answer(wrap_answer(answer)) == answer
