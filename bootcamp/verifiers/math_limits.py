"""Size limits on the numbers a math answer may denote, checked before sympy evaluates anything.

A model answer is hostile input: ``10^{3000}``, ``\\sqrt{10^{9999}+7}`` (sympy factors the
radicand), ``2^{2^{2^{20}}}`` or ``100000!`` would each cost seconds to hours if built. Every
power, root, factorial, binomial and logarithm the parser builds goes through a guard here, which
refuses it from the sizes of its operands alone (no evaluation); :func:`check_tree` then walks the
finished value before any comparison, simplification or ``evalf`` sees it. A refusal is a
:class:`ParseError`, which scores as an invalid answer, at once.

The limits (sizes are decimal digits of a numerator or denominator):

- :data:`MAX_RESULT_DIGITS`: no number in an answer, written or computed, has more digits.
- :data:`MAX_EXPONENT`: no numeric exponent has a numerator or denominator above this
  (more than four digits), whatever the base.
- :data:`MAX_SYMBOLIC_EXP`: the largest numeric exponent on a base that is not a plain number.
- :data:`MAX_ROOT_DIGITS`: the largest radicand (any non-integer power of a number), also
  for the radicand sympy forms when it merges a product of roots (:func:`guarded_mul`).
- :data:`MAX_FACTORIAL`: the largest ``n`` in ``n!``; binomials must stay under
  :data:`MAX_RESULT_DIGITS` too.
- :data:`MAX_NODES`: the largest parsed tree :func:`check_tree` accepts.
- :data:`MAX_TOWER`: the tallest stack of symbolic exponents (``x^{y^{z^{w^{v}}}}`` is refused).
"""

from __future__ import annotations

import math

import sympy as sp

#: Largest number of decimal digits of any number in a parsed answer (10^1000 is the ceiling).
MAX_RESULT_DIGITS = 1000
#: Largest numerator or denominator of a numeric exponent (``x^{10000}`` at most; more digits are refused).
MAX_EXPONENT = 10_000
#: Largest numeric exponent on a base that is not a plain number (``x^{300}``, ``\pi^{300}``, ``e^{300}``).
MAX_SYMBOLIC_EXP = 300
#: Largest radicand, in digits, of a root of a number (sympy factors the radicand to simplify it).
MAX_ROOT_DIGITS = 100
#: Largest ``n`` in ``n!`` (300! has 615 digits).
MAX_FACTORIAL = 300
#: Largest parsed tree (sympy nodes) an answer may denote.
MAX_NODES = 5000
#: Most non-constant exponents stacked inside an exponent (``x^{y^{z^w}}`` has two in ``y^{z^w}``).
MAX_TOWER = 2


class ParseError(ValueError):
    """The text is not a math answer this parser accepts."""


def int_digits(n: int) -> int:
    """Decimal digits of ``|n|``, from its bit length (no conversion to text; exact up to 10^5000)."""
    n = abs(n)
    digits = n.bit_length() * 30103 // 100000 + 1
    if 1 < digits <= 5000 and n < 10 ** (digits - 1):
        digits -= 1  # the bit-length estimate is one over just above a power of two
    return digits


def number_digits(v: sp.Expr) -> int:
    """Digits of the larger of a rational's numerator and denominator; 0 for other values."""
    if isinstance(v, sp.Rational):
        return max(int_digits(int(v.p)), int_digits(int(v.q)))
    return 0


def check_number(v: sp.Basic) -> sp.Basic:
    """``v`` itself, or :class:`ParseError` when it is a rational over :data:`MAX_RESULT_DIGITS`."""
    if isinstance(v, sp.Rational) and number_digits(v) > MAX_RESULT_DIGITS:
        raise ParseError("number too large")
    return v


def _log10_abs(v: sp.Expr) -> float:
    """``log10 |v|`` of a nonzero constant, from its numerator and denominator when rational."""
    if isinstance(v, sp.Rational):
        return _log10_int(int(v.p)) - _log10_int(int(v.q))
    return math.log10(abs(complex(v.evalf(15))))


