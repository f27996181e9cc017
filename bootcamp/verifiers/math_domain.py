"""Deciding expression equivalence over the reals.

The rule (used by :func:`bootcamp.verifiers.math_equiv.equivalent` for two scalar expressions
with free symbols): the answer must equal the reference for every real value of its symbols,
or every positive value when the problem says so (:func:`domain`, ``check_math(..., domain=)``).

1. Numeric first (fast): both sides are evaluated (complex arithmetic, 30 digits) at
   :data:`N_POINTS` deterministic real points whose coordinates mix negative, near-zero,
   moderate and large values. A point where either side is undefined (a pole, an overflow,
   an argument too large to reduce) is skipped. Any defined point where the values differ
   is a counterexample: not equivalent. Agreement at every defined point, with at least
   :data:`MIN_DEFINED` defined points, is equivalent (for two rational functions whose
   difference has a numerator of degree below that count this is a proof; otherwise it is
   strong evidence from points an answer cannot know). Comparing complex values means
   ``\\sqrt{t^2}`` equals ``|t|`` but not ``t``, and ``\\ln x`` is not ``\\ln|x|``.
2. Too few defined points: symbolic, on small expressions only (neither can be
   interrupted): ``cancel(a - b) == 0`` for rational functions, else ``simplify(a - b) == 0``.
3. Still undecided: rejected.

Exact or tolerant: with ``rel_tol=None`` (an exact reference, see
:func:`bootcamp.verifiers.math_equiv.check_math`) no tolerance applies. The 30-digit screen
of step 1 reports differences above :data:`~bootcamp.verifiers.math_exact.SCREEN_TOL`, and
every defined point where it saw agreement is confirmed at the precision
:mod:`bootcamp.verifiers.math_exact` derives from the expressions, so ``x + 10^{-40}\\sin x``
is not ``x``. Constants (:func:`numbers_equal`) compare exactly when their difference is
rational and otherwise the same way. With a ``rel_tol`` (a decimal reference, or a tolerance
the task declares) values within it are equal, as measured at 30 digits.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
from collections.abc import Iterator

import mpmath
import sympy as sp
from mpmath.libmp import to_rational

from bootcamp.verifiers import math_exact

#: Sample points per comparison; the defined ones must all agree.
N_POINTS = 12
#: Fewer defined points than this leaves the numeric route undecided.
MIN_DEFINED = 8
#: Above this many operations the symbolic routes (cancel, simplify) are not tried.
SYMBOLIC_MAX_OPS = 40
_PREC = 30
#: Coordinates are drawn from these ranges in turn, signs included: large negative, negative,
#: near zero (both signs), moderate positive, large positive.
_RANGES = ((-60.0, -6.0), (-3.1, -0.27), (-0.09, -0.011), (0.013, 0.11), (0.29, 3.3), (5.5, 55.0))
#: The domains a problem may state for its symbols, as coordinate ranges.
DOMAINS = {"real": _RANGES, "positive": ((0.013, 0.11), (0.29, 3.3), (5.5, 55.0), (0.021, 0.6), (1.1, 9.0))}
_DOMAIN: contextvars.ContextVar[str] = contextvars.ContextVar("math_domain", default="real")


@contextlib.contextmanager
def domain(name: str) -> Iterator[None]:
    """Compare with the symbols ranging over ``name`` (a key of :data:`DOMAINS`) inside the block."""
    if name not in DOMAINS:
        raise ValueError(f"unknown domain {name!r}; valid: {sorted(DOMAINS)}")
    token = _DOMAIN.set(name)
    try:
        yield
    finally:
        _DOMAIN.reset(token)
#: Trig and similar arguments beyond this are skipped (argument reduction would be slow).
_MAX_TRIG_ARG = 1e6


class _Undefined(Exception):
    """The expression has no finite value at this point."""


def points(symbols: list[sp.Symbol], n: int = N_POINTS, seed: int = 7919) -> list[dict[sp.Symbol, mpmath.mpf]]:
    """``n`` deterministic real points; each symbol visits every range (and ranges mix across symbols)."""
    rng = random.Random(seed)
    ranges = DOMAINS[_DOMAIN.get()]
    out = []
    for k in range(n):
        pt = {}
        for j, s in enumerate(symbols):
            lo, hi = ranges[(k + 3 * j + (k // len(ranges)) * j) % len(ranges)]
            pt[s] = mpmath.mpf(rng.uniform(lo, hi)) + mpmath.mpf(1) / (1000 + 997 * k + 131 * j)
        out.append(pt)
    return out


def _ev(e: sp.Basic, pt: dict) -> mpmath.mpc:
    """A fast evaluator over sympy's tree with mpmath numbers; unknown nodes go to evalf."""
    if e.is_Symbol:
        return pt[e]
    if e.is_Number:
        if e.is_Integer:
            return mpmath.mpf(int(e))
        if e.is_Rational:
            return mpmath.mpf(int(e.p)) / int(e.q)
        if e.is_Float:
            return mpmath.mpf(e)
        raise _Undefined
    if e is sp.pi:
        return mpmath.pi
    if e is sp.E:
        return mpmath.e
    if e is sp.I:
        return mpmath.mpc(0, 1)
    if e.is_Add:
        total = mpmath.mpf(0)
        for a in e.args:
            total += _ev(a, pt)
        return total
    if e.is_Mul:
        prod = mpmath.mpf(1)
        for a in e.args:
            prod *= _ev(a, pt)
        return prod
    if e.is_Pow:
        b = _ev(e.base, pt)
        if e.exp.is_Integer:
            n = int(e.exp)
            if b == 0 and n < 0:
                raise _Undefined
            return b**n
        x = _ev(e.exp, pt)
        if b == 0:
            if mpmath.re(x) > 0:
                return mpmath.mpf(0)
            raise _Undefined
        if abs(x) * max(abs(mpmath.log(abs(b))), 1) > 1e7:
            raise _Undefined
        return mpmath.power(b, x)
    f = _FUNCS.get(type(e))
    if f is not None and len(e.args) == 1:
        x = _ev(e.args[0], pt)
        if type(e) in _TRIG and abs(x) > _MAX_TRIG_ARG:
            raise _Undefined
        if type(e) is sp.log and x == 0:
            raise _Undefined
        if type(e) in (sp.floor, sp.ceiling) and mpmath.im(x) != 0:
            raise _Undefined
        return f(x)
    if type(e) is sp.log and len(e.args) == 2:
        x, base = _ev(e.args[0], pt), _ev(e.args[1], pt)
        if x == 0 or base == 0 or base == 1:
            raise _Undefined
        return mpmath.log(x) / mpmath.log(base)
    # anything else (binomial with symbols, factorial, ...): sympy's own evaluation
    # at the working precision, at the very point the other side sees (a point is a binary float: exact)
    prec = mpmath.mp.dps
    subs = {s: sp.Rational(*to_rational(mpmath.mpf(v)._mpf_)) for s, v in pt.items()}
    v = e.xreplace(subs).evalf(prec)
    if not v.is_number:
        raise _Undefined
    re_, im_ = v.as_real_imag()
    return mpmath.mpc(mpmath.mpf(sp.Float(re_, prec)), mpmath.mpf(sp.Float(im_, prec)))


