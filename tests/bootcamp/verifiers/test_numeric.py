import pytest

from bootcamp.verifiers.numeric import check_integer, check_number, parse_number, tolerance_text


@pytest.mark.parametrize(
    "text, value",
    [("3.5", 3.5), ("-2", -2.0), ("1,234.5", 1234.5), ("1.5e3", 1500.0), ("3.2\\times 10^{-4}", 3.2e-4),
     ("\\frac{1}{4}", 0.25), ("-\\dfrac{3}{2}", -1.5), ("7/2", 3.5), ("9.8 m/s^2", 9.8), ("$42$", 42.0),
     ("x = 4", 4.0), ("\\approx 2.5", 2.5), ("5 \\text{kJ}", 5.0), ("−1.5", -1.5)],
)
def test_parses(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "9**9**9", "2^2^2^2", "2 \\cdot 3", "1/0", "x" * 500, "10**10**10", "(" * 100, None, 5, "1e999999", "2e-99999"]
)
def test_rejects(text):
    assert parse_number(text) is None


def test_check_number_tolerances_and_reasons():
    assert check_number("100.5", 100, rel_tol=0.01) == 1.0
    assert check_number("102", 100, rel_tol=0.01) == 0.0
    assert check_number("0.04", 0.0, abs_tol=0.05) == 1.0
    assert check_number("nope", 1.0).reason == "invalid_answer"
    assert check_number("inf", 1.0) == 0.0
    assert check_number("nan", 1.0) == 0.0


def test_check_integer_is_exact_even_for_big_numbers():
    big = 2**70 + 1
    assert check_integer(str(big), big) == 1.0
    assert check_integer(str(big - 1), big) == 0.0
    assert check_integer("1,000", 1000) == 1.0
    assert check_integer("3.0", 3) == 1.0
    assert check_integer("3.5", 3) == 0.0


def test_tolerance_text():
    assert tolerance_text(0.01) == "within 1% (relative)"
    assert tolerance_text(abs_tol=0.5) == "within 0.5 (absolute)"
