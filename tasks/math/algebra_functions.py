"""Functions and graphs: composition, inverses, domains, ranges, vertices, lines."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, rpoly, x, y


def composition(rng: random.Random, level: int) -> tuple[str, Any]:
    f, g = rpoly(rng, 2, lo=-4, hi=4), rpoly(rng, 1, lo=-6, hi=6)
    return (f"Let $f(x) = {sp.latex(f)}$ and $g(x) = {sp.latex(g)}$. Find $f(g(x))$.",
            sp.expand(f.subs(x, g)))


def composition_value(rng: random.Random, level: int) -> tuple[str, Any]:
    f, g = rpoly(rng, 2, lo=-4, hi=4), rpoly(rng, 2, lo=-4, hi=4)
    p = rng.randint(-3, 3)
    return (f"Let $f(x) = {sp.latex(f)}$ and $g(x) = {sp.latex(g)}$. Compute $g(f({p}))$.",
            g.subs(x, f.subs(x, p)))


def inverse_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -6, 6), rng.randint(-9, 9), nz(rng, 1, 5)
    f = (a * x + b) / c
    return f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {sp.latex(f)}$.", (c * x - b) / a


def inverse_rational(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b, c, d = (nz(rng, -5, 5) for _ in range(4))
        if a * d - b * c and a + d:
            break
    f = (a * x + b) / (c * x + d)
    return f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {sp.latex(f)}$.", (b - d * x) / (c * x - a)


def inverse_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, 1, 5), rng.randint(-5, 5)
    f = sp.exp(a * x) + b
    return f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {sp.latex(f)}$ (for $x > {b}$).", \
        sp.log(x - b) / a


def domain_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, -5, 5), rng.randint(-9, 9)
    v = sp.Rational(-b, a)
    dom = sp.Interval(v, sp.oo) if a > 0 else sp.Interval(-sp.oo, v)
    return (f"Find the domain of $f(x) = \\sqrt{{{sp.latex(a * x + b)}}}$ over the reals, in interval notation.",
            dom)


def domain_log_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(rng.sample(range(-6, 7), 2))
    p = sp.expand((x - r1) * (x - r2))
    if rng.random() < 0.5:
        return (f"Find the domain of $f(x) = \\ln({sp.latex(p)})$, in interval notation.",
                sp.Union(sp.Interval.open(-sp.oo, r1), sp.Interval.open(r2, sp.oo)))
    return (f"Find the domain of $f(x) = \\ln({sp.latex(sp.expand(-p))})$, in interval notation.",
            sp.Interval.open(r1, r2))


def range_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, h, k = nz(rng, -3, 3), rng.randint(-5, 5), rng.randint(-9, 9)
    f = sp.expand(a * (x - h) ** 2 + k)
    rng_set = sp.Interval(k, sp.oo) if a > 0 else sp.Interval(-sp.oo, k)
    return f"Find the range of $f(x) = {sp.latex(f)}$ over the reals, in interval notation.", rng_set


def vertex(rng: random.Random, level: int) -> tuple[str, Any]:
    a, h, k = nz(rng, -4, 4), sp.Rational(rng.randint(-9, 9), rng.choice([1, 2])), rng.randint(-9, 9)
    f = sp.expand(a * (x - h) ** 2 + k)
    return f"Find the vertex of the parabola $y = {sp.latex(f)}$, as a point $(h, k)$.", sp.Tuple(h, k)


def line_two_points(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        x1, y1, x2, y2 = (rng.randint(-9, 9) for _ in range(4))
        if x1 != x2:
            break
    m = sp.Rational(y2 - y1, x2 - x1)
    return (f"Find the equation of the line through $({x1}, {y1})$ and $({x2}, {y2})$.",
            sp.Eq(y, m * x + y1 - m * x1))


def perpendicular_line(rng: random.Random, level: int) -> tuple[str, Any]:
    m = sp.Rational(nz(rng, -6, 6), nz(rng, 1, 4))
    b = rng.randint(-9, 9)
    px, py = rng.randint(-6, 6), rng.randint(-6, 6)
    return (f"Find the equation of the line through $({px}, {py})$ perpendicular to $y = {sp.latex(m * x + b)}$.",
            sp.Eq(y, -(x - px) / m + py))


def parallel_line(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -6, 6), nz(rng, -6, 6), rng.randint(-9, 9)
    px, py = rng.randint(-6, 6), rng.randint(-6, 6)
    return (f"Find the equation of the line through $({px}, {py})$ parallel to ${sp.latex(a * x + b * y)} = {c}$.",
            sp.Eq(a * x + b * y, a * px + b * py))


def slope(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9, 9), nz(rng, -9, 9), rng.randint(-9, 9)
    return f"Find the slope of the line ${sp.latex(a * x + b * y)} = {c}$.", sp.Rational(-a, b)


def intercepts(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9, 9), nz(rng, -9, 9), nz(rng, -20, 20)
    return (f"Find the $x$-intercept and $y$-intercept of ${sp.latex(a * x + b * y)} = {c}$, as the pair "
            "$(x\\text{-intercept}, y\\text{-intercept})$."), sp.Tuple(sp.Rational(c, a), sp.Rational(c, b))


def eval_piecewise(rng: random.Random, level: int) -> tuple[str, Any]:
    c = rng.randint(-3, 3)
    f1, f2 = rpoly(rng, 2, lo=-4, hi=4), rpoly(rng, 1, lo=-6, hi=6)
    p = rng.randint(-6, 6)
    val = f1.subs(x, p) if p < c else f2.subs(x, p)
    return (f"Let $f(x) = {sp.latex(f1)}$ for $x < {c}$ and $f(x) = {sp.latex(f2)}$ for $x \\ge {c}$. "
            f"Find $f({p})$."), val


def exponent_rules(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = (rng.randint(1, 6) for _ in range(4))
    e = rng.randint(2, 3)
    num = sp.Mul(sp.Pow(x, a), sp.Pow(y, b), evaluate=False)
    den = sp.Mul(sp.Pow(x, c), sp.Pow(y, d), evaluate=False)
    return (f"Simplify $\\left(\\frac{{{sp.latex(num)}}}{{{sp.latex(den)}}}\\right)^{{{e}}}$ to a single "
            "monomial (negative exponents allowed).", x ** (e * (a - c)) * y ** (e * (b - d)))


KINDS = {f.__name__: f for f in (composition, composition_value, inverse_linear, inverse_rational, inverse_exp,
                                 domain_sqrt, domain_log_quadratic, range_quadratic, vertex, line_two_points,
                                 perpendicular_line, parallel_line, slope, intercepts, eval_piecewise,
                                 exponent_rules)}


class Functions(SymTask):
    """Functions and graphs, exact answers checked by equivalence."""

    kinds = KINDS


TABLE = [
    ("math/function_composition", "composition", "Composition f(g(x)) of polynomials."),
    ("math/composition_value", "composition_value", "Value of g(f(p))."),
    ("math/inverse_linear_function", "inverse_linear", "Inverse of a linear function."),
    ("math/inverse_rational_function", "inverse_rational", "Inverse of a Mobius function (ax+b)/(cx+d)."),
    ("math/inverse_exponential_function", "inverse_exp", "Inverse of e^(ax)+b."),
    ("math/domain_of_sqrt", "domain_sqrt", "Domain of sqrt(ax+b) as an interval."),
    ("math/domain_of_log", "domain_log_quadratic", "Domain of ln(quadratic) as intervals."),
    ("math/range_of_quadratic", "range_quadratic", "Range of a quadratic as an interval."),
    ("math/parabola_vertex", "vertex", "Vertex of a parabola as a point."),
    ("math/line_through_points", "line_two_points", "Equation of a line through two points."),
    ("math/perpendicular_line", "perpendicular_line", "Line through a point perpendicular to a line."),
    ("math/parallel_line", "parallel_line", "Line through a point parallel to a line."),
    ("math/line_slope", "slope", "Slope of a line given in standard form."),
    ("math/line_intercepts", "intercepts", "Intercepts of a line as a pair."),
    ("math/piecewise_value", "eval_piecewise", "Evaluate a piecewise function."),
    ("math/exponent_rules", "exponent_rules", "Simplify with exponent rules."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Functions, TABLE)
