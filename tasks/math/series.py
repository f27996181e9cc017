"""Series and sequences: sums, convergence radii, n-th terms, closed forms, recurrences.

Every generator reads ``level`` (1 the easiest): higher levels bring bigger numbers, rational
ratios, more terms, higher degrees and second-order recurrences.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, distinct_roots, frac_root, n, nz, register_kinds, rpoly, rpoly_at

R = sp.Rational


def _ratio(rng: random.Random, max_den: int) -> sp.Rational:
    """A ratio ``p/q`` with ``0 < |p/q| < 1``."""
    q = rng.randint(2, max_den)
    return R(nz(rng, -(q - 1), q - 1), q)


def geometric_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    terms, total, k0 = [], sp.Integer(0), rng.randint(0, 2 + level)
    for _ in range(1 + (level - 1) // 2):  # a sum of geometric series from level 3 on
        a, r = nz(rng, -20 * level, 20 * level), _ratio(rng, 10 + 2 * level)
        terms.append(f"{sp.latex(a)} \\left({sp.latex(r)}\\right)^n")
        total += a * r**k0 / (1 - r)
    return (f"Find the sum of the infinite series $\\sum_{{n={k0}}}^{{\\infty}} \\left({' + '.join(terms)}\\right)$.",
            total)


def telescoping(rng: random.Random, level: int) -> tuple[str, Any]:
    a, kk, b = rng.randint(1, 1 + level), rng.randint(1, 2 + level), rng.randint(0, 9 + 3 * level)
    c, s = rng.randint(1, 99), rng.randint(1, 3)
    # c/((an+b)(an+b+ak)) = c/(ak) (1/(an+b) - 1/(a(n+k)+b)): the sum keeps k terms
    val = R(c, a * kk) * sum(R(1, a * (s + j) + b) for j in range(kk))
    first = sp.latex(a * n + b)
    return f"Evaluate $\\sum_{{n={s}}}^{{\\infty}} \\frac{{{c}}}{{({first})({sp.latex(a * n + b + a * kk)})}}$.", val


def arithmetic_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    a, d, m = rng.randint(-20 * level, 20 * level), nz(rng, -7 * level, 7 * level), rng.randint(10, 200 * level)
    return (f"Find the sum of the first {m} terms of the arithmetic sequence with first term {a} and common "
            f"difference {d}."), sp.Integer(m * (2 * a + (m - 1) * d) // 2)


def power_sum_formula(rng: random.Random, level: int) -> tuple[str, Any]:
    kk = sp.Symbol("k")
    expr = rpoly_at(rng, rng.randint(level, level + 2), level, var=kk)
    return (f"Find a closed form in $n$ for $\\sum_{{k=1}}^{{n}} \\left({sp.latex(expr)}\\right)$.",
            sp.factor(sp.summation(expr, (kk, 1, n))))


def power_sum_value(rng: random.Random, level: int) -> tuple[str, Any]:
    p, m = rng.randint(1 + level, 3 + level), rng.randint(10, 100 * level)
    lo, c = rng.randint(1, 9), rng.randint(1, 9)
    return f"Compute $\\sum_{{k={lo}}}^{{{m}}} {c if c > 1 else ''}k^{{{p}}}$.", \
        sp.Integer(c * sum(j**p for j in range(lo, m + 1)))


def _known(rng: random.Random, level: int) -> tuple[str, Any]:
    """A classic series with a parameter t, scaled by c: (LaTeX of the sum, value)."""
    c = rng.randint(1, 60)
    t = frac_root(rng, 9, 9 + level)
    while t == 0:
        t = frac_root(rng, 9, 9 + level)
    small = _ratio(rng, 12 + level)  # |small| < 1 for the series that need it
    tt, ss = sp.latex(t), sp.latex(small)
    form = rng.randrange(7)
    if form == 0:
        return f"\\sum_{{n=0}}^{{\\infty}} \\frac{{{c} \\left({tt}\\right)^n}}{{n!}}", c * sp.exp(t)
    if form == 1:
        return f"\\sum_{{n=0}}^{{\\infty}} \\frac{{{c} (-1)^n \\left({tt}\\right)^{{2n+1}}}}{{(2n+1)!}}", c * sp.sin(t)
    if form == 2:
        return f"\\sum_{{n=0}}^{{\\infty}} \\frac{{{c} (-1)^n \\left({tt}\\right)^{{2n}}}}{{(2n)!}}", c * sp.cos(t)
    if form == 3:
        return f"\\sum_{{n=1}}^{{\\infty}} \\frac{{{c} (-1)^{{n+1}} \\left({ss}\\right)^n}}{{n}}", c * sp.log(1 + small)
    if form == 4:
        return f"\\sum_{{n=1}}^{{\\infty}} {c} n \\left({ss}\\right)^n", c * small / (1 - small) ** 2
    if form == 5:
        return f"\\sum_{{n=0}}^{{\\infty}} {c} (n+1) \\left({ss}\\right)^n", c / (1 - small) ** 2
    return f"\\sum_{{n=0}}^{{\\infty}} \\frac{{{c} (-1)^n \\left({ss}\\right)^{{2n+1}}}}{{2n+1}}", c * sp.atan(small)


def known_series(rng: random.Random, level: int) -> tuple[str, Any]:
    parts = [_known(rng, level) for _ in range(level)]
    return f"Evaluate ${' + '.join(p for p, _ in parts)}$.", sum(v for _, v in parts)


def radius_of_convergence(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample(range(1, 10 + 10 * level), 2)
    p, q, h = rng.randint(0, 2 + level), rng.randint(1, 1 + level), rng.randint(-5, 5)
    base = sp.latex(sp.Symbol("x") - h)
    power = f"\\left({base}\\right)^{{{q}n}}" if h else f"x^{{{q}n}}"
    top = f"{a}^n n^{{{p}}} {power}" if a > 1 else f"n^{{{p}}} {power}"
    extra, value = "", R(b, a) ** R(1, q)
    if level >= 4:  # a central binomial factor (2n)!/(n!)^2 ~ 4^n divides the radius by 4^(1/q)
        extra, value = "\\frac{(2n)!}{(n!)^2} ", value / sp.Integer(4) ** R(1, q)
    return (f"Find the radius of convergence of $\\sum_{{n=1}}^{{\\infty}} {extra}\\frac{{{top}}}{{{b}^n}}$.", value)


def ratio_limit(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample(range(1, 10 + 5 * level), 2)
    p, e, f = rng.randint(1, 3 + level), rng.randint(0, 9), rng.randint(0, 9)
    num, val = f"{a}^n \\left(n^{{{p}}} + {e}\\right)", R(a, b)
    if level >= 3:
        num, val = f"(2n)! \\, {num}", 4 * val
    if level >= 5:
        num, val = f"(3n)! \\, {num}", 27 * val
    den = f"{b}^n (n + {f})" + (" (n!)^2" if level >= 3 else "") + (" (n!)^3" if level >= 5 else "")
    return (f"Compute $\\lim_{{n\\to\\infty}} \\left|\\frac{{a_{{n+1}}}}{{a_n}}\\right|$ for "
            f"$a_n = \\frac{{{num}}}{{{den}}}$."), val


def nth_arithmetic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, d = frac_root(rng, 100 * level, level), nz(rng, -30 * level, 30 * level) / sp.Integer(rng.randint(1, level))
    s = rng.randint(1, 5 * level)
    f = sp.expand(a + d * (n - s))
    idx = [s, s + 1, s + 2, s + 3] if level < 4 else sorted(rng.sample(range(s, s + 12), 4))
    shown = ", ".join(f"$a_{{{i}}} = {sp.latex(f.subs(n, i))}$" for i in idx)
    return f"An arithmetic sequence has {shown}. Find a formula for its $n$-th term $a_n$.", f


def nth_geometric(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, -99, 99)
    r = rng.choice([-5, -4, -3, -2, 2, 3, 4, 5]) if level == 1 else R(nz(rng, -5 - level, 5 + level), rng.randint(1, level))
    if abs(r) == 1:
        r = r * 2
    s = rng.randint(1, 5 * level)
    f = a * r ** (n - s)
    shown = ", ".join(f"$a_{{{i}}} = {sp.latex(f.subs(n, i))}$" for i in range(s, s + 4 + (level - 1) // 2))
    return f"A geometric sequence has {shown}. Find a formula for its $n$-th term $a_n$.", f


def nth_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    deg = 2 if level < 3 else 3
    f = rpoly(rng, deg, var=n, lo=-5 * level, hi=5 * level) + rng.randint(-20, 20)
    f = f / {1: 1, 2: 2, 3: 1, 4: 2, 5: 6}[level]  # rational coefficients at levels 2, 4 and 5
    terms = ", ".join(str(f.subs(n, i)) for i in range(1, 5 + deg))
    which = "second" if deg == 2 else "third"
    return f"The sequence {terms}, ... has constant {which} differences. Find a formula for $a_n$ ($n \\ge 1$).", f


def recurrence_linear(rng: random.Random, level: int) -> tuple[str, Any]:
    if level <= 2:
        r, c, a0 = rng.randint(2, 5 + 4 * level), nz(rng, -20 * level, 20 * level), rng.randint(-20, 20)
        # a_n = r a_{n-1} + c, a_0 = a0  =>  a_n = (a0 + c/(r-1)) r^n - c/(r-1)
        fixed = R(c, r - 1)
        return (f"Let $a_0 = {a0}$ and $a_n = {r} a_{{n-1}} {'+' if c > 0 else '-'} {abs(c)}$ for $n \\ge 1$. "
                "Find a closed form for $a_n$."), (a0 + fixed) * sp.Integer(r) ** n - fixed
    # second order with distinct integer characteristic roots (plus a constant term from level 4)
    r1, r2 = distinct_roots(rng, 2, 2 + level)
    if 1 in (r1, r2) or 0 in (r1, r2):
        return recurrence_linear(rng, level)
    p, q = r1 + r2, -r1 * r2
    c = nz(rng, -9, 9) if level >= 4 else 0
    a0, a1 = rng.randint(-9, 9), rng.randint(-9, 9)
    fixed = R(c, 1 - p - q)
    A, B = sp.symbols("A B")
    sol = sp.solve([A + B + fixed - a0, A * r1 + B * r2 + fixed - a1], [A, B])
    closed = sol[A] * sp.Integer(r1) ** n + sol[B] * sp.Integer(r2) ** n + fixed
    tail = f" {'+' if c > 0 else '-'} {abs(c)}" if c else ""
    return (f"Let $a_0 = {a0}$, $a_1 = {a1}$ and $a_n = {p} a_{{n-1}} + ({q}) a_{{n-2}}{tail}$ for $n \\ge 2$. "
            "Find a closed form for $a_n$."), closed


def recurrence_value(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q = rng.randint(1, 2 + level), nz(rng, -2 - level, 2 + level)
    a, b = rng.randint(-5, 5), nz(rng, -5, 5)
    m = rng.randint(8, 15 + 5 * level)
    seq = [a, b]
    for _ in range(m - 1):
        seq.append(p * seq[-1] + q * seq[-2])
    return (f"Let $a_0 = {a}$, $a_1 = {b}$ and $a_n = {p} a_{{n-1}} + ({q}) a_{{n-2}}$. Compute $a_{{{m}}}$.",
            sp.Integer(seq[m]))


def sequence_limit(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c, d = nz(rng, -9, 9), rng.randint(-9, 9), nz(rng, 1, 9), rng.randint(-9, 9)
    top, bottom = a * n**2 + b * n, c * n**2 + d
    if level > 1:
        k = 1 + level
        top, bottom = top * n ** (k - 2) + rpoly_at(rng, k - 1, level, var=n), \
            bottom * n ** (k - 2) + rpoly_at(rng, k - 1, level, var=n)
    return (f"Find $\\lim_{{n\\to\\infty}} \\frac{{{sp.latex(sp.expand(top))}}}{{{sp.latex(sp.expand(bottom))}}}$.",
            R(a, c))


def partial_sum_geometric(rng: random.Random, level: int) -> tuple[str, Any]:
    a = nz(rng, -20, 20)
    r = rng.choice([-3, -2, 2, 3, R(1, 2), R(-1, 2), R(1, 3), R(2, 3), R(3, 2), R(-2, 3)]) if level == 1 else \
        R(nz(rng, -3 - level, 3 + level), rng.randint(1, 1 + level))
    if r == 1:
        r = R(level + 2, level + 1)
    k0, m = rng.randint(0, 3), rng.randint(4, 12 + 4 * level)
    return (f"Compute $\\sum_{{k={k0}}}^{{{k0 + m - 1}}} {a} \\cdot \\left({sp.latex(r)}\\right)^k$.",
            a * r**k0 * (1 - sp.Integer(1) * r**m) / (1 - r))


KINDS = {f.__name__: f for f in (
    geometric_sum, telescoping, arithmetic_sum, power_sum_formula, power_sum_value, known_series,
    radius_of_convergence, ratio_limit, nth_arithmetic, nth_geometric, nth_quadratic, recurrence_linear,
    recurrence_value, sequence_limit, partial_sum_geometric)}


class Series(SymTask):
    """Series and sequences with exact answers (formulas in n compared by equivalence)."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"radius_of_convergence", "telescoping"})

    version = 4
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
