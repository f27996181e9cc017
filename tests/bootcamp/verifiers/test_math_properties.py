"""Property tests for math equivalence: random expressions, rewrites that keep or break their value.

Truth never comes from the verifier under test: a preserving rewrite is equivalent by
construction (sympy's expand/factor/cancel, another printer, reordered terms); a breaking
rewrite is judged by sympy's own ``evalf`` at many random real points (it is only counted when
some point shows a difference). Zero false positives is required; preserving rewrites must be
accepted at a high rate.
"""

from __future__ import annotations

import random

import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootcamp.verifiers.math_equiv import check_math, to_text

x, y = sp.symbols("x y")
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_leaf = st.sampled_from([x, y, x, sp.Integer(1), sp.Integer(2), sp.Integer(-3), sp.Rational(1, 2)])


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, st.sampled_from([2, 3, -1])).map(lambda t: t[0] ** t[1]),
        children.map(sp.Abs),
        children.map(lambda e: sp.sqrt(e**2)),
        children.map(lambda e: sp.sqrt(e**2 + 1)),
        children.map(sp.sin),
        children.map(sp.cos),
        children.map(lambda e: sp.exp(e / 4)),
        children.map(lambda e: sp.log(e**2 + 1)),
    )


exprs = st.recursive(_leaf, _extend, max_leaves=5).filter(
    lambda e: e.free_symbols and not e.has(sp.zoo, sp.nan, sp.oo) and sp.count_ops(e) <= 14)


def _values_differ(a: sp.Expr, b: sp.Expr, n: int = 30) -> bool:
    """Whether sympy's evalf finds a real point where both are defined and differ."""
    rng = random.Random(42)
    syms = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(n):
        pt = {s: sp.Float(rng.choice([-1, 1]) * rng.uniform(0.05, 6), 30) for s in syms}
        try:
            va, vb = complex(a.evalf(30, subs=pt)), complex(b.evalf(30, subs=pt))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if not all(map(_finite, (va, vb))):
            continue
        if abs(va - vb) > 1e-6 * max(1.0, abs(va), abs(vb)):
            return True
    return False


def _finite(v: complex) -> bool:
    return abs(v.real) < 1e300 and abs(v.imag) < 1e300


def _preserving(e: sp.Expr, k: int) -> str:
    forms = [lambda: sp.latex(e), lambda: to_text(sp.expand(e)), lambda: sp.latex(sp.factor(e)),
             lambda: to_text(sp.cancel(e)),
             lambda: " + ".join(f"({to_text(t)})" for t in reversed(sp.Add.make_args(e))),
             lambda: sp.latex(sp.expand(e))]
    return forms[k % len(forms)]()


def _breaking(e: sp.Expr, k: int) -> sp.Expr:
    moves = [lambda: e + 1, lambda: 2 * e, lambda: -e, lambda: e.replace(sp.Abs, lambda u: u),
             lambda: e.xreplace({x: -x}), lambda: e.replace(lambda n: n.is_Integer and n not in (0,), lambda n: n + 1),
             lambda: e.replace(lambda p: isinstance(p, sp.Pow) and p.exp == sp.S.Half, lambda p: p.base)]
    return moves[k % len(moves)]()


def test_preserving_rewrites_are_accepted() -> None:
    seen = {"n": 0, "ok": 0, "misses": []}

    @SETTINGS
    @given(exprs, st.integers(0, 5))
    def run(e: sp.Expr, k: int) -> None:
        answer = _preserving(e, k)
        seen["n"] += 1
        if check_math(answer, to_text(e)) == 1.0:
            seen["ok"] += 1
        else:
            seen["misses"].append((answer, to_text(e)))

    run()
    assert seen["n"] >= 100
    assert seen["ok"] / seen["n"] > 0.95, seen["misses"][:10]


def test_breaking_rewrites_are_rejected() -> None:
    counted = {"n": 0}

    @SETTINGS
    @given(exprs, st.integers(0, 6), st.booleans())
    def run(e: sp.Expr, k: int, latex: bool) -> None:
        broken = _breaking(e, k)
        if not _values_differ(broken, e):
            return  # the move happened to keep the value (|x^2| without its bars, ...)
        counted["n"] += 1
        answer = sp.latex(broken) if latex else to_text(broken)
        assert check_math(answer, to_text(e)) < 1.0, (answer, to_text(e))

    run()
    assert counted["n"] >= 100


LE, GE = "\\le", "\\geq"


def _brackets(lo: bool, hi: bool) -> tuple[str, str]:
    return ("[" if lo else "("), ("]" if hi else ")")


def _form(k: int, a: int, b: int, lo: bool, hi: bool) -> str:
    left, right = _brackets(lo, hi)
    if k == 0:
        return f"{left}{a}, {b}{right}"
    if k == 1:
        return f"\\left{left} {a}, {b} \\right{right}"
    if k == 2:
        return f"{a} {LE if lo else '<'} x {LE if hi else '<'} {b}"
    if k == 3:
        return f"x \\in {left}{a}, {b}{right}"
    return f"{b} {GE if hi else '>'} x {GE if lo else '>'} {a}"


@SETTINGS
@given(st.integers(-9, 8), st.integers(1, 9), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
       st.integers(0, 4), st.integers(0, 4))
def test_interval_brackets_are_honoured(a: int, width: int, lo1: bool, hi1: bool, lo2: bool, hi2: bool,
                                        f1: int, f2: int) -> None:
    b = a + width
    answer, reference = _form(f1, a, b, lo1, hi1), _form(f2, a, b, lo2, hi2)
    expected = (lo1, hi1) == (lo2, hi2)
    assert (check_math(answer, reference) == 1.0) == expected, (answer, reference)