_TRIG = (sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.sinh, sp.cosh, sp.tanh, sp.exp)
_FUNCS = {
    sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan, sp.sec: mpmath.sec, sp.csc: mpmath.csc,
    sp.cot: mpmath.cot, sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.atan: mpmath.atan,
    sp.acot: mpmath.acot, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.tanh: mpmath.tanh,
    sp.asinh: mpmath.asinh, sp.acosh: mpmath.acosh, sp.atanh: mpmath.atanh, sp.exp: mpmath.exp,
    sp.log: mpmath.log, sp.Abs: abs, sp.floor: lambda x: mpmath.floor(mpmath.re(x)),
    sp.ceiling: lambda x: mpmath.ceil(mpmath.re(x)), sp.conjugate: mpmath.conj,
}


def value_at(e: sp.Expr, pt: dict, prec: int = _PREC) -> mpmath.mpc | None:
    """The value of ``e`` at ``pt`` (``prec`` digits), or None where it is undefined (never raises)."""
    try:
        with mpmath.workdps(prec):
            v = _ev(e, pt)
            if not mpmath.isfinite(v):
                return None
            return v
    except (_Undefined, ZeroDivisionError, ValueError, TypeError, ArithmeticError, AttributeError,
            KeyError, RecursionError):
        return None


def _differ(va: mpmath.mpc, vb: mpmath.mpc, tol: float) -> bool:
    d = abs(va - vb)
    return bool(d > tol * max(abs(va), abs(vb)) and d > 1e-20)


def _really_differ(a: sp.Expr, b: sp.Expr, pt: dict, tol: float) -> bool:
    """A difference seen at 30 digits, confirmed at 80 (cancellation noise shrinks, a real one stays)."""
    va, vb = value_at(a, pt, 80), value_at(b, pt, 80)
    return va is None or vb is None or _differ(va, vb, tol)


def _tol(rel_tol: float | None) -> float:
    return math_exact.SCREEN_TOL if rel_tol is None else max(rel_tol, 1e-12)


