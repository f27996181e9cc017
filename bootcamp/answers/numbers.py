"""Numeric answer kinds: exact integers, numbers within a tolerance, quantities with units."""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from bootcamp.answers._base import Answer, AnswerTask, unwrap
from bootcamp.verifiers.numeric import (
    MAX_NUMBER_CHARS,
    close_enough,
    parse_integer,
    parse_number,
    tolerance_text,
)

_PERCENT = re.compile(r"\s*\\?%$")
_SIGNED_ZERO = re.compile(r"[-+−]\s*0*\.?0*(?:[eE][-+]?\d+)?$")


def number_text(x: float) -> str:
    """A number written plainly with 6 significant digits (``-0`` as ``0``)."""
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


def parse_value(text: object, percent: bool = False) -> float | None:
    """The finite number an answer states alone (the :class:`Number` rule), or None.

    Accepted: a decimal, scientific notation (``1.5e3``, ``1.5 \\times 10^{3}``), a
    fraction (``3/4``, ``\\frac{3}{4}``), thousands commas and an optional leading
    ``\\approx``/``~``; with ``percent`` (the answer is a percentage) also a trailing
    ``%``. Rejected: unit words, ``x = ...``, expressions (``2^5``, ``2**5``), a
    signed zero, NaN and infinities.
    """
    if not isinstance(text, str) or len(text) > MAX_NUMBER_CHARS:
        return None
    t = unwrap(text)
    if percent:
        t = _PERCENT.sub("", t)
    if "=" in t:  # parse_number would read the right-hand side
        return None
    value = parse_number(t, allow_units=False)
    if value is None or not math.isfinite(value) or (value == 0 and _SIGNED_ZERO.search(t)):
        return None
    return value


class Integer(Answer):
    """An exact integer, written alone (:func:`bootcamp.verifiers.numeric.parse_integer`)."""

    instruction = "Give the answer as an integer in \\boxed{}."
    expects = "an integer"

    def parse(self, text: str) -> int | None:
        return parse_integer(text)

    def matches(self, got: Any, expected: Any) -> bool:
        return bool(got == _as_int(expected))

    def write(self, expected: Any) -> str:
        return str(_as_int(expected))

    def near_misses(self, expected: Any) -> list[str]:
        v = _as_int(expected)
        return [str(w) for w in dict.fromkeys((v + 1, v - 1, 2 * v + 3, -v - 2)) if w != v]


def _as_int(value: Any) -> int:
    return value if isinstance(value, int) else int(round(float(value)))


class Number(Answer):
    """A number within a relative or absolute tolerance (:func:`parse_value`); the prompt states the tolerance.

    ``unit`` only names the unit in the instruction; ``percent`` (a percentage) lets the
    answer end with ``%``.
    """

    expects = "a number"

    def __init__(self, rel_tol: float = 0.0, abs_tol: float = 0.0, unit: str = "", percent: bool = False) -> None:
        self.rel_tol, self.abs_tol, self.unit, self.percent = float(rel_tol), float(abs_tol), unit, percent

    @property
    def instruction(self) -> str:  # type: ignore[override]
        unit = f" in {self.unit}" if self.unit else ""
        return (f"Give the answer as a number{unit} ({tolerance_text(self.rel_tol, self.abs_tol)} is accepted), "
                "without units, in \\boxed{}.")

    def parse(self, text: str) -> float | None:
        return parse_value(text, self.percent)

    def matches(self, got: Any, expected: Any) -> bool:
        return close_enough(got, float(expected), self.rel_tol, self.abs_tol)

    def write(self, expected: Any) -> str:
        text = number_text(float(expected))
        return text if self.matches(float(text), expected) else repr(float(expected))

    def near_misses(self, expected: Any) -> list[str]:
        v = float(expected)
        step = max(abs(v) * self.rel_tol * 5, self.abs_tol * 5, 1e-6)
        out = [number_text(w) for w in (v + step, v - step, 2 * v + step, -v - step)]
        return [w for w in dict.fromkeys(out) if not self.matches(float(w), v)]


class Quantity(Answer):
    """A number with an optional unit, converted to ``unit`` (:func:`bootcamp.verifiers.units.check_quantity`).

    A bare number is read in ``unit``. With ``convert`` another unit of the same
    dimension is converted; without it only ``unit`` itself is accepted.
    """

    expects = "a number with a known unit"

    def __init__(self, unit: str, rel_tol: float = 0.0, abs_tol: float = 0.0, convert: bool = True) -> None:
        self.unit, self.rel_tol, self.abs_tol, self.convert = unit, float(rel_tol), float(abs_tol), convert

    @property
    def instruction(self) -> str:  # type: ignore[override]
        tol = tolerance_text(self.rel_tol, self.abs_tol)
        if self.convert:
            return (f"Give the final answer in {self.unit} in \\boxed{{}} ({tol}); a bare number is read as "
                    f"{self.unit}, and a number followed by another unit of the same quantity (e.g. a prefixed "
                    "unit) is converted.")
        return f"Give the final answer in {self.unit} in \\boxed{{}} ({tol}); only {self.unit} is accepted."

    def parse(self, text: str) -> tuple[float, Any] | None:
        from bootcamp.verifiers.units import parse_quantity

        return parse_quantity(text)

    def compare(self, text: str, expected: Any) -> float:
        from bootcamp.verifiers.units import check_quantity

        return check_quantity(text, float(expected), self.unit, self.rel_tol, self.abs_tol, self.convert)

    def write(self, expected: Any) -> str:
        return f"{float(expected):.6g}"

    def near_misses(self, expected: Any) -> list[str]:
        v = float(expected)
        step = 5 * self.rel_tol * abs(v) + 5 * self.abs_tol
        out = [f"{v + step:.6g}", f"{v - step:.6g}", f"{v * 10 + step:.6g}"]
        if abs(v) > 2 * self.abs_tol:
            out.append(f"{-v:.6g}")
        return out + [f"{v:.6g} kg*m^3"]  # the right number in the wrong dimension


#: The one integer kind every integer task uses.
INTEGER = Integer()


class IntegerTask(AnswerTask):
    """A task whose answer is one exact integer; subclasses implement ``question`` and ``value``."""

    answer_kind = INTEGER


class NumberTask(AnswerTask):
    """A task whose answer is one number within ``rel_tol``/``abs_tol``; the prompt states both.

    ``unit`` (free text, e.g. ``"eV/atom"``) only names the unit in the prompt;
    the answer itself is the bare number.
    """

    rel_tol: ClassVar[float] = 0.01
    abs_tol: ClassVar[float] = 0.0
    unit: ClassVar[str] = ""
    #: The answer is a percentage: a trailing ``%`` is allowed.
    percent: ClassVar[bool] = False

    def tolerance(self) -> tuple[float, float]:
        """The (relative, absolute) tolerance of the task."""
        return self.rel_tol, self.abs_tol

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Number(*self.tolerance(), unit=self.unit, percent=self.percent)


__all__ = ["INTEGER", "Integer", "IntegerTask", "Number", "NumberTask", "Quantity", "number_text", "parse_value"]