def _log10_int(n: int) -> float:
    n = abs(n)
    if n.bit_length() < 1000:
        return math.log10(n)
    shift = n.bit_length() - 64
    return math.log10(n >> shift) + shift * math.log10(2)


def _magnitude(e: sp.Expr) -> float:
    """``|e|`` of a constant exponent (15 digits), refusing one that does not evaluate."""
    try:
        mag = abs(complex(e.evalf(15)))
    except (TypeError, ValueError, OverflowError):
        raise ParseError("bad exponent") from None
    if not math.isfinite(mag):
        raise ParseError("bad exponent")
    return mag


def guarded_pow(base: sp.Basic, exp: sp.Basic) -> sp.Expr:
    """``base ** exp``, refusing powers whose operands or value would be huge (see the module docstring)."""
    if not isinstance(base, sp.Expr) or not isinstance(exp, sp.Expr):
        raise ParseError("power of a non-expression")
    trivial = base.is_Number and base in (0, 1, -1)
    if exp.is_Number:
        if not exp.is_Rational or number_digits(exp) > 4 or max(abs(exp.p), exp.q) > MAX_EXPONENT:
            raise ParseError("exponent too large")
        if base.is_Number and not trivial:
            if not base.is_Rational:
                raise ParseError("power of an inexact number")
            size = max(abs(_log10_int(int(base.p))), abs(_log10_int(int(base.q))), 0.02)
            if abs(exp) * size > MAX_RESULT_DIGITS:
                raise ParseError("power too large")
            if not exp.is_Integer and number_digits(base) > MAX_ROOT_DIGITS:
                raise ParseError("radicand too large")
        elif not base.is_Number and abs(exp) > MAX_SYMBOLIC_EXP:
            raise ParseError("exponent too large")
    elif not exp.free_symbols:
        mag = _magnitude(exp)
        if base.is_Number and not trivial:
            if number_digits(base) > MAX_ROOT_DIGITS or mag * max(abs(_log10_abs(base)), 0.02) > MAX_RESULT_DIGITS:
                raise ParseError("power too large")
        elif not trivial and mag > MAX_SYMBOLIC_EXP:
            raise ParseError("exponent too large")
    if _tower(exp) > MAX_TOWER:
        raise ParseError("exponent tower")
    return sp.Pow(base, exp)


def guarded_root(v: sp.Basic, index: sp.Basic = sp.Integer(2)) -> sp.Expr:
    """The ``index``-th root of ``v`` (``\\sqrt``, ``\\sqrt[n]``), through :func:`guarded_pow`."""
    if not isinstance(index, sp.Expr) or index == 0:
        raise ParseError("bad root index")
    return guarded_pow(v, 1 / index)


def _tower(e: sp.Basic) -> int:
    """How many non-constant exponents are stacked in ``e`` (``exp`` counts as a power)."""
    if not e.args:
        return 0
    inner = max(_tower(a) for a in e.args)
    if isinstance(e, sp.Pow) and not e.exp.is_Number:
        return inner + 1
    return inner + 1 if isinstance(e, sp.exp) and not e.args[0].is_Number else inner


def _root_digits(factors: list[sp.Basic]) -> dict[sp.Rational, int]:
    """Digits of the numeric radicands among ``factors``, by the root (``|exponent|``) over them."""
    out: dict[sp.Rational, int] = {}
    for f in factors:
        if f.is_Pow and f.base.is_Rational and f.exp.is_Rational and not f.exp.is_Integer:
            out[abs(f.exp)] = out.get(abs(f.exp), 0) + number_digits(f.base)
    return out


