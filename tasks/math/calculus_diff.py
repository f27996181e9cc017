"""Differential calculus: derivatives of many kinds, partials, tangent lines, critical points."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, rpoly, x, y


def _d(f: sp.Expr, var: sp.Symbol = x, order: int = 1) -> sp.Expr:
    return sp.diff(f, var, order)


def _ask(f: sp.Expr, what: str = "Find the derivative with respect to $x$ of") -> str:
    return f"{what} $f(x) = {sp.latex(f)}$."


def deriv_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(2, 3 + level))
    return _ask(f), _d(f)


def deriv_product(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(1, 2)) * rng.choice([sp.sin(x), sp.cos(x), sp.exp(x), sp.log(x)])
    return _ask(f), _d(f)


def deriv_quotient(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(1, 2)) / (x**2 + rng.randint(1, 9))
    return _ask(f), _d(f)


def deriv_chain(rng: random.Random, level: int) -> tuple[str, Any]:
    inner = rpoly(rng, rng.randint(1, 2))
    outer = rng.choice([lambda u: u ** rng.randint(3, 6), sp.sin, sp.cos, sp.exp, sp.sqrt])
    f = outer(inner)
    return _ask(f), _d(f)


def deriv_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, -4, 4), nz(rng, -5, 5)
    f = b * sp.exp(a * x) + rng.randint(2, 9) ** x
    return _ask(f), _d(f)


def deriv_log(rng: random.Random, level: int) -> tuple[str, Any]:
    f = sp.log(rpoly(rng, 2, lo=1, hi=6)) + nz(rng, -5, 5) * sp.log(x) / x
    return _ask(f), _d(f)


def deriv_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, 1, 5), nz(rng, 1, 5)
    f = rng.choice([sp.tan, sp.sec, sp.sin])(a * x) * rng.choice([sp.cos, sp.sin, lambda u: 1])(b * x)
    return _ask(f), _d(f)


def deriv_inverse_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, 1, 6)
    f = rng.choice([sp.atan, sp.asin, sp.acos])(x / a) * rng.randint(1, 5) + rng.randint(1, 4) * sp.atan(x) * x
    return _ask(f), _d(f)


def deriv_second(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(3, 5)) + nz(rng, -3, 3) * rng.choice([sp.exp(x), sp.sin(x), sp.log(x)])
    return _ask(f, "Find the second derivative $f''(x)$ of"), _d(f, x, 2)


def deriv_nth(rng: random.Random, level: int) -> tuple[str, Any]:
    order = rng.randint(3, 5 + level)
    f = rng.choice([sp.exp(nz(rng, -3, 3) * x), sp.sin(nz(rng, 1, 3) * x), x ** rng.randint(order, order + 3)])
    return _ask(f, f"Find the derivative of order {order} of"), _d(f, x, order)


def deriv_at_point(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, 3) + nz(rng, -3, 3) * sp.exp(x - 1)
    p = rng.randint(-3, 3)
    return _ask(f, f"Evaluate $f'({p})$ for"), _d(f).subs(x, p)


def deriv_log_diff(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(1, 4)
    f = x ** (a * x) if rng.random() < 0.5 else (x ** 2 + a) ** sp.sin(x)
    return _ask(f, "Using logarithmic differentiation, find the derivative (for $x>0$) of"), _d(f)


def implicit(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, 1, 5), nz(rng, -5, 5), nz(rng, 1, 5)
    F = a * x**2 + b * x * y + c * y**3
    px, py = rng.randint(-3, 3), nz(rng, -3, 3)
    value = F.subs({x: px, y: py})
    slope = (-sp.diff(F, x) / sp.diff(F, y)).subs({x: px, y: py})
    if slope.has(sp.zoo, sp.nan):
        return implicit(rng, level)
    return (f"The curve ${sp.latex(F)} = {value}$ passes through $({px}, {py})$. "
            "Find $dy/dx$ at that point."), slope


def partial_x(rng: random.Random, level: int) -> tuple[str, Any]:
    f = nz(rng, -5, 5) * x ** rng.randint(1, 4) * y ** rng.randint(1, 3) + rng.choice(
        [sp.exp(x * y), sp.sin(x + y), sp.log(x**2 + y**2), x / y])
    var = rng.choice([x, y])
    return f"Find the partial derivative $\\partial f/\\partial {var}$ of $f(x, y) = {sp.latex(f)}$.", sp.diff(f, var)


def partial_mixed(rng: random.Random, level: int) -> tuple[str, Any]:
    f = nz(rng, -5, 5) * x ** rng.randint(1, 4) * y ** rng.randint(1, 4) + rng.choice(
        [sp.exp(x * y), sp.sin(x * y), x * sp.log(y)])
    return f"Find the mixed partial derivative $\\partial^2 f/\\partial x \\partial y$ of $f(x, y) = {sp.latex(f)}$.", \
        sp.diff(f, x, y)


def gradient(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, 2) + nz(rng, -4, 4) * x * y + nz(rng, -4, 4) * y**2
    px, py = rng.randint(-3, 3), rng.randint(-3, 3)
    g = [sp.diff(f, v).subs({x: px, y: py}) for v in (x, y)]
    return (f"Find the gradient of $f(x, y) = {sp.latex(f)}$ at the point $({px}, {py})$, "
            "as a vector $(f_x, f_y)$."), sp.Tuple(*g)


def tangent_line(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(2, 3))
    p = rng.randint(-3, 3)
    m, c = _d(f).subs(x, p), f.subs(x, p)
    return (f"Find the equation of the tangent line to $y = {sp.latex(f)}$ at $x = {p}$, "
            "in the form $y = mx + b$."), sp.Eq(y, sp.expand(m * (x - p) + c))


def normal_line(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        f = rpoly(rng, 2)
        p = rng.randint(-3, 3)
        m = _d(f).subs(x, p)
        if m != 0:
            break
    return (f"Find the equation of the normal line to $y = {sp.latex(f)}$ at $x = {p}$, "
            "in the form $y = mx + b$."), sp.Eq(y, sp.expand(-(x - p) / m + f.subs(x, p)))


def critical_points(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = rng.sample(range(-5, 6), 2)
    a = nz(rng, -3, 3)
    f = sp.Poly(3 * a * (x - r1) * (x - r2), x).integrate().as_expr() + rng.randint(-9, 9)
    return (f"Find all critical points (the $x$-values where $f'(x)=0$) of $f(x) = {sp.latex(sp.expand(f))}$, "
            "as a set $\\{\\dots\\}$."), sp.FiniteSet(r1, r2)


def inflection_points(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = rng.sample(range(-4, 5), 2)
    a = nz(rng, -2, 2)
    f = sp.Poly(12 * a * (x - r1) * (x - r2), x).integrate().integrate().as_expr() + rng.randint(-5, 5) * x
    return (f"Find the $x$-coordinates of all inflection points of $f(x) = {sp.latex(f)}$, as a set "
            "$\\{\\dots\\}$."), sp.FiniteSet(r1, r2)


def abs_max(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -2, 2), rng.randint(-4, 4), rng.randint(-4, 4)
    f = rpoly(rng, 0) + sp.Poly(a * (x - b) * (x - c), x).integrate().as_expr() * 3
    lo = rng.randint(-4, 0)
    hi = lo + rng.randint(2, 5)
    cands = [v for v in {lo, hi, b, c} if lo <= v <= hi]
    best = max(f.subs(x, v) for v in cands)
    return f"Find the absolute maximum value of $f(x) = {sp.latex(f)}$ on $[{lo}, {hi}]$.", best


KINDS = {f.__name__: f for f in (
    deriv_poly, deriv_product, deriv_quotient, deriv_chain, deriv_exp, deriv_log, deriv_trig, deriv_inverse_trig,
    deriv_second, deriv_nth, deriv_at_point, deriv_log_diff, implicit, partial_x, partial_mixed, gradient,
    tangent_line, normal_line, critical_points, inflection_points, abs_max)}


class Differentiation(SymTask):
    """Differential calculus questions with a symbolic answer checked by equivalence."""

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
