"""Equations, inequalities (answers as intervals) and systems of equations.

Every generator reads ``level`` (1 the easiest): higher levels bring bigger coefficients,
more terms, more unknowns or rational roots.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, distinct_roots, frac_root, nz, register_kinds, span, x

_VARS = sp.symbols("x y z u v")


def linear_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = nz(rng, -9 * level, 9 * level), rng.randint(-20 * level, 20 * level), \
        nz(rng, -9 * level, 9 * level), rng.randint(-20 * level, 20 * level)
    if a == c:
        c += 1
    lhs, rhs = a * x + b, c * x + d
    if level >= 3:  # both sides over denominators: clear fractions first
        p, q = rng.randint(2, level + 1), rng.randint(2, level + 2)
        lhs_t, rhs_t = f"\\frac{{{sp.latex(lhs)}}}{{{p}}}", f"\\frac{{{sp.latex(rhs)}}}{{{q}}}"
        return f"Solve for $x$: ${lhs_t} = {rhs_t}$.", sp.solve(sp.Eq(lhs / p, rhs / q), x)[0]
    return f"Solve for $x$: ${sp.latex(lhs)} = {sp.latex(rhs)}$.", sp.Rational(d - b, a - c)


def exponential_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    base, k, c = rng.choice([2, 3, 5, 6, 7]), nz(rng, -3 * level, 3 * level), rng.randint(-9 * level, 9 * level)
    rhs = rng.choice([v for v in range(7, 30 * level) if v not in (8, 9, 16, 25, 27, 32, 36, 49, 64, 81, 125)])
    m = rng.randint(1, level)
    # m * base^(k x + c) = m * rhs  =>  x = (log(rhs)/log(base) - c) / k
    lhs = f"{m if m > 1 else ''}{base}^{{{sp.latex(k * x + c)}}}"
    return f"Solve for $x$: ${lhs} = {m * rhs}$.", (sp.log(rhs) / sp.log(base) - c) / k


def exp_same_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base = rng.choice([2, 3, 5])
    a, b = rng.sample(range(1, 4 + 2 * level), 2)
    p, q = nz(rng, 1, level), nz(rng, 1, level)
    c, d = rng.randint(-4 * level, 4 * level), rng.randint(-4 * level, 4 * level)
    lhs = sp.Pow(base ** a, p * x + c, evaluate=False)
    rhs = sp.Pow(base ** b, q * x + d, evaluate=False)
    if a * p == b * q:
        return exp_same_base(rng, level)
    return f"Solve for $x$: ${sp.latex(lhs)} = {sp.latex(rhs)}$.", sp.Rational(b * d - a * c, a * p - b * q)


def log_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    b = rng.choice([2, 3, 5, 7, 10])
    sol = frac_root(rng, 9 * level, level)
    k = nz(rng, 1, 3 * level)
    a = rng.randint(1, 9 * level) - k * min(sol, 0)
    val = k * sol + a
    if level >= 3:  # the right side as a difference of logarithms
        m = rng.randint(2, 9)
        return (f"Solve for $x$: $\\log_{{{b}}}({sp.latex(k * x + a)}) = \\log_{{{b}}} {sp.latex(val * m)} - "
                f"\\log_{{{b}}} {m}$.", sol)
    return (f"Solve for $x$: $\\log_{{{b}}}({sp.latex(k * x + a)}) = \\log_{{{b}}} {sp.latex(val)}$.", sol)


def log_sum_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(2, 9 * level)
    a = rng.randint(1, 9 * level)
    c = rng.randint(1, level)
    # ln(c x) + ln(x + a) = ln(c r (r + a)) has the positive solution x = r
    lhs = f"\\ln {'' if c == 1 else c}x" if c > 1 or rng.random() < 0.5 else "\\ln x"
    return (f"Solve for $x$: ${lhs} + \\ln(x + {a}) = \\ln {c * r * (r + a)}$.", sp.Integer(r))


def rational_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    roots = distinct_roots(rng, 2 + (level - 1) // 2, 6 + 2 * level, 1 + (level - 1) // 2)
    p = sp.expand(nz(rng, 1, level) * sp.prod([sp.denom(r) * x - sp.numer(r) for r in roots]))
    a = rng.choice([v for v in range(-7 - level, 8 + level) if v not in roots])
    return (f"Solve for $x$: $\\frac{{{sp.latex(p)}}}{{{sp.latex(x - a)}}} = 0$. Give the set of solutions.",
            sp.FiniteSet(*roots))


def abs_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, 1, 5 * level), rng.randint(-9 * level, 9 * level), rng.randint(1, 12 * level)
    e = rng.randint(0, 9 * (level - 1))  # |ax+b| + e = c + e at higher levels
    lhs = f"|{sp.latex(a * x + b)}|" + (f" + {e}" if e else "")
    return (f"Solve ${lhs} = {c + e}$. Give the set of solutions.",
            sp.FiniteSet(sp.Rational(c - b, a), sp.Rational(-c - b, a)))


def radical_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    # sqrt(k x + a) = x + b with an integer root r; the other root of (x+b)^2 = k x + a is r2 = k - 2b - r
    k = rng.randint(1, 2 * level)
    b, r = rng.randint(-6 * level, 6 * level), rng.randint(0, 12 * level)
    while r + b < 0:
        r += 1
    a = (r + b) ** 2 - k * r
    r2 = k - 2 * b - r
    sols = {r} | ({r2} if r2 + b >= 0 else set())
    return (f"Solve $\\sqrt{{{sp.latex(k * x + a)}}} = {sp.latex(x + b)}$ over the reals. Give the set of solutions.",
            sp.FiniteSet(*sorted(sols)))


def ineq_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -6 * level, 6 * level), rng.randint(-10 * level, 10 * level), rng.randint(-10 * level, 10 * level)
    e = nz(rng, -level, level) if level > 1 else 0  # x terms on both sides at higher levels
    if a == e:
        a += 1
    op = rng.choice(["<", "\\le", ">", "\\ge"])
    v = sp.Rational(c - b, a - e)
    below = (op in ("<", "\\le")) == (a - e > 0)
    closed = op in ("\\le", "\\ge")
    s = sp.Interval(-sp.oo, v, True, not closed) if below else sp.Interval(v, sp.oo, not closed, True)
    return f"Solve ${sp.latex(a * x + b)} {op} {sp.latex(e * x + c)}$. Give the solution set in interval notation.", s


def _union_text(level: int) -> str:
    return "Give the solution set in interval notation (use $\\cup$ for unions)."


def ineq_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(distinct_roots(rng, 2, 7 + 3 * level, level))
    p = sp.expand(nz(rng, 1, level) * (sp.denom(r1) * x - sp.numer(r1)) * (sp.denom(r2) * x - sp.numer(r2)))
    op = rng.choice(["<", "\\le", ">", "\\ge"])
    closed = op in ("\\le", "\\ge")
    if op in ("<", "\\le"):
        s = sp.Interval(r1, r2, not closed, not closed)
    else:
        s = sp.Union(sp.Interval(-sp.oo, r1, True, not closed), sp.Interval(r2, sp.oo, not closed, True))
    return f"Solve ${sp.latex(p)} {op} 0$. {_union_text(level)}", s


def ineq_abs(rng: random.Random, level: int) -> tuple[str, Any]:
    m, p = rng.randint(1, 2 + level), rng.randint(-20 * level, 20 * level)
    b, c = rng.randint(1, 20 * level), rng.choice(["<", "\\ge", "\\le", ">"])
    lo, hi = sp.Rational(p - b, m), sp.Rational(p + b, m)
    closed = c in ("\\le", "\\ge")
    if c in ("<", "\\le"):
        s = sp.Interval(lo, hi, not closed, not closed)
    else:
        s = sp.Union(sp.Interval(-sp.oo, lo, True, not closed), sp.Interval(hi, sp.oo, not closed, True))
    return f"Solve $|{sp.latex(m * x - p)}| {c} {b}$. {_union_text(level)}", s


def ineq_rational(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(distinct_roots(rng, 2, 7 + 3 * level, level))
    lin = [sp.denom(r) * x - sp.numer(r) for r in (r1, r2)]
    op = rng.choice(["\\ge", ">"])
    closed = op == "\\ge"
    if rng.random() < 0.5:  # the numerator's root is the smaller one
        num, den = lin
        s = sp.Union(sp.Interval(-sp.oo, r1, True, not closed), sp.Interval.open(r2, sp.oo))
    else:
        den, num = lin
        s = sp.Union(sp.Interval.open(-sp.oo, r1), sp.Interval(r2, sp.oo, not closed, True))
    return (f"Solve $\\frac{{{sp.latex(num)}}}{{{sp.latex(den)}}} {op} 0$. {_union_text(level)}", s)


def _system(rng: random.Random, size: int, level: int) -> tuple[str, Any]:
    vs = _VARS[:size]
    sol = {v: rng.randint(-5 - 4 * level, 5 + 4 * level) for v in vs}
    s = span(level, 4 if size > 2 else 6, 3)
    while True:
        m = sp.Matrix(size, size, lambda i, j: rng.randint(-s, s))
        if m.det() != 0 and (size > 2 or all(m)):
            break
    eqs = [sum(m[i, j] * v for j, v in enumerate(vs)) for i in range(size)]
    return ", ".join(f"${sp.latex(e)} = {e.subs(sol)}$" for e in eqs), sp.Tuple(*sol.values())


def system2(rng: random.Random, level: int) -> tuple[str, Any]:
    text, sol = _system(rng, 2, level)
    return f"Solve the system {text}. Give the solution as an ordered pair $(x, y)$.", sol


def system3(rng: random.Random, level: int) -> tuple[str, Any]:
    size = 3 if level <= 3 else 4  # four unknowns at levels 4-5
    text, sol = _system(rng, size, level)
    names = ", ".join(str(v) for v in _VARS[:size])
    return f"Solve the system {text}. Give the solution as an ordered tuple $({names})$.", sol


def system_nonlinear(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = distinct_roots(rng, 2, 4 + 2 * level, 1 + (level - 1) // 2)
    m, c = nz(rng, -3 * level, 3 * level), rng.randint(-5 * level, 5 * level)
    a = nz(rng, -level, level)
    line = m * x + c
    q = (sp.denom(r1) * x - sp.numer(r1)) * (sp.denom(r2) * x - sp.numer(r2))
    parab = sp.expand(line + a * q)
    pts = [sp.Tuple(r, line.subs(x, r)) for r in (r1, r2)]
    return (f"Find all intersection points of $y = {sp.latex(parab)}$ and $y = {sp.latex(line)}$, "
            "as a set of points $\\{(x_1, y_1), (x_2, y_2)\\}$."), sp.FiniteSet(*pts)


def word_mixture(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample(range(1, 100), 2) if level > 1 else rng.sample(range(5, 95, 5), 2)
    total = rng.randint(2, 20) * 5 if level == 1 else rng.randint(2, 10**level)
    lo, hi = min(a, b), max(a, b)
    if hi - lo < 2:
        return word_mixture(rng, level)
    target = rng.randint(lo + 1, hi - 1)
    xa = sp.Rational(total * (target - b), a - b)
    return (f"How many liters of a {a}% acid solution must be mixed with a {b}% acid solution to obtain "
            f"{total} liters of a {target}% solution?"), xa


KINDS = {f.__name__: f for f in (linear_eq, exponential_eq, exp_same_base, log_eq, log_sum_eq, rational_eq, abs_eq,
                                 radical_eq, ineq_linear, ineq_quadratic, ineq_abs, ineq_rational, system2, system3,
                                 system_nonlinear, word_mixture)}


class Equations(SymTask):
    """Equations, inequalities and systems with exact answers."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"ineq_abs", "ineq_quadratic", "abs_eq", "log_sum_eq", "radical_eq", "exponential_eq"})

    version = 4
    kinds = KINDS


