"""Exact comparison of math values that are not rational: how many digits settle it.

Two rationals are compared exactly (sympy's arithmetic is exact). For anything irrational
(``\\sqrt{2}``, ``\\pi``, ``\\ln 3``, or an expression in symbols at a real point) exact
equality is decided by evaluation at a precision no written difference can hide below:

- :func:`weight` bounds, from the parsed tree alone, how many digits the answer can use to
  write something tiny: the digits of its rationals (a fraction ``p/q`` approximates an
  irrational to about ``1/q^2``, hence twice the weight below), summed over products, the
  size of ``e^{-300}`` and ``\\pi^{-300}``, ``n`` times the weight of a power's base that
  could cancel (``(\\sqrt{2} - 1.41421)^{n}``), the largest term of a sum.
- :func:`exact_digits` is ``2 * weight + 30``: ``42 + 10^{-20}\\pi`` differs from ``42`` in
  its 21st digit and is compared at 76 digits. Above :data:`MAX_EXACT_DIGITS` the values are
  not compared at all (undecided, so not equal).
- :func:`agree` decides one comparison: equal when the values agree to ``digits`` digits
  (computed with 20 more), or when a remaining gap shrinks by ten orders as the working
  precision doubles (rounding noise of a true zero, ``\\ln 8 - 3\\ln 2``); a real difference
  does not shrink.

No tolerance a caller could set is involved: a decimal reference or a task's declared
tolerance goes through the tolerant comparison instead
(:func:`bootcamp.verifiers.math_domain.numbers_equal`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import sympy as sp

from bootcamp.verifiers.math_limits import int_digits

#: Values whose comparison needs more digits than this are not compared (undecided: not equal).
MAX_EXACT_DIGITS = 2000
#: Relative difference the fast 30-digit screen reports as a counterexample in exact mode.
SCREEN_TOL = 1e-20
#: How far (orders of magnitude) a gap must shrink when the precision doubles to count as rounding noise.
_SHRINK = 10


def _log10_size(e: sp.Expr) -> float:
    """``|log10 |e||`` of a constant at 15 digits; 0 when it does not evaluate."""
    try:
        v = abs(complex(e.evalf(15)))
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return 0.0
    if not math.isfinite(v) or v == 0:
        return 0.0
    return abs(math.log10(v))


def weight(e: sp.Basic) -> float:
    """The digits an expression can spend on hiding a small difference (see the module docstring)."""
    if isinstance(e, sp.Rational):
        return float(int_digits(int(e.p)) + int_digits(int(e.q)))
    if not e.args:
        return 1.0
    if e.is_Add:
        return max(weight(a) for a in e.args) + 1
    inner = sum(weight(a) for a in e.args) + 1
    if (e.is_Pow or isinstance(e, sp.exp)) and not e.free_symbols:
        if e.is_Pow and e.exp.is_Number and e.base.has(sp.Add):
            # (\sqrt{2} - 1.41421)^{300}: a base that may cancel to something tiny, n times as tiny
            return inner + abs(float(e.exp)) * weight(e.base)
        inner += _log10_size(e)  # \pi^{-300}, e^{-300}: sizes evalf gets right (no cancellation)
    return inner


def exact_digits(*exprs: sp.Expr) -> int | None:
    """Digits that decide exact equality of ``exprs``, or None above :data:`MAX_EXACT_DIGITS`."""
    try:
        w = max(weight(e) for e in exprs)
    except (RecursionError, TypeError, ValueError, OverflowError):
        return None
    digits = int(2 * w) + 30
    return digits if digits <= MAX_EXACT_DIGITS else None


Gap = Callable[[int], "tuple[mpmath.mpf, mpmath.mpf] | None"]


def agree(gap: Gap, digits: int) -> bool:
    """Whether two values are equal, given ``gap(dps) = (|a - b|, max(|a|, |b|))`` at ``dps`` digits.

    ``gap`` must compute the difference at the precision it is given (a subtraction at the
    default 15 digits would lose it); it returns None where a value is undefined (not equal).
    """
    first = gap(digits + 20)
    if first is None:
        return False
    d1, scale = first
    with mpmath.workdps(digits + 20):
        if d1 <= scale * mpmath.mpf(10) ** (-digits):
            return True
    second = gap(2 * digits + 40)
    if second is None:
        return False
    with mpmath.workdps(2 * digits + 40):
        return bool(second[0] <= d1 * mpmath.mpf(10) ** (-_SHRINK))
