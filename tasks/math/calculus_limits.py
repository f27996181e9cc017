"""Limits and Taylor expansions.

Every generator reads ``level`` (1 the easiest): higher levels bring more factors, higher
orders, bigger coefficients and products of functions.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, rpoly_at, x


def lim_infinity(rng: random.Random, level: int) -> tuple[str, Any]:
    d = rng.randint(level, level + 2)
    p, q = rpoly_at(rng, d, level), rpoly_at(rng, d, level)
    return (f"Evaluate $\\lim_{{x\\to\\infty}} \\frac{{{sp.latex(p)}}}{{{sp.latex(q)}}}$.",
            sp.Poly(p, x).LC() / sp.Poly(q, x).LC())


def lim_removable(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(-4 - level, 4 + level)
    deg = 1 + (level - 1) // 2
    p, q = (x - a) * rpoly_at(rng, deg, level), (x - a) * rpoly_at(rng, deg, level)
    val = sp.cancel(p / q).subs(x, a)
    if not val.is_finite:
        return lim_removable(rng, level)
    return (f"Evaluate $\\lim_{{x\\to {a}}} \\frac{{{sp.latex(sp.expand(p))}}}{{{sp.latex(sp.expand(q))}}}$.",
            val)


def _small_factor(rng: random.Random, bound: int) -> tuple[sp.Expr, int, sp.Expr]:
    """A factor vanishing at 0: (expression, order of its zero, leading coefficient)."""
    a = rng.randint(1, bound)
    return rng.choice([(sp.sin(a * x), 1, sp.Integer(a)), (sp.tan(a * x), 1, sp.Integer(a)),
                       (1 - sp.cos(a * x), 2, sp.Rational(a * a, 2)), (sp.exp(a * x) - 1, 1, sp.Integer(a)),
                       (sp.log(1 + a * x), 1, sp.Integer(a)), (sp.atan(a * x), 1, sp.Integer(a))])


def lim_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    count = 1 + level // 2  # factors in the numerator; the denominator gets one fewer and a power of x
    num = [_small_factor(rng, 4 + 2 * level) for _ in range(count)]
    den = [_small_factor(rng, 4 + 2 * level) for _ in range(count - 1 + rng.randint(0, 1))]
    c, d = rng.randint(1, 9), rng.randint(1, 9)
    gap = sum(o for _, o, _ in num) - sum(o for _, o, _ in den)
    top = c * sp.Mul(*[e for e, _, _ in num]) * (x ** -gap if gap < 0 else 1)
    bottom = d * sp.Mul(*[e for e, _, _ in den]) * (x**gap if gap > 0 else 1)
    val = sp.Rational(c, d) * sp.Mul(*[k for _, _, k in num]) / sp.Mul(*[k for _, _, k in den])
    return f"Evaluate $\\lim_{{x\\to 0}} \\frac{{{sp.latex(top)}}}{{{sp.latex(bottom)}}}$.", val


def lim_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = nz(rng, -9, 9), rng.randint(1, 9), rng.randint(1, 9), rng.randint(-9, 9)
    if level == 1:
        base, rate = f"1 + \\frac{{{a}}}{{{c if c > 1 else ''}x}}", sp.Rational(a, c)
    else:  # ((c x^k + a x^(k-1) + ...) / (c x^k + e x^(k-1) + ...))^(bx + d)  ->  e^{b (a - e) / c}
        k = level
        e = rng.randint(-9 * level, 9 * level)
        lower = rpoly_at(rng, k - 2, level) if k >= 2 else 0
        num = sp.expand(c * x**k + a * x ** (k - 1) + lower)
        den = sp.expand(c * x**k + e * x ** (k - 1) + lower + (rng.randint(1, 9) if k >= 2 else 0))
        base, rate = f"\\frac{{{sp.latex(num)}}}{{{sp.latex(den)}}}", sp.Rational(a - e, c)
        if rate == 0:
            return lim_exp(rng, level)
    return (f"Evaluate $\\lim_{{x\\to\\infty}} \\left({base}\\right)^{{{sp.latex(b * x + d)}}}$.",
            sp.exp(b * rate))


_TAYLOR = [lambda a: sp.exp(a * x), lambda a: sp.sin(a * x), lambda a: sp.cos(a * x),
           lambda a: sp.log(1 + a * x), lambda a: sp.atan(a * x), lambda a: 1 / (1 - a * x)]


def lim_lhopital(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, k = nz(rng, -3 - level, 3 + level), rng.randint(2, 1 + level) if level > 1 else 2
        g = rng.choice(_TAYLOR)(a)
        if level >= 4:
            g *= rng.choice(_TAYLOR)(nz(rng, -3, 3))
        series = sp.series(g, x, 0, k + 1).removeO()
        coeff = series.coeff(x, k)
        if coeff != 0:
            break
    m, c = nz(rng, -9, 9), rng.randint(1, 9)
    num = m * (g - sum(series.coeff(x, i) * x**i for i in range(k)))
    return (f"Evaluate $\\lim_{{x\\to 0}} \\frac{{{sp.latex(num)}}}{{{sp.latex(c * x**k)}}}$.",
            m * coeff / c)


def lim_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    p = rng.randint(1, 2 + level)
    a, b = rng.randint(1, 20 * level), rng.randint(-9 * level, 9 * level)
    c = rng.randint(-9 * level, 9 * level)
    f = sp.sqrt(p * p * x**2 + a * x + b) - p * x - c
    return f"Evaluate $\\lim_{{x\\to\\infty}} \\left({sp.latex(f)}\\right)$.", sp.Rational(a, 2 * p) - c


def _taylor_function(rng: random.Random, level: int) -> sp.Expr:
    """A sum of two scaled elementary functions, or a product of two from level 3 on."""
    f = nz(rng, -9, 9) * rng.choice(_TAYLOR)(nz(rng, -3, 3))
    other = rng.choice(_TAYLOR)(nz(rng, -3, 3))
    return f * other if level >= 3 else f + nz(rng, -9, 9) * other


def taylor_coeff(rng: random.Random, level: int) -> tuple[str, Any]:
    f = _taylor_function(rng, level)
    m = rng.randint(2, 3 + level)
    c = sp.series(f, x, 0, m + 1).removeO().coeff(x, m)
    if c == 0:
        return taylor_coeff(rng, level)
    return f"Find the coefficient of $x^{{{m}}}$ in the Maclaurin series of $f(x) = {sp.latex(f)}$.", c


def taylor_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    f = _taylor_function(rng, level)
    m = rng.randint(2, 2 + level)
    return (f"Find the Taylor polynomial of degree {m} of $f(x) = {sp.latex(f)}$ about $x = 0$.",
            sp.series(f, x, 0, m + 1).removeO())


def taylor_about(rng: random.Random, level: int) -> tuple[str, Any]:
    c = rng.randint(1, 4 + level)
    pool = [sp.log(x), 1 / x, sp.sqrt(x), x ** rng.randint(3, 5), sp.exp(x), 1 / x**2, sp.cbrt(x)]
    f = sum(nz(rng, -9, 9) * g for g in rng.sample(pool, 1 + (level + 1) // 2))
    m = rng.randint(2, 2 + (level + 1) // 2)
    return (f"Find the Taylor polynomial of degree {m} of $f(x) = {sp.latex(f)}$ about $x = {c}$, "
            f"written in powers of $(x - {c})$ or expanded.",
            sum(sp.diff(f, x, i).subs(x, c) / sp.factorial(i) * (x - c) ** i for i in range(m + 1)))


KINDS = {f.__name__: f for f in (lim_infinity, lim_removable, lim_trig, lim_exp, lim_lhopital, lim_sqrt,
                                 taylor_coeff, taylor_poly, taylor_about)}


class Limits(SymTask):
    """Limits and Taylor expansions, exact answers checked by equivalence."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"lim_lhopital", "lim_removable", "taylor_coeff", "taylor_poly", "taylor_about"})

    version = 4
    kinds = KINDS


TABLE = [
    ("math/limit_rational_at_infinity", "lim_infinity", "Limit of a rational function at infinity."),
    ("math/limit_removable_discontinuity", "lim_removable", "Limit at a removable discontinuity."),
    ("math/limit_trig", "lim_trig", "Limits at 0 of products and quotients of trigonometric, exponential and logarithmic factors."),
    ("math/limit_exponential", "lim_exp", "Limit of (1 + a/x)^(bx) and of ratios of polynomials raised to a linear power."),
    ("math/limit_lhopital", "lim_lhopital", "Limit of a Taylor remainder over x^k (L'Hopital's rule k times)."),
    ("math/limit_sqrt_difference", "lim_sqrt", "Limit of sqrt(x^2+ax+b) - x - c at infinity."),
    ("math/taylor_coefficient", "taylor_coeff", "Coefficient of x^m in a Maclaurin series."),
    ("math/taylor_polynomial", "taylor_poly", "Maclaurin polynomial of given degree."),
    ("math/taylor_polynomial_about_point", "taylor_about", "Taylor polynomial about a point x = c."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Limits, TABLE)