def guarded_mul(a: sp.Expr, b: sp.Expr, divide: bool = False) -> sp.Expr:
    """``a * b`` (or ``a / b``), refusing a product whose roots sympy would merge into one huge radicand.

    Sympy writes ``\\sqrt{m}\\sqrt{n}`` as ``\\sqrt{mn}`` and factors ``mn`` to simplify it, so
    twenty roots of 100-digit numbers cost as much as one root of a 2,000-digit number.
    """
    merged = _root_digits([*sp.Mul.make_args(a), *sp.Mul.make_args(b)])
    if any(d > MAX_ROOT_DIGITS for d in merged.values()):
        raise ParseError("radicand too large")
    return check_number(a / b if divide else a * b)


def guarded_factorial(v: sp.Basic) -> sp.Expr:
    """``v!``, refusing a non-integer constant or an ``n`` above :data:`MAX_FACTORIAL`."""
    if not isinstance(v, sp.Expr):
        raise ParseError("factorial of a non-expression")
    if v.is_Number and (not v.is_Integer or v < 0 or v > MAX_FACTORIAL):
        raise ParseError("factorial out of range")
    if not v.is_Number and not v.free_symbols:
        raise ParseError("factorial of a non-integer")
    return sp.factorial(v)


def _log10_binomial(n: int, k: int) -> float:
    if n < 0:  # C(n, k) = (-1)^k C(k - n - 1, k)
        n = k - n - 1
    if k < 0 or k > n:
        return 0.0
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)


def guarded_binomial(n: sp.Basic, k: sp.Basic) -> sp.Expr:
    """``C(n, k)``, refusing one whose value or evaluation would be huge."""
    if not isinstance(n, sp.Expr) or not isinstance(k, sp.Expr):
        raise ParseError("binomial of a non-expression")
    if k.is_Number and not k.is_Integer:
        raise ParseError("binomial with a non-integer k")
    if n.is_Integer and k.is_Integer:
        if number_digits(n) > 12 or number_digits(k) > 12 or _log10_binomial(int(n), int(k)) > MAX_RESULT_DIGITS:
            raise ParseError("binomial too large")
    elif k.is_Integer and abs(k) > MAX_FACTORIAL:
        raise ParseError("binomial too large")  # C(1/2, k) multiplies k factors
    elif n.is_Number and (not k.free_symbols or number_digits(n) > MAX_ROOT_DIGITS):
        raise ParseError("binomial out of range")
    return sp.binomial(n, k)


def guarded_log(arg: sp.Basic, base: sp.Basic | None = None) -> sp.Expr:
    """``log(arg)`` or ``log(arg, base)``, refusing numbers above :data:`MAX_RESULT_DIGITS` digits."""
    for v in (arg, base):
        if v is not None:
            if not isinstance(v, sp.Expr):
                raise ParseError("log of a non-expression")
            check_number(v)
    return sp.log(arg) if base is None else sp.log(arg, base)


def check_tree(value: object) -> object:
    """``value`` itself after a walk of its whole tree; :class:`ParseError` when any part is too large.

    Structural only (no evaluation): at most :data:`MAX_NODES` nodes, no rational over
    :data:`MAX_RESULT_DIGITS` digits, no numeric exponent over :data:`MAX_EXPONENT`, no
    unevaluated factorial of a number over :data:`MAX_FACTORIAL`. Sympy combines terms as the
    parser builds them (``x^{300} x^{300}`` is ``x^{600}``), so the finished value is checked again.
    """
    if not isinstance(value, sp.Basic):
        return value
    stack: list[sp.Basic] = [value]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ParseError("answer too large")
        if isinstance(node, sp.Rational):
            check_number(node)
        elif isinstance(node, sp.Pow) and node.exp.is_Number:
            e = node.exp
            if not e.is_Rational or max(abs(int(e.p)), int(e.q)) > MAX_EXPONENT:
                raise ParseError("exponent too large")
            if not e.is_Integer and number_digits(node.base) > MAX_ROOT_DIGITS:
                raise ParseError("radicand too large")
        elif isinstance(node, sp.factorial) and node.args[0].is_Number and node.args[0] > MAX_FACTORIAL:
            raise ParseError("factorial out of range")
        stack.extend(a for a in node.args if isinstance(a, sp.Basic))
    return value