def probe(a: sp.Expr, b: sp.Expr, rel_tol: float | None, ratio: bool = False) -> bool | None:
    """Numeric decision over real points: True, False, or None (too few defined points).

    With ``ratio`` the question is whether ``a / b`` is one non-zero constant (equations).
    ``rel_tol=None`` is exact comparison (see the module docstring).
    """
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    tol = _tol(rel_tol)
    defined, k = [], None
    for pt in points(symbols):
        va = value_at(a, pt)
        if va is None:
            continue
        vb = value_at(b, pt)
        if vb is None:
            continue
        if ratio:
            if abs(vb) < 1e-12:
                if abs(va) > 1e-9:
                    return False
                continue
            r = va / vb
            if k is None:
                if abs(r) < 1e-12:
                    return False
                k = r
            elif _differ(r, k, tol * 10):
                return False
        elif _differ(va, vb, tol) and _really_differ(a, b, pt, tol):
            return False
        defined.append(pt)
    if len(defined) < MIN_DEFINED:
        return None
    return rel_tol is not None or _confirm_exact(a, b, defined, ratio)


def _gap(lhs: sp.Expr, rhs: sp.Expr, pt: dict, base: dict | None = None) -> math_exact.Gap:
    """``dps -> (|lhs - rhs|, scale)`` at ``pt``; with ``base``, of ``lhs(pt) rhs(base)`` and ``rhs(pt) lhs(base)``."""
    def gap(dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        va, vb = value_at(lhs, pt, dps), value_at(rhs, pt, dps)
        if va is None or vb is None:
            return None
        with mpmath.workdps(dps):  # arithmetic outside it would round to 15 digits
            if base is not None:
                ka, kb = value_at(lhs, base, dps), value_at(rhs, base, dps)
                if ka is None or kb is None:
                    return None
                va, vb = va * kb, vb * ka  # a/b constant: a(pt) b(base) = b(pt) a(base), no division
            return abs(va - vb), max(abs(va), abs(vb))
    return gap


def _confirm_exact(a: sp.Expr, b: sp.Expr, defined: list[dict], ratio: bool) -> bool:
    """Agreement seen at 30 digits, confirmed at every defined point to the digits that decide it."""
    digits = math_exact.exact_digits(a, b)
    if digits is None:
        return False
    base = None
    if ratio:
        base = next((pt for pt in defined if abs(value_at(b, pt)) >= 1e-9), None)
        if base is None:
            return False
    return all(math_exact.agree(_gap(a, b, pt, base), digits) for pt in defined)


def numbers_equal(x: sp.Expr, y: sp.Expr, rel_tol: float | None) -> bool:
    """Whether two constants are equal: exactly with ``rel_tol=None``, else within ``rel_tol``.

    Exact: a rational difference decides (``42 + 10^{-20}`` is not ``42``); otherwise the two
    are compared at the digits :mod:`bootcamp.verifiers.math_exact` derives from them.
    """
    if x.is_Integer and y.is_Integer:
        return bool(x == y)
    if x.is_infinite or y.is_infinite:
        return bool(x == y)
    if rel_tol is None:
        if x == y:
            return True
        d = x - y
        if d.is_Rational:
            return bool(d == 0)
        digits = math_exact.exact_digits(x, y)
        return digits is not None and math_exact.agree(_gap(x, y, {}), digits)
    try:
        dx, dy = sp.N(x, 30), sp.N(y, 30)
        diff = abs(sp.N(dx - dy, 30))
        scale = max(abs(dx), abs(dy))
    except (TypeError, ValueError, ArithmeticError):
        return False
    if not (diff.is_number and scale.is_number) or diff.has(sp.nan) or scale.has(sp.nan, sp.zoo):
        return False
    try:
        return bool(diff <= rel_tol * scale or diff <= 1e-12 * rel_tol)
    except TypeError:
        return False


def small(*exprs: sp.Expr) -> bool:
    """Whether the symbolic routes may run: few operations, no big powers or numbers."""
    for e in exprs:
        if any(p.exp.is_Number and abs(p.exp) > 12 for p in e.atoms(sp.Pow)):
            return False
        if any(n.is_Integer and abs(n) > 10**12 for n in e.atoms(sp.Number)):
            return False
    return sum(sp.count_ops(e) for e in exprs) <= SYMBOLIC_MAX_OPS


def real_equivalent(a: sp.Expr, b: sp.Expr, rel_tol: float | None) -> bool:
    """Whether ``a`` equals ``b`` for all real values of their symbols (see the module docstring).

    ``rel_tol=None`` compares exactly; a number is a tolerance the caller declared.
    """
    decided = probe(a, b, rel_tol)
    if decided is not None:
        return decided
    if not small(a, b):
        return False
    try:
        syms = a.free_symbols | b.free_symbols
        if a.is_rational_function(*syms) and b.is_rational_function(*syms):
            return bool(sp.cancel(a - b) == 0)
        return bool(sp.simplify(a - b) == 0)
    except Exception:  # noqa: BLE001 - undecided is rejected
        return False
