"""Series and sequences: sums, convergence radii, n-th terms, closed forms, recurrences."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, n, nz, register_kinds

R = sp.Rational


def geometric_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    a, r = nz(rng, -9, 9), R(nz(rng, -4, 4), rng.randint(5, 9))
    return (f"Find the sum of the infinite geometric series $\\sum_{{n=0}}^{{\\infty}} {sp.latex(a)} "
            f"\\left({sp.latex(r)}\\right)^n$."), a / (1 - r)


def telescoping(rng: random.Random, level: int) -> tuple[str, Any]:
    kk = rng.randint(1, 4)
    val = sum(R(1, j) for j in range(1, kk + 1)) / kk
    return f"Evaluate $\\sum_{{n=1}}^{{\\infty}} \\frac{{1}}{{n(n+{kk})}}$.", val


def arithmetic_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    a, d, m = rng.randint(-20, 20), nz(rng, -7, 7), rng.randint(10, 200)
    return (f"Find the sum of the first {m} terms of the arithmetic sequence with first term {a} and common "
            f"difference {d}."), sp.Integer(m * (2 * a + (m - 1) * d) // 2)


def power_sum_formula(rng: random.Random, level: int) -> tuple[str, Any]:
    p = rng.randint(1, 3)
    c = rng.randint(1, 5)
    kk = sp.Symbol("k")
    expr = c * kk**p + rng.randint(-3, 3)
    return (f"Find a closed form in $n$ for $\\sum_{{k=1}}^{{n}} \\left({sp.latex(expr)}\\right)$.",
            sp.factor(sp.summation(expr, (kk, 1, n))))


def power_sum_value(rng: random.Random, level: int) -> tuple[str, Any]:
    p, m = rng.randint(2, 4), rng.randint(10, 100)
    return f"Compute $\\sum_{{k=1}}^{{{m}}} k^{{{p}}}$.", sp.Integer(sum(j**p for j in range(1, m + 1)))


def known_series(rng: random.Random, level: int) -> tuple[str, Any]:
    c = nz(rng, 1, 6)
    choice = rng.randrange(4)
    if choice == 0:
        return f"Evaluate $\\sum_{{n=1}}^{{\\infty}} \\frac{{{c}}}{{n^2}}$.", c * sp.pi**2 / 6
    if choice == 1:
        return f"Evaluate $\\sum_{{n=0}}^{{\\infty}} \\frac{{{c}^n}}{{n!}}$.", sp.exp(c)
    if choice == 2:
        return f"Evaluate $\\sum_{{n=1}}^{{\\infty}} \\frac{{(-1)^{{n+1}}}}{{n}} \\cdot {c}$.", c * sp.log(2)
    return f"Evaluate $\\sum_{{n=1}}^{{\\infty}} \\frac{{n}}{{{c + 1}^n}}$.", R(c + 1, c * c)


def radius_of_convergence(rng: random.Random, level: int) -> tuple[str, Any]:
    b, p = rng.randint(2, 9), rng.randint(0, 3)
    q = rng.randint(1, 2)
    return (f"Find the radius of convergence of $\\sum_{{n=1}}^{{\\infty}} \\frac{{n^{{{p}}} x^{{{q}n}}}}{{{b}^n}}$.",
            sp.Integer(b) ** R(1, q))


def ratio_limit(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample(range(1, 10), 2)
    return (f"Compute $\\lim_{{n\\to\\infty}} \\left|\\frac{{a_{{n+1}}}}{{a_n}}\\right|$ for "
            f"$a_n = \\frac{{{a}^n n^2}}{{{b}^n}}$."), R(a, b)


def nth_arithmetic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, d = rng.randint(-20, 20), nz(rng, -9, 9)
    terms = ", ".join(str(a + d * i) for i in range(4))
    return f"Find a formula for the $n$-th term $a_n$ (with $a_1 = {a}$) of the sequence {terms}, ...", \
        sp.expand(a + d * (n - 1))


def nth_geometric(rng: random.Random, level: int) -> tuple[str, Any]:
    a, r = nz(rng, -5, 5), rng.choice([-3, -2, 2, 3, 4])
    terms = ", ".join(str(a * r**i) for i in range(4))
    return f"Find a formula for the $n$-th term $a_n$ (with $a_1 = {a}$) of the sequence {terms}, ...", \
        a * sp.Integer(r) ** (n - 1)


def nth_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -3, 3), rng.randint(-5, 5), rng.randint(-9, 9)
    f = a * n**2 + b * n + c
    terms = ", ".join(str(f.subs(n, i)) for i in range(1, 6))
    return f"The sequence {terms}, ... has constant second differences. Find a formula for $a_n$ ($n \\ge 1$).", f


def recurrence_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    r, c, a0 = rng.choice([2, 3, 4, 5]), nz(rng, -5, 5), rng.randint(-5, 5)
    # a_n = r a_{n-1} + c, a_0 = a0  =>  a_n = (a0 + c/(r-1)) r^n - c/(r-1)
    fixed = R(c, r - 1)
    return (f"Let $a_0 = {a0}$ and $a_n = {r} a_{{n-1}} {'+' if c > 0 else '-'} {abs(c)}$ for $n \\ge 1$. "
            "Find a closed form for $a_n$."), (a0 + fixed) * sp.Integer(r) ** n - fixed


def recurrence_value(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q = rng.randint(1, 3), rng.randint(-2, 3)
    a, b = rng.randint(0, 3), rng.randint(1, 4)
    m = rng.randint(8, 20)
    seq = [a, b]
    for _ in range(m - 1):
        seq.append(p * seq[-1] + q * seq[-2])
    return (f"Let $a_0 = {a}$, $a_1 = {b}$ and $a_n = {p} a_{{n-1}} + ({q}) a_{{n-2}}$. Compute $a_{{{m}}}$.",
            sp.Integer(seq[m]))


def sequence_limit(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = nz(rng, -9, 9), rng.randint(-9, 9), nz(rng, 1, 9), rng.randint(-9, 9)
    return (f"Find $\\lim_{{n\\to\\infty}} \\frac{{{sp.latex(a * n**2 + b * n)}}}{{{sp.latex(c * n**2 + d)}}}$.",
            R(a, c))


def partial_sum_geometric(rng: random.Random, level: int) -> tuple[str, Any]:
    a, r, m = nz(rng, -5, 5), rng.choice([-2, 2, 3, R(1, 2), R(1, 3)]), rng.randint(4, 12)
    return (f"Compute $\\sum_{{k=0}}^{{{m - 1}}} {a} \\cdot \\left({sp.latex(r)}\\right)^k$.",
            a * (1 - sp.Integer(1) * r**m) / (1 - r))


KINDS = {f.__name__: f for f in (
    geometric_sum, telescoping, arithmetic_sum, power_sum_formula, power_sum_value, known_series,
    radius_of_convergence, ratio_limit, nth_arithmetic, nth_geometric, nth_quadratic, recurrence_linear,
    recurrence_value, sequence_limit, partial_sum_geometric)}


class Series(SymTask):
    """Series and sequences with exact answers (formulas in n compared by equivalence)."""

    kinds = KINDS


TABLE = [
    ("math/geometric_series_sum", "geometric_sum", "Sum of an infinite geometric series."),
    ("math/telescoping_series", "telescoping", "Sum of a telescoping series 1/(n(n+k))."),
    ("math/arithmetic_series_sum", "arithmetic_sum", "Sum of an arithmetic progression."),
    ("math/power_sum_closed_form", "power_sum_formula", "Closed form of a polynomial sum in n."),
    ("math/power_sum_value", "power_sum_value", "Value of a sum of k-th powers."),
    ("math/known_series_value", "known_series", "Sums of classic series (zeta(2), e^c, ln 2, n/b^n)."),
    ("math/radius_of_convergence", "radius_of_convergence", "Radius of convergence of a power series."),
    ("math/ratio_test_limit", "ratio_limit", "Limit of the ratio test for a sequence."),
    ("math/arithmetic_sequence_nth_term", "nth_arithmetic", "Formula for the n-th term, arithmetic."),
    ("math/geometric_sequence_nth_term", "nth_geometric", "Formula for the n-th term, geometric."),
    ("math/quadratic_sequence_nth_term", "nth_quadratic", "Formula for a sequence with constant 2nd differences."),
    ("math/recurrence_closed_form", "recurrence_linear", "Closed form of a_n = r a_{n-1} + c."),
    ("math/recurrence_term", "recurrence_value", "A term of a second-order linear recurrence."),
    ("math/sequence_limit", "sequence_limit", "Limit of a rational sequence."),
    ("math/geometric_partial_sum", "partial_sum_geometric", "Finite geometric sum."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Series, TABLE)
