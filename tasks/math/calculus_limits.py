"""Limits and Taylor expansions."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, rpoly, x


def lim_infinity(rng: random.Random, level: int) -> tuple[str, Any]:
    d = rng.randint(1, 3)
    p, q = rpoly(rng, d), rpoly(rng, d)
    return (f"Evaluate $\\lim_{{x\\to\\infty}} \\frac{{{sp.latex(p)}}}{{{sp.latex(q)}}}$.",
            sp.Poly(p, x).LC() / sp.Poly(q, x).LC())


def lim_removable(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(-5, 5)
    p, q = (x - a) * rpoly(rng, 1), (x - a) * rpoly(rng, 1)
    val = sp.cancel(p / q).subs(x, a)
    if not val.is_finite:
        return lim_removable(rng, level)
    return (f"Evaluate $\\lim_{{x\\to {a}}} \\frac{{{sp.latex(sp.expand(p))}}}{{{sp.latex(sp.expand(q))}}}$.",
            val)


def lim_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, 1, 9), nz(rng, 1, 9)
    kind = rng.randrange(3)
    if kind == 0:
        f, val = sp.sin(a * x) / (b * x), sp.Rational(a, b)
    elif kind == 1:
        f, val = sp.tan(a * x) / sp.sin(b * x), sp.Rational(a, b)
    else:
        f, val = (1 - sp.cos(a * x)) / (b * x**2), sp.Rational(a * a, 2 * b)
    return f"Evaluate $\\lim_{{x\\to 0}} {sp.latex(f)}$.", val


def lim_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, -5, 5), nz(rng, 1, 6)
    return (f"Evaluate $\\lim_{{x\\to\\infty}} \\left(1 + \\frac{{{a}}}{{x}}\\right)^{{{b}x}}$.",
            sp.exp(a * b))


def lim_lhopital(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, 1, 6), nz(rng, 1, 6)
    f = (sp.exp(a * x) - 1 - a * x) / (b * x**2)
    return f"Evaluate $\\lim_{{x\\to 0}} {sp.latex(f)}$.", sp.Rational(a * a, 2 * b)


def lim_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(1, 9), rng.randint(-9, 9)
    c = rng.randint(-9, 9)
    f = sp.sqrt(x**2 + a * x + b) - x - c
    return f"Evaluate $\\lim_{{x\\to\\infty}} \\left({sp.latex(f)}\\right)$.", sp.Rational(a, 2) - c


def taylor_coeff(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, -3, 3)
    f = rng.choice([sp.exp(a * x), sp.sin(a * x), sp.cos(a * x), sp.log(1 + a * x), 1 / (1 - a * x),
                    sp.exp(a * x) * (1 + x)])
    m = rng.randint(2, 4 + level)
    c = sp.diff(f, x, m).subs(x, 0) / sp.factorial(m)
    if c == 0:
        return taylor_coeff(rng, level)
    return f"Find the coefficient of $x^{{{m}}}$ in the Maclaurin series of $f(x) = {sp.latex(f)}$.", c


def taylor_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, -3, 3)
    f = rng.choice([sp.exp(a * x), sp.sin(a * x) + 1, sp.cos(a * x), sp.log(1 + a * x) + 2, sp.sqrt(1 + a * x)])
    m = rng.randint(2, 3 + level)
    return (f"Find the Taylor polynomial of degree {m} of $f(x) = {sp.latex(f)}$ about $x = 0$.",
            sum(sp.diff(f, x, i).subs(x, 0) / sp.factorial(i) * x**i for i in range(m + 1)))


def taylor_about(rng: random.Random, level: int) -> tuple[str, Any]:
    c = rng.randint(1, 4)
    f = rng.choice([sp.log(x), 1 / x, sp.sqrt(x), x ** rng.randint(3, 5)])
    m = rng.randint(2, 3)
    return (f"Find the Taylor polynomial of degree {m} of $f(x) = {sp.latex(f)}$ about $x = {c}$, "
            f"written in powers of $(x - {c})$ or expanded.",
            sum(sp.diff(f, x, i).subs(x, c) / sp.factorial(i) * (x - c) ** i for i in range(m + 1)))


KINDS = {f.__name__: f for f in (lim_infinity, lim_removable, lim_trig, lim_exp, lim_lhopital, lim_sqrt,
                                 taylor_coeff, taylor_poly, taylor_about)}


class Limits(SymTask):
    """Limits and Taylor expansions, exact answers checked by equivalence."""

    kinds = KINDS


TABLE = [
    ("math/limit_rational_at_infinity", "lim_infinity", "Limit of a rational function at infinity."),
    ("math/limit_removable_discontinuity", "lim_removable", "Limit at a removable discontinuity."),
    ("math/limit_trig", "lim_trig", "Trigonometric limits at 0."),
    ("math/limit_exponential", "lim_exp", "Limit of (1 + a/x)^(bx)."),
    ("math/limit_lhopital", "lim_lhopital", "Limit needing L'Hopital's rule twice."),
    ("math/limit_sqrt_difference", "lim_sqrt", "Limit of sqrt(x^2+ax+b) - x - c at infinity."),
    ("math/taylor_coefficient", "taylor_coeff", "Coefficient of x^m in a Maclaurin series."),
    ("math/taylor_polynomial", "taylor_poly", "Maclaurin polynomial of given degree."),
    ("math/taylor_polynomial_about_point", "taylor_about", "Taylor polynomial about a point x = c."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Limits, TABLE)
