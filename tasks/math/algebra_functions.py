"""Functions and graphs: composition, inverses, domains, ranges, vertices, lines.

Every generator reads ``level`` (1 the easiest): higher levels bring bigger coefficients,
higher degrees, fractions and more steps.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, distinct_roots, frac_root, nz, register_kinds, rpoly_at, x, y


def composition(rng: random.Random, level: int) -> tuple[str, Any]:
    f, g = rpoly_at(rng, 1 + (level + 1) // 2, level, base=4, step=1), rpoly_at(rng, 1 + level // 3, level, base=6)
    return (f"Let $f(x) = {sp.latex(f)}$ and $g(x) = {sp.latex(g)}$. Find $f(g(x))$.",
            sp.expand(f.subs(x, g)))


def composition_value(rng: random.Random, level: int) -> tuple[str, Any]:
    f, g = rpoly_at(rng, 1 + (level + 1) // 2, level, base=4, step=1), rpoly_at(rng, 2, level, base=4, step=1)
    p = rng.randint(-3, 3)
    if level >= 4:  # three functions deep
        h = rpoly_at(rng, 1, level, base=4)
        return (f"Let $f(x) = {sp.latex(f)}$, $g(x) = {sp.latex(g)}$ and $h(x) = {sp.latex(h)}$. "
                f"Compute $h(g(f({p})))$."), h.subs(x, g.subs(x, f.subs(x, p)))
    return (f"Let $f(x) = {sp.latex(f)}$ and $g(x) = {sp.latex(g)}$. Compute $g(f({p}))$.",
            g.subs(x, f.subs(x, p)))


def inverse_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9 * level, 9 * level), rng.randint(-20 * level, 20 * level), nz(rng, 1, 5 * level)
    e = nz(rng, -9 * level, 9 * level) if level >= 4 else 0  # a shifted fraction at levels 4-5
    f = (a * x + b) / c
    text = sp.latex(f) + (f" {'+' if e > 0 else '-'} {abs(e)}" if e else "")
    return f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {text}$.", (c * (x - e) - b) / a


def inverse_rational(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 5 * 2 ** (level - 1)
    while True:
        a, b, c, d = (nz(rng, -s, s) for _ in range(4))
        if a * d - b * c and a + d:
            break
    f = (a * x + b) / (c * x + d)
    return f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {sp.latex(f)}$.", (b - d * x) / (c * x - a)


def inverse_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9, 9), rng.randint(-20 * level, 20 * level), rng.randint(1, 5 * level)
    d = rng.randint(-3 * level, 3 * level)
    f = c * sp.exp(a * x + d) + b
    return (f"Find the inverse function $f^{{-1}}(x)$ of $f(x) = {sp.latex(f)}$ (for $x > {b}$).",
            (sp.log((x - b) / c) - d) / a)


def domain_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = nz(rng, -9 * level, 9 * level), rng.randint(-20 * level, 20 * level)
    c = nz(rng, -9, 9)
    v = sp.Rational(-b, a)
    dom = sp.Interval(v, sp.oo) if a > 0 else sp.Interval(-sp.oo, v)
    return (f"Find the domain of $f(x) = {c}\\sqrt{{{sp.latex(a * x + b)}}}$ over the reals, in interval notation.",
            dom)


def domain_log_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(distinct_roots(rng, 2, 8 + 4 * level, level))
    p = sp.expand(nz(rng, 1, 2 + 3 * level) * (sp.denom(r1) * x - sp.numer(r1)) * (sp.denom(r2) * x - sp.numer(r2)))
    c = nz(rng, -9, 9)
    if rng.random() < 0.5:
        return (f"Find the domain of $f(x) = {c}\\ln({sp.latex(p)})$, in interval notation.",
                sp.Union(sp.Interval.open(-sp.oo, r1), sp.Interval.open(r2, sp.oo)))
    return (f"Find the domain of $f(x) = {c}\\ln({sp.latex(sp.expand(-p))})$, in interval notation.",
            sp.Interval.open(r1, r2))


def range_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, h, k = nz(rng, -3 * level, 3 * level), frac_root(rng, 9 * level, level), frac_root(rng, 20 * level, level)
    f = sp.expand(a * (x - h) ** 2 + k)
    rng_set = sp.Interval(k, sp.oo) if a > 0 else sp.Interval(-sp.oo, k)
    return f"Find the range of $f(x) = {sp.latex(f)}$ over the reals, in interval notation.", rng_set


def vertex(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, -4 * level, 4 * level)
    h, k = frac_root(rng, 9 * level, 2 * level), frac_root(rng, 9 * level, level)
    f = sp.expand(a * (x - h) ** 2 + k)
    return f"Find the vertex of the parabola $y = {sp.latex(f)}$, as a point $(h, k)$.", sp.Tuple(h, k)


def line_two_points(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 9 * level
    while True:
        x1, y1, x2, y2 = (frac_root(rng, s, 1 + (level - 1) // 2) for _ in range(4))
        if x1 != x2:
            break
    m = (y2 - y1) / (x2 - x1)
    return (f"Find the equation of the line through $({sp.latex(x1)}, {sp.latex(y1)})$ and "
            f"$({sp.latex(x2)}, {sp.latex(y2)})$."), sp.Eq(y, m * x + y1 - m * x1)


def perpendicular_line(rng: random.Random, level: int) -> tuple[str, Any]:
    m = sp.Rational(nz(rng, -6 * level, 6 * level), nz(rng, 1, 4 * level))
    b = rng.randint(-9 * level, 9 * level)
    px, py = rng.randint(-6 * level, 6 * level), rng.randint(-6 * level, 6 * level)
    return (f"Find the equation of the line through $({px}, {py})$ perpendicular to $y = {sp.latex(m * x + b)}$.",
            sp.Eq(y, -(x - px) / m + py))


def parallel_line(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 6 * level
    a, b, c = nz(rng, -s, s), nz(rng, -s, s), rng.randint(-9 * level, 9 * level)
    px, py = rng.randint(-s, s), rng.randint(-s, s)
    return (f"Find the equation of the line through $({px}, {py})$ parallel to ${sp.latex(a * x + b * y)} = {c}$.",
            sp.Eq(a * x + b * y, a * px + b * py))


def slope(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 20 * level
    a, b, c = nz(rng, -s, s), nz(rng, -s, s), rng.randint(-s, s)
    d, e = rng.randint(-level + 1, level - 1), rng.randint(-level + 1, level - 1)  # terms on both sides later on
    if b == e:
        b += 1
    return f"Find the slope of the line ${sp.latex(a * x + b * y)} = {sp.latex(d * x + e * y + c)}$.", \
        sp.Rational(-(a - d), b - e)


def intercepts(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 9 * 2 ** (level - 1)
    a, b, c = nz(rng, -s, s), nz(rng, -s, s), nz(rng, -20 * 2 ** (level - 1), 20 * 2 ** (level - 1))
    return (f"Find the $x$-intercept and $y$-intercept of ${sp.latex(a * x + b * y)} = {c}$, as the pair "
            "$(x\\text{-intercept}, y\\text{-intercept})$."), sp.Tuple(sp.Rational(c, a), sp.Rational(c, b))


def eval_piecewise(rng: random.Random, level: int) -> tuple[str, Any]:
    cuts = sorted(rng.sample(range(-3 - level, 4 + level), 1 + (level - 1) // 2))
    pieces = [rpoly_at(rng, rng.randint(1, 1 + level), level, base=4, step=1) for _ in range(len(cuts) + 1)]
    p = frac_root(rng, 6 + level, 1 + (level - 1) // 2)
    val = pieces[sum(1 for c in cuts if p >= c)].subs(x, p)
    parts = [f"${sp.latex(pieces[0])}$ for $x < {cuts[0]}$"]
    for i in range(1, len(cuts)):
        parts.append(f"${sp.latex(pieces[i])}$ for ${cuts[i - 1]} \\le x < {cuts[i]}$")
    parts.append(f"${sp.latex(pieces[-1])}$ for $x \\ge {cuts[-1]}$")
    return f"Let $f(x)$ be {', '.join(parts)}. Find $f({sp.latex(p)})$.", val


def exponent_rules(rng: random.Random, level: int) -> tuple[str, Any]:
    z = sp.Symbol("z")
    vs = (x, y, z)[: 2 + (level >= 3)]
    top = [rng.randint(1, 4 + 2 * level) for _ in vs]
    bot = [rng.randint(1, 4 + 2 * level) for _ in vs]
    e = rng.randint(2, 2 + level)
    c1, c2 = rng.randint(1, 3 * level), rng.randint(1, 3 * level)
    num = sp.Mul(*[sp.Pow(v, a) for v, a in zip(vs, top, strict=False)], evaluate=False)
    den = sp.Mul(*[sp.Pow(v, a) for v, a in zip(vs, bot, strict=False)], evaluate=False)
    num_t = (f"{c1}" if c1 > 1 else "") + sp.latex(num)
    den_t = (f"{c2}" if c2 > 1 else "") + sp.latex(den)
    return (f"Simplify $\\left(\\frac{{{num_t}}}{{{den_t}}}\\right)^{{{e}}}$ to a single "
            "monomial (negative exponents allowed).",
            sp.Rational(c1, c2) ** e * sp.prod([v ** (e * (a - b)) for v, a, b in zip(vs, top, bot, strict=False)]))


KINDS = {f.__name__: f for f in (composition, composition_value, inverse_linear, inverse_rational, inverse_exp,
                                 domain_sqrt, domain_log_quadratic, range_quadratic, vertex, line_two_points,
                                 perpendicular_line, parallel_line, slope, intercepts, eval_piecewise,
                                 exponent_rules)}


class Functions(SymTask):
    """Functions and graphs, exact answers checked by equivalence."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"inverse_exp"})

    version = 4
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
