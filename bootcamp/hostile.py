"""Hostile model outputs: what a policy under RL will eventually try on a verifier."""

from __future__ import annotations


def hostile_answers() -> list[str]:
    """Final-answer strings that must score below 1.0, fast, without raising."""
    return [
        "",
        " ",
        "garbage",
        "None",
        "null",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "1e999999",
        "9**9**9",
        "10**10**10",
        "2^2^2^2^2^2",
        "factorial(10**9)",
        "(" * 500 + ")" * 500,
        "{" * 300 + "}" * 300,
        "[" * 1000,
        "\\frac{" * 200,
        "\\sqrt{" * 200 + "2" + "}" * 200,
        "x" * 50_000,
        "9" * 20_000,
        "1" + "0" * 5000 + ".5",
        "0." + "3" * 5000,
        "\u202e\u200b\ufeff",
        "日本語の答え",
        "😀" * 100,
        "\x00\x01\x02",
        "__import__('os').system('echo pwned')",
        "lambda: 1",
        "a" * 10 + "=" * 10 + "b",
        "C" * 5000,
        "[Na+].[Cl-]" * 200,
        "c1ccccc1" * 300,
        "C1CC1" + "1" * 300,
        "Xx9Yy8",
        "H" + "2" * 400,
        "Fe1000000000000O1",
        "A,B,C,D,E,F,G,H",
        ",,,,,,,,",
        "1,2,3," * 2000,
        "true",
        "\\infty",
        "\\text{" * 100,
        "\\begin{pmatrix}" * 100,
        "Matrix([[1,2],[3,4]])",
        "Interval(0, oo)",
        "-" * 1000,
        "\n" * 1000,
    ]


def hostile_responses() -> list[str]:
    """Whole responses that stress extraction itself."""
    return [
        "",
        "\\boxed{}",
        "\\boxed{" * 5000,
        "\\boxed{1}" * 5000,
        "\\boxed{1}\\boxed{2}",
        "{" * 100_000,
        "}" * 100_000,
        "<answer>" * 10_000,
        "<answer>1</answer>" * 1000,
        "<think>" + "x" * 100_000,
        "</think>" * 1000 + "\\boxed{x}",
        "\\boxed{\\boxed{\\boxed{1}}}",
        "\\boxed{" + "{" * 5000 + "}" * 5000 + "}",
        "a" * 1_000_000,
        "\\boxed{9**9**9}",
        "<answer>10**10**10</answer>",
    ]
