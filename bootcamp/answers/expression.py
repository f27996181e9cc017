"""The math-expression answer kind (sympy is imported on first use)."""

from __future__ import annotations

from typing import Any, ClassVar

from bootcamp.answers._base import Answer, AnswerTask

#: How math prompts ask for an exact answer.
EXACT = "Give the exact answer (fractions, radicals, pi, e allowed; no decimals) in \\boxed{}."


class Expression(Answer):
    """A math answer (expression, equation, set, interval, tuple, matrix), compared by
    :func:`bootcamp.verifiers.math_equiv.check_math`: symbolic equivalence, numeric
    values within ``rel_tol``. The expected value is its text (LaTeX or plain).
    """

    instruction = EXACT
    expects = "a math expression"
    max_chars = 2000

    def __init__(self, rel_tol: float | None = None) -> None:
        self.rel_tol = rel_tol

    def parse(self, text: str) -> object | None:
        from bootcamp.verifiers.math_equiv import parse_math

        return parse_math(text)

    def matches(self, got: Any, expected: Any) -> bool:
        from bootcamp.verifiers.math_equiv import equivalent, parse_math

        want = parse_math(str(expected))
        return want is not None and equivalent(got, want, self.rel_tol)

    def compare(self, text: str, expected: Any) -> float:
        from bootcamp.verifiers.math_equiv import check_math

        return check_math(text, str(expected), self.rel_tol)

    def near_misses(self, expected: Any) -> list[str]:
        e = str(expected)
        return [f"({e}) + 1", f"2({e})", f"-({e})"]


class ExpressionTask(AnswerTask):
    """A task whose answer is a math expression; ``value`` returns its text, compared within ``rel_tol``."""

    #: None: exact comparison (a tolerance only where the reference is a decimal); set one to declare it.
    rel_tol: ClassVar[float | None] = None

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Expression(self.rel_tol)


__all__ = ["EXACT", "Expression", "ExpressionTask"]
