"""Math-answer equivalence: parse LaTeX or plain-text answers to sympy and compare them.

``parse_math`` never raises and never evaluates a huge power or factorial (the
guarded parser of :mod:`bootcamp.verifiers.mathparse` checks them first).
``equivalent`` compares structurally, then numerically at deterministic random
points, and only tries ``simplify`` on small expressions the probes could not
decide. Sets are order-free, tuples ordered, intervals compared by endpoints
and openness, matrices elementwise, equations up to a constant factor.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import mpmath
import sympy as sp

from bootcamp.types import Score, invalid
from bootcamp.verifiers.latex import BracketTuple, ParenTuple, ParseError
from bootcamp.verifiers.mathparse import as_set, parse_text

__all__ = ["parse_math", "equivalent", "check_math", "to_text", "is_scalar", "BracketTuple", "ParenTuple"]

_PROBES = 8
_MIN_VALID = 3
_SIMPLIFY_MAX_OPS = 20


def parse_math(text: str) -> object | None:
    """The sympy object an answer denotes, or None when it does not parse (never raises)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 2000:
        return None
    try:
        for pm in ("\\pm", "±"):
            if pm in text:
                if text.count(pm) != 1:
                    return None
                a, b = parse_text(text.replace(pm, "+")), parse_text(text.replace(pm, "-"))
                if isinstance(a, sp.Eq) and isinstance(b, sp.Eq) and a.lhs == b.lhs:
                    a, b = a.rhs, b.rhs
                return sp.FiniteSet(a, b)
        value = parse_text(text)
    except (ParseError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - sympy raises many kinds on odd input; all mean "does not parse"
        return None
    if isinstance(value, sp.Basic) and value.has(sp.nan, sp.zoo):
        return None
    return value


def is_scalar(value: object) -> bool:
    """True for a scalar sympy expression (sympy's immutable matrices are Expr too)."""
    return isinstance(value, sp.Expr) and not isinstance(value, (sp.MatrixBase, sp.MatrixExpr))


# -- numbers and expressions ---------------------------------------------------------------
def _close(x: sp.Expr, y: sp.Expr, rel_tol: float) -> bool:
    """Numeric closeness of two constant expressions; exact for two integers."""
    if x.is_Integer and y.is_Integer:
        return bool(x == y)
    if x.is_infinite or y.is_infinite:
        return bool(x == y)
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


def _probe_values(expr: sp.Expr, subs: dict[sp.Symbol, sp.Float]) -> mpmath.mpc | None:
    try:
        # xreplace with 20-digit Floats evaluates as it rebuilds: ~6x faster than evalf(subs=...);
        # mpmath numbers keep huge values (1e400) finite where a Python complex overflows
        v = mpmath.mpmathify(expr.xreplace(subs).evalf(20))
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return None
    if not mpmath.isfinite(v):
        return None
    return v


def _probe(a: sp.Expr, b: sp.Expr, rel_tol: float, ratio: bool = False) -> bool | None:
    """Compare at deterministic random points: True/False, or None when too few points evaluate.

    With ``ratio`` the question is whether ``a / b`` is one non-zero constant.
    """
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    rng = random.Random(1234567)
    valid, k = 0, None
    tol = max(rel_tol, 1e-12)
    for _ in range(_PROBES):
        subs = {s: sp.Float(rng.uniform(0.3, 2.7), 20) for s in symbols}
        va, vb = _probe_values(a, subs), _probe_values(b, subs)
        if va is None or vb is None:
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
            elif abs(r - k) > tol * max(abs(r), abs(k)) * 10:
                return False
        elif abs(va - vb) > tol * max(abs(va), abs(vb), 1e-9) and abs(va - vb) > 1e-12:
            return False
        valid += 1
    return True if valid >= _MIN_VALID else None


def _expr_equiv(a: sp.Expr, b: sp.Expr, rel_tol: float) -> bool:
    if a == b:
        return True
    if a.has(sp.oo, -sp.oo, sp.zoo) or b.has(sp.oo, -sp.oo, sp.zoo):
        return False
    if not a.free_symbols and not b.free_symbols:
        return _close(a, b, rel_tol)
    decided = _probe(a, b, rel_tol)
    if decided is not None:
        return decided
    # simplify cannot be interrupted: only small expressions without big powers get it
    if sp.count_ops(a) + sp.count_ops(b) > _SIMPLIFY_MAX_OPS or _has_big_power(a) or _has_big_power(b):
        return False
    try:
        return bool(sp.simplify(a - b) == 0)
    except Exception:  # noqa: BLE001 - sympy raises many kinds on odd input; undecided means not shown equal
        return False


def _has_big_power(e: sp.Expr) -> bool:
    return any(p.exp.is_Number and abs(p.exp) > 12 for p in e.atoms(sp.Pow)) or any(
        n.is_Integer and abs(n) > 10**12 for n in e.atoms(sp.Number))


def _eq_equiv(a: sp.Eq, b: sp.Eq, rel_tol: float) -> bool:
    da, db = a.lhs - a.rhs, b.lhs - b.rhs
    if db == 0 or da == 0:
        return bool(da == db)
    if not da.free_symbols and not db.free_symbols:
        return False  # two false (or trivially true) numeric equations
    decided = _probe(da, db, rel_tol, ratio=True)
    if decided is not None:
        return decided
    if sp.count_ops(da) + sp.count_ops(db) > _SIMPLIFY_MAX_OPS or _has_big_power(da) or _has_big_power(db):
        return False
    try:
        q = sp.simplify(da / db)
        return bool(q.is_number and q != 0)
    except Exception:  # noqa: BLE001
        return False


# -- collections ---------------------------------------------------------------------------
def _match_all(xs: list[object], ys: list[object], rel_tol: float) -> bool:
    """Every x pairs with a distinct equivalent y (greedy is enough for equivalence classes)."""
    if len(xs) != len(ys):
        return False
    left = list(ys)
    for x in xs:
        for j, y in enumerate(left):
            if equivalent(x, y, rel_tol):
                del left[j]
                break
        else:
            return False
    return True


def _interval_parts(s: sp.Set) -> list[sp.Set] | None:
    if isinstance(s, sp.Union):
        return list(s.args)
    if isinstance(s, (sp.Interval, sp.FiniteSet)) or s == sp.EmptySet:
        return [s]
    return None


def _as_vector(m: object) -> list[object] | None:
    if isinstance(m, sp.MatrixBase) and 1 in m.shape:
        return list(m)
    if isinstance(m, sp.Tuple):
        return list(m)
    return None


def equivalent(a: object, b: object, rel_tol: float = 1e-9) -> bool:
    """Whether two parsed answers denote the same value (see the module docstring)."""
    try:
        return _equivalent(a, b, rel_tol)
    except Exception:  # noqa: BLE001 - an undecidable comparison is not shown equivalent
        return False


def _equivalent(a: object, b: object, rel_tol: float) -> bool:
    if a is None or b is None:
        return False
    a = sp.Tuple(*a) if isinstance(a, (tuple, list)) else a
    b = sp.Tuple(*b) if isinstance(b, (tuple, list)) else b
    if isinstance(a, sp.Eq) != isinstance(b, sp.Eq):
        # "x = 3" against 3: a named value compares by its right-hand side
        eq, other = (a, b) if isinstance(a, sp.Eq) else (b, a)
        if isinstance(eq.lhs, sp.Symbol) and eq.lhs not in getattr(other, "free_symbols", {eq.lhs}):
            return _equivalent(eq.rhs, other, rel_tol)
        return False
    if isinstance(a, sp.Eq):
        return _eq_equiv(a, b, rel_tol)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
            return a.shape == b.shape and all(_equivalent(x, y, rel_tol) for x, y in zip(a, b, strict=True))
        va, vb = _as_vector(a), _as_vector(b)
        return va is not None and vb is not None and len(va) == len(vb) and all(
            _equivalent(x, y, rel_tol) for x, y in zip(va, vb, strict=True))
    if isinstance(a, sp.Set) or isinstance(b, sp.Set):
        return _set_equiv(a, b, rel_tol)
    if isinstance(a, sp.Tuple) or isinstance(b, sp.Tuple):
        if isinstance(a, sp.Tuple) and isinstance(b, sp.Tuple):
            return len(a) == len(b) and all(_equivalent(x, y, rel_tol) for x, y in zip(a, b, strict=True))
        return False
    if is_scalar(a) and is_scalar(b):
        return _expr_equiv(a, b, rel_tol)
    return False


def _set_equiv(a: object, b: object, rel_tol: float) -> bool:
    # A finite set also accepts a bare list of its elements (or its single element).
    for x, y in ((a, b), (b, a)):
        if isinstance(x, sp.FiniteSet) and not isinstance(y, sp.Set):
            ys = list(y) if type(y) is sp.Tuple else [y] if is_scalar(y) else None
            # bound the quadratic dedupe: a list far longer than the set cannot match it
            if ys is None or len(ys) > 2 * len(x) + 2:
                return False
            return _match_all(list(x), _dedupe(ys, rel_tol), rel_tol)
    try:
        sa, sb = as_set(a), as_set(b)
    except ParseError:
        return False
    if isinstance(sa, sp.Interval) and isinstance(sb, sp.Interval):
        return (sa.left_open == sb.left_open and sa.right_open == sb.right_open
                and _equivalent(sa.start, sb.start, rel_tol) and _equivalent(sa.end, sb.end, rel_tol))
    if isinstance(sa, sp.FiniteSet) and isinstance(sb, sp.FiniteSet):
        return _match_all(list(sa), list(sb), rel_tol)
    pa, pb = _interval_parts(sa), _interval_parts(sb)
    if pa is None or pb is None:
        return bool(sa == sb)
    return _match_all(pa, pb, rel_tol)


def _dedupe(items: Iterable[object], rel_tol: float) -> list[object]:
    out: list[object] = []
    for x in items:
        if not any(equivalent(x, y, rel_tol) for y in out):
            out.append(x)
    return out


def check_math(answer: str, truth: str, rel_tol: float = 1e-9) -> float:
    """1.0 when ``answer`` is equivalent to ``truth``; invalid when it does not parse; else 0."""
    a = parse_math(answer)
    if a is None:
        return invalid("not a math expression")
    b = parse_math(truth)
    if b is None:
        return Score(0.0, "verifier_error", f"reference does not parse: {truth[:80]}")
    return 1.0 if equivalent(a, b, rel_tol) else Score(0.0, "wrong")


# -- printing reference answers ----------------------------------------------------------------
def to_text(value: object) -> str:
    """A plain-text form of a sympy value that :func:`parse_math` reads back."""
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(to_text(x) for x in row) + "]"
                               for row in value.tolist()) + "]"
    if isinstance(value, sp.Eq):
        return f"{to_text(value.lhs)} = {to_text(value.rhs)}"
    if isinstance(value, sp.Interval):
        lo = "(" if value.left_open else "["
        hi = ")" if value.right_open else "]"
        return f"{lo}{to_text(value.start)}, {to_text(value.end)}{hi}"
    if isinstance(value, sp.Union):
        return " \\cup ".join(to_text(p) for p in value.args)
    if isinstance(value, sp.FiniteSet):
        return "\\{" + ", ".join(to_text(x) for x in value) + "\\}"
    if value == sp.EmptySet:
        return "\\emptyset"
    if isinstance(value, (list, tuple, sp.Tuple)):
        return "(" + ", ".join(to_text(x) for x in value) + ")"
    return sp.sstr(value)
