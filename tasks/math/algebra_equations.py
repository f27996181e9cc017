"""Equations, inequalities (answers as intervals) and systems of equations."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, x, y, z


def linear_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = nz(rng, -9, 9), rng.randint(-20, 20), nz(rng, -9, 9), rng.randint(-20, 20)
    if a == c:
        c += 1
    return f"Solve for $x$: ${sp.latex(a * x + b)} = {sp.latex(c * x + d)}$.", sp.Rational(d - b, a - c)


def exponential_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    base, k, c = rng.choice([2, 3, 5]), rng.randint(1, 3), rng.randint(-5, 5)
    rhs = rng.choice([7, 10, 11, 13, 20])
    # base^(k x + c) = rhs  =>  x = (log(rhs)/log(base) - c) / k
    return (f"Solve for $x$: ${base}^{{{sp.latex(k * x + c)}}} = {rhs}$.",
            (sp.log(rhs) / sp.log(base) - c) / k)


def exp_same_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base = rng.choice([2, 3])
    a, b, c, d = rng.sample(range(1, 6), 2) + [rng.randint(-4, 4), rng.randint(-4, 4)]
    lhs = sp.Pow(base ** a, x + c, evaluate=False)
    rhs = sp.Pow(base ** b, x + d, evaluate=False)
    return f"Solve for $x$: ${sp.latex(lhs)} = {sp.latex(rhs)}$.", sp.Rational(b * d - a * c, a - b)


def log_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    b = rng.choice([2, 3, 10])
    sol = rng.randint(1, 9)
    a = rng.randint(1, 5)
    k = rng.randint(1, 3)
    # log_b(x + a) + log_b(x + a) ... single-log form: log_b(kx + a) = log_b(k sol + a)
    val = k * sol + a
    return (f"Solve for $x$: $\\log_{{{b}}}({sp.latex(k * x + a)}) = \\log_{{{b}}} {val}$.", sp.Integer(sol))


def log_sum_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(2, 9)
    a = rng.randint(1, 6)
    # log2(x) + log2(x + a) = log2(r (r + a)) has the positive solution x = r
    return (f"Solve for $x$: $\\ln x + \\ln(x + {a}) = \\ln {r * (r + a)}$.", sp.Integer(r))


def rational_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = rng.sample(range(-6, 7), 2)
    p = sp.expand((x - r1) * (x - r2))
    a = rng.choice([v for v in range(-7, 8) if v not in (r1, r2)])
    return (f"Solve for $x$: $\\frac{{{sp.latex(p)}}}{{{sp.latex(x - a)}}} = 0$. Give the set of solutions.",
            sp.FiniteSet(r1, r2))


def abs_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, 1, 5), rng.randint(-9, 9), rng.randint(1, 12)
    return (f"Solve $|{sp.latex(a * x + b)}| = {c}$. Give the set of solutions.",
            sp.FiniteSet(sp.Rational(c - b, a), sp.Rational(-c - b, a)))


def radical_eq(rng: random.Random, level: int) -> tuple[str, Any]:
    # sqrt(x + a) = x + b with an integer root r; the other root of (x+b)^2 = x+a is r2 = 1 - 2b - r
    b, r = rng.randint(-4, 4), rng.randint(0, 8)
    while r + b < 0:
        r += 1
    a = (r + b) ** 2 - r
    r2 = 1 - 2 * b - r
    sols = {r} | ({r2} if r2 + b >= 0 else set())
    return (f"Solve $\\sqrt{{{sp.latex(x + a)}}} = {sp.latex(x + b)}$ over the reals. Give the set of solutions.",
            sp.FiniteSet(*sorted(sols)))


def ineq_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -6, 6), rng.randint(-10, 10), rng.randint(-10, 10)
    op = rng.choice(["<", "\\le", ">", "\\ge"])
    v = sp.Rational(c - b, a)
    below = (op in ("<", "\\le")) == (a > 0)
    closed = op in ("\\le", "\\ge")
    s = sp.Interval(-sp.oo, v, True, not closed) if below else sp.Interval(v, sp.oo, not closed, True)
    return f"Solve ${sp.latex(a * x + b)} {op} {c}$. Give the solution set in interval notation.", s


def ineq_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(rng.sample(range(-7, 8), 2))
    p = sp.expand((x - r1) * (x - r2))
    op = rng.choice(["<", "\\le", ">", "\\ge"])
    closed = op in ("\\le", "\\ge")
    if op in ("<", "\\le"):
        s = sp.Interval(r1, r2, not closed, not closed)
    else:
        s = sp.Union(sp.Interval(-sp.oo, r1, True, not closed), sp.Interval(r2, sp.oo, not closed, True))
    return (f"Solve ${sp.latex(p)} {op} 0$. Give the solution set in interval notation "
            "(use $\\cup$ for unions).", s)


def ineq_abs(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = rng.randint(-9, 9), rng.randint(1, 9), rng.choice(["<", "\\ge"])
    lo, hi = a - b, a + b
    s = sp.Interval.open(lo, hi) if c == "<" else sp.Union(sp.Interval(-sp.oo, lo), sp.Interval(hi, sp.oo))
    return (f"Solve $|{sp.latex(x - a)}| {c} {b}$. Give the solution set in interval notation "
            "(use $\\cup$ for unions).", s)


def ineq_rational(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(rng.sample(range(-7, 8), 2))
    if rng.random() < 0.5:
        num, den = x - r1, x - r2
        s = sp.Union(sp.Interval(-sp.oo, r1), sp.Interval.open(r2, sp.oo))
    else:
        num, den = x - r2, x - r1
        s = sp.Union(sp.Interval.open(-sp.oo, r1), sp.Interval(r2, sp.oo))
    return (f"Solve $\\frac{{{sp.latex(num)}}}{{{sp.latex(den)}}} \\ge 0$. Give the solution set in interval "
            "notation (use $\\cup$ for unions).", s)


def system2(rng: random.Random, level: int) -> tuple[str, Any]:
    sx, sy = rng.randint(-9, 9), rng.randint(-9, 9)
    while True:
        a, b, c, d = (nz(rng, -6, 6) for _ in range(4))
        if a * d - b * c:
            break
    e1, e2 = a * x + b * y, c * x + d * y
    return (f"Solve the system ${sp.latex(e1)} = {e1.subs({x: sx, y: sy})}$, ${sp.latex(e2)} = "
            f"{e2.subs({x: sx, y: sy})}$. Give the solution as an ordered pair $(x, y)$."), sp.Tuple(sx, sy)


def system3(rng: random.Random, level: int) -> tuple[str, Any]:
    sol = {v: rng.randint(-6, 6) for v in (x, y, z)}
    while True:
        m = sp.Matrix(3, 3, lambda i, j: rng.randint(-4, 4))
        if m.det() != 0:
            break
    eqs = [sum(m[i, j] * v for j, v in enumerate((x, y, z))) for i in range(3)]
    text = ", ".join(f"${sp.latex(e)} = {e.subs(sol)}$" for e in eqs)
    return f"Solve the system {text}. Give the solution as an ordered triple $(x, y, z)$.", sp.Tuple(*sol.values())


def system_nonlinear(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = rng.sample(range(-4, 5), 2)
    m, c = nz(rng, -3, 3), rng.randint(-5, 5)
    line = m * x + c
    parab = sp.expand(line + (x - r1) * (x - r2))
    pts = [sp.Tuple(r, line.subs(x, r)) for r in (r1, r2)]
    return (f"Find all intersection points of $y = {sp.latex(parab)}$ and $y = {sp.latex(line)}$, "
            "as a set of points $\\{(x_1, y_1), (x_2, y_2)\\}$."), sp.FiniteSet(*pts)


def word_mixture(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample([10, 20, 25, 30, 40, 50, 60], 2)
    total = rng.choice([10, 20, 40, 50])
    lo, hi = min(a, b), max(a, b)
    target = rng.randint(lo + 1, hi - 1)
    xa = sp.Rational(total * (target - b), a - b)
    return (f"How many liters of a {a}% acid solution must be mixed with a {b}% acid solution to obtain "
            f"{total} liters of a {target}% solution?"), xa


KINDS = {f.__name__: f for f in (linear_eq, exponential_eq, exp_same_base, log_eq, log_sum_eq, rational_eq, abs_eq,
                                 radical_eq, ineq_linear, ineq_quadratic, ineq_abs, ineq_rational, system2, system3,
                                 system_nonlinear, word_mixture)}


class Equations(SymTask):
    """Equations, inequalities and systems with exact answers."""

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
