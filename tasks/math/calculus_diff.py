"""Differential calculus: derivatives of many kinds, partials, tangent lines, critical points.

Every generator reads ``level`` (1 the easiest): higher levels bring higher degrees, bigger
coefficients, more terms and deeper nesting.
"""

from __future__ import annotations

import math
import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, distinct_roots, nz, register_kinds, rpoly, rpoly_at, span, x, y


def _d(f: sp.Expr, var: sp.Symbol = x, order: int = 1) -> sp.Expr:
    return sp.diff(f, var, order)


def _ask(f: sp.Expr, what: str = "Find the derivative with respect to $x$ of") -> str:
    return f"{what} $f(x) = {sp.latex(f)}$."


def deriv_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, rng.randint(2 if level == 1 else 1 + level, 3 + level), level)
    return _ask(f), _d(f)


def deriv_product(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(1, 1 + level)
    g = rng.choice([sp.sin(a * x), sp.cos(a * x), sp.exp(a * x), sp.log(x), sp.exp(-a * x)])
    f = rpoly_at(rng, rng.randint(level, level + 1), level, base=9)
    if level >= 4:  # a third factor: the product rule twice
        f *= rng.choice([sp.sin(x), sp.cos(x), sp.exp(x)])
    return _ask(f * g), _d(f * g)


def deriv_quotient(rng: random.Random, level: int) -> tuple[str, Any]:
    num = rpoly_at(rng, rng.randint(1, level + 1), level, base=9)
    den = x ** (2 if level < 4 else 3) + rng.randint(-level + 1, level - 1) * x + rng.randint(1, 9 * level)
    return _ask(num / den), _d(num / den)


def deriv_chain(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, rng.randint(1, 2), level, base=6)
    for _ in range(1 + (level - 1) // 2):  # one composition at levels 1-2, two at 3-4, three at 5
        outer = rng.choice([lambda u: u ** rng.randint(2, 5 + level), sp.sin, sp.cos, sp.exp, sp.sqrt,
                            lambda u: u ** sp.Rational(rng.choice([1, 2, 4, 5]), 3)])
        f = nz(rng, -3 * level, 3 * level) * outer(f)
    return _ask(f), _d(f)


def deriv_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    f = sum(nz(rng, -5 * level, 5 * level) * x ** rng.randint(0, level - 1) * sp.exp(nz(rng, -6, 6) * x + rng.randint(-3, 3))
            for _ in range(level))
    f += nz(rng, -5, 5) * rng.randint(2, 9) ** x
    return _ask(f), _d(f)


def deriv_log(rng: random.Random, level: int) -> tuple[str, Any]:
    inner = rpoly(rng, rng.randint(2, level + 1), lo=1, hi=9)
    f = nz(rng, -5, 5) * sp.log(inner) + nz(rng, -5 * level, 5 * level) * sp.log(x) ** rng.randint(1, level) / \
        x ** rng.randint(1, level)
    return _ask(f), _d(f)


def deriv_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    trig = [sp.tan, sp.sec, sp.sin, sp.cos]
    f = nz(rng, -9, 9) * rng.choice(trig)(rng.randint(1, 9) * x) ** rng.randint(1, level) * \
        rng.choice([sp.cos, sp.sin, lambda u: 1])(rng.randint(1, 9) * x)
    for _ in range(level):
        f += nz(rng, -9, 9) * rng.choice(trig)(rng.randint(1, 9) * x)
    return _ask(f), _d(f)


def deriv_inverse_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(1, 6 + level)
    arg = (x + rng.randint(-level + 1, level - 1)) / a
    f = nz(rng, -9, 9) * rng.choice([sp.atan, sp.asin, sp.acos])(arg) + \
        nz(rng, -9, 9) * sp.atan(rng.randint(1, 9) * x) * x ** rng.randint(1, level)
    return _ask(f), _d(f)


def deriv_second(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(2 + level, 4 + level)) + nz(rng, -3, 3) * rng.choice(
        [sp.exp(x), sp.sin(x), sp.log(x)])
    if level > 1:
        f += nz(rng, -level, level) * x ** rng.randint(1, level) * sp.exp(rng.randint(1, level) * x)
    return _ask(f, "Find the second derivative $f''(x)$ of"), _d(f, x, 2)


def deriv_nth(rng: random.Random, level: int) -> tuple[str, Any]:
    order = rng.randint(3, 4 + level)
    pool = [sp.exp(nz(rng, -3, 3) * x), sp.sin(rng.randint(1, 4) * x), sp.cos(rng.randint(1, 4) * x),
            x ** rng.randint(order, order + 3), sp.log(x)]
    f = sum(nz(rng, -9, 9) * g for g in rng.sample(pool, 1 + (level + 1) // 2))
    return _ask(f, f"Find the derivative of order {order} of"), _d(f, x, order)


def deriv_at_point(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, 2 + level, level, step=1) + nz(rng, -3, 3) * sp.exp(x - 1)
    if level > 1:
        f += nz(rng, -level, level) * sp.sin(sp.pi * x / rng.choice([2, 3, 6])) * x ** (level - 1)
    p = rng.randint(-3, 3)
    return _ask(f, f"Evaluate $f'({p})$ for"), _d(f).subs(x, p)


def deriv_log_diff(rng: random.Random, level: int) -> tuple[str, Any]:
    base = rpoly(rng, rng.randint(1, level), lo=1, hi=9)
    if rng.random() < 0.5:
        base = base - base.subs(x, 0)  # x-power bases too: x^(x), 3x^(...)
    b = rng.randint(1, 9)
    g = rng.choice([b * x + rng.randint(0, 5), sp.sin(b * x), sp.cos(b * x), b * sp.log(x), x ** b])
    if level >= 3:
        g *= x + rng.randint(1, 9)
    f = nz(rng, -9, 9) * base ** g
    if level >= 4:
        f += nz(rng, -9, 9) * (x + rng.randint(1, 9)) ** rng.choice([sp.sqrt(x), sp.exp(x), x ** 2])
    return _ask(f, "Using logarithmic differentiation, find the derivative (for $x>0$) of"), _d(f)


_IMPLICIT_TERMS = [x**3, x * y**2, y**2, x**2 * y, y**4, x**3 * y, x * y**3, x**4]


def implicit(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        F = nz(rng, 1, 9) * x**2 + nz(rng, -9, 9) * x * y + nz(rng, 1, 9) * y**3
        for term in rng.sample(_IMPLICIT_TERMS, level - 1):
            F += nz(rng, -span(level, 2, 2), span(level, 2, 2)) * term
        px, py = rng.randint(-3, 3), nz(rng, -3, 3)
        value = F.subs({x: px, y: py})
        slope = (-sp.diff(F, x) / sp.diff(F, y)).subs({x: px, y: py})
        if not slope.has(sp.zoo, sp.nan):
            break
    return (f"The curve ${sp.latex(F)} = {value}$ passes through $({px}, {py})$. "
            "Find $dy/dx$ at that point."), slope


def _two_var(rng: random.Random, level: int, mixed: bool) -> sp.Expr:
    a, b = rng.randint(1, 5), rng.randint(1, 5)
    f = nz(rng, -9, 9) * x ** rng.randint(1, 3 + level) * y ** rng.randint(1, 2 + level)
    pool = [sp.exp(a * x * y), sp.sin(a * x + b * y), sp.log(x**2 + b * y**2), a * x / y] if not mixed else \
        [sp.exp(a * x * y), sp.sin(a * x * y), a * x * sp.log(b * y), sp.cos(a * x + b * y)]
    for g in rng.sample(pool, 1 + (level - 1) // 2):
        f += nz(rng, -9, 9) * g
    for _ in range(level - 1):
        f += nz(rng, -9, 9) * x ** rng.randint(0, level) * y ** rng.randint(1, level)
    return f


def partial_x(rng: random.Random, level: int) -> tuple[str, Any]:
    f = _two_var(rng, level, False)
    var = rng.choice([x, y])
    return f"Find the partial derivative $\\partial f/\\partial {var}$ of $f(x, y) = {sp.latex(f)}$.", sp.diff(f, var)


def partial_mixed(rng: random.Random, level: int) -> tuple[str, Any]:
    f = _two_var(rng, level, True)
    return f"Find the mixed partial derivative $\\partial^2 f/\\partial x \\partial y$ of $f(x, y) = {sp.latex(f)}$.", \
        sp.diff(f, x, y)


def gradient(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, 1 + level, level, step=1) + nz(rng, -3 - level, 3 + level) * x**level * y + \
        nz(rng, -3 - level, 3 + level) * y ** (level + 1)
    px, py = rng.randint(-3, 3), rng.randint(-3, 3)
    g = [sp.diff(f, v).subs({x: px, y: py}) for v in (x, y)]
    return (f"Find the gradient of $f(x, y) = {sp.latex(f)}$ at the point $({px}, {py})$, "
            "as a vector $(f_x, f_y)$."), sp.Tuple(*g)


def tangent_line(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, rng.randint(1 + level, 2 + level), level, step=1)
    p = rng.randint(-2 - level, 2 + level)
    m, c = _d(f).subs(x, p), f.subs(x, p)
    return (f"Find the equation of the tangent line to $y = {sp.latex(f)}$ at $x = {p}$, "
            "in the form $y = mx + b$."), sp.Eq(y, sp.expand(m * (x - p) + c))


def normal_line(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        f = rpoly_at(rng, rng.randint(1 + level, 2 + level), level, base=6, step=1)
        p = rng.randint(-2 - level, 2 + level)
        m = _d(f).subs(x, p)
        if m != 0:
            break
    return (f"Find the equation of the normal line to $y = {sp.latex(f)}$ at $x = {p}$, "
            "in the form $y = mx + b$."), sp.Eq(y, sp.expand(-(x - p) / m + f.subs(x, p)))


def _with_roots_of(rng: random.Random, level: int, times: int) -> tuple[sp.Expr, list[sp.Rational]]:
    """A polynomial whose ``times``-th derivative has the drawn distinct rational roots (and no others)."""
    count = 2 + (level - 1) // 2  # 2 roots at levels 1-2, 3 at 3-4, 4 at 5
    roots = distinct_roots(rng, count, 5 + level, 1 + level // 2)
    deriv = sp.Poly(sp.prod([sp.denom(r) * x - sp.numer(r) for r in roots]), x)
    for _ in range(times):
        deriv = deriv.integrate()
    scale = math.lcm(*(int(sp.denom(c)) for c in deriv.all_coeffs()))
    f = nz(rng, -3, 3) * scale * deriv.as_expr() + rng.randint(-9 * level, 9 * level) * x ** (times - 1)
    return sp.expand(f), roots


def critical_points(rng: random.Random, level: int) -> tuple[str, Any]:
    f, roots = _with_roots_of(rng, level, 1)
    return (f"Find all critical points (the $x$-values where $f'(x)=0$) of $f(x) = {sp.latex(f)}$, "
            "as a set $\\{\\dots\\}$."), sp.FiniteSet(*roots)


def inflection_points(rng: random.Random, level: int) -> tuple[str, Any]:
    f, roots = _with_roots_of(rng, level, 2)
    return (f"Find the $x$-coordinates of all inflection points of $f(x) = {sp.latex(f)}$, as a set "
            "$\\{\\dots\\}$."), sp.FiniteSet(*roots)


def abs_max(rng: random.Random, level: int) -> tuple[str, Any]:
    s = span(level, 4, 2)
    a, b, c = nz(rng, -2, 2), rng.randint(-s, s), rng.randint(-s, s)
    f = rng.randint(-9 * level, 9 * level) + sp.Poly(a * (x - b) * (x - c), x).integrate().as_expr() * 3
    lo = rng.randint(-s, 0)
    hi = lo + rng.randint(2, 4 + level)
    cands = [v for v in {lo, hi, b, c} if lo <= v <= hi]
    best = max(f.subs(x, v) for v in cands)
    return f"Find the absolute maximum value of $f(x) = {sp.latex(f)}$ on $[{lo}, {hi}]$.", best


KINDS = {f.__name__: f for f in (
    deriv_poly, deriv_product, deriv_quotient, deriv_chain, deriv_exp, deriv_log, deriv_trig, deriv_inverse_trig,
    deriv_second, deriv_nth, deriv_at_point, deriv_log_diff, implicit, partial_x, partial_mixed, gradient,
    tangent_line, normal_line, critical_points, inflection_points, abs_max)}


class Differentiation(SymTask):
    """Differential calculus questions with a symbolic answer checked by equivalence."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"deriv_inverse_trig", "deriv_nth", "deriv_chain"})

    version = 4
    kinds = KINDS


TABLE = [
    ("math/derivative_polynomial", "deriv_poly", "Derivative of a polynomial."),
    ("math/derivative_product_rule", "deriv_product", "Derivative of a product (product rule)."),
    ("math/derivative_quotient_rule", "deriv_quotient", "Derivative of a quotient (quotient rule)."),
    ("math/derivative_chain_rule", "deriv_chain", "Derivative of a composition (chain rule)."),
    ("math/derivative_exponential", "deriv_exp", "Derivative of exponential functions."),
    ("math/derivative_logarithmic", "deriv_log", "Derivative of logarithmic functions."),
    ("math/derivative_trig", "deriv_trig", "Derivative of trigonometric products."),
    ("math/derivative_inverse_trig", "deriv_inverse_trig", "Derivative of inverse trigonometric functions."),
    ("math/second_derivative", "deriv_second", "Second derivative of a function."),
    ("math/higher_derivative", "deriv_nth", "Derivative of order n."),
    ("math/derivative_at_point", "deriv_at_point", "Value of a derivative at a point."),
    ("math/logarithmic_differentiation", "deriv_log_diff", "Derivative of f(x)^g(x) by logarithmic differentiation."),
    ("math/implicit_derivative", "implicit", "Slope dy/dx of an implicit curve at a point."),
    ("math/partial_derivative", "partial_x", "Partial derivative of a function of two variables."),
    ("math/mixed_partial_derivative", "partial_mixed", "Mixed second partial derivative."),
    ("math/gradient_at_point", "gradient", "Gradient of a function of two variables at a point."),
    ("math/tangent_line", "tangent_line", "Equation of the tangent line to a curve (compared as equations)."),
    ("math/normal_line", "normal_line", "Equation of the normal line to a curve (compared as equations)."),
    ("math/critical_points", "critical_points", "Critical points of a cubic, as a set."),
    ("math/inflection_points", "inflection_points", "Inflection points of a quartic, as a set."),
    ("math/absolute_maximum", "abs_max", "Absolute maximum of a cubic on a closed interval."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Differentiation, TABLE)