TABLE = [
    ("math/solve_linear_equation", "linear_eq", "Solve a linear equation."),
    ("math/solve_exponential_equation", "exponential_eq", "Solve b^(kx+c) = r (answer with logarithms)."),
    ("math/solve_exponential_same_base", "exp_same_base", "Solve an exponential equation by matching bases."),
    ("math/solve_log_equation", "log_eq", "Solve a logarithmic equation."),
    ("math/solve_log_sum_equation", "log_sum_eq", "Solve ln x + ln(x+a) = ln c."),
    ("math/solve_rational_equation", "rational_eq", "Solve a rational equation, as a set."),
    ("math/solve_absolute_value_equation", "abs_eq", "Solve |ax+b| = c, as a set."),
    ("math/solve_radical_equation", "radical_eq", "Solve sqrt(x+a) = x+b, discarding extraneous roots."),
    ("math/linear_inequality", "ineq_linear", "Linear inequality, answer as an interval."),
    ("math/quadratic_inequality", "ineq_quadratic", "Quadratic inequality, answer as an interval or union."),
    ("math/absolute_value_inequality", "ineq_abs", "Absolute value inequality, interval answer."),
    ("math/rational_inequality", "ineq_rational", "Rational inequality, union of intervals."),
    ("math/linear_system_2x2", "system2", "Solve a 2x2 linear system."),
    ("math/linear_system_3x3", "system3", "Solve a 3x3 linear system."),
    ("math/line_parabola_intersection", "system_nonlinear", "Intersection points of a line and a parabola."),
    ("math/mixture_problem", "word_mixture", "Mixture word problem (linear equation)."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Equations, TABLE)
