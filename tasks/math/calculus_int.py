"""Integral calculus: definite integrals, areas, volumes, and indefinite integrals checked by differentiation.

Every generator reads ``level`` (1 the easiest): higher levels bring higher degrees, bigger
coefficients, more terms and harder bounds.
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import sympy as sp

from bootcamp import Score, invalid
from bootcamp.verifiers.math_equiv import is_scalar, parse_math, to_text
from tasks.math._common import SymTask, distinct_roots, nz, perturb_value, register_kinds, rpoly_at, x

_ANGLES = [sp.pi / 6, sp.pi / 4, sp.pi / 3, sp.pi / 2, 2 * sp.pi / 3, 3 * sp.pi / 4, sp.pi, 3 * sp.pi / 2, 2 * sp.pi]


def _definite(f: sp.Expr, a: Any, b: Any) -> sp.Expr:
    # Poly integration is ~100x faster than sp.integrate, and every integrand here is polynomial
    F = sp.Poly(sp.expand(f), x).integrate().as_expr()
    return F.subs(x, b) - F.subs(x, a)


def def_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, rng.randint(level, level + 2), level)
    a = rng.randint(-3, 2)
    b = a + rng.randint(1, 4)
    return f"Evaluate $\\int_{{{a}}}^{{{b}}} \\left({sp.latex(f)}\\right)dx$.", _definite(f, a, b)


def def_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    f, F = sp.Integer(0), sp.Integer(0)
    for _ in range(1 + level):
        c, m = rng.randint(1, 6), nz(rng, -9, 9)
        if rng.random() < 0.5:
            f, F = f + m * sp.sin(c * x), F - sp.Rational(m, c) * sp.cos(c * x)
        else:
            f, F = f + m * sp.cos(c * x), F + sp.Rational(m, c) * sp.sin(c * x)
    lo = 0 if level < 3 else rng.choice(_ANGLES[:4])
    b = rng.choice([v for v in _ANGLES if v > lo])
    return (f"Evaluate $\\int_{{{sp.latex(lo)}}}^{{{sp.latex(b)}}} \\left({sp.latex(f)}\\right)dx$.",
            F.subs(x, b) - F.subs(x, lo))


def def_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    c, m, q, r = nz(rng, -5, 5), nz(rng, -9, 9), nz(rng, -9, 9), rng.randint(-5, 5)
    f = m * sp.exp(c * x) + q / x + r * x
    F = sp.Rational(m, c) * sp.exp(c * x) + q * sp.log(x) + sp.Rational(r, 2) * x**2
    for k in range(2, level + 1):  # more power terms x^(-k) at higher levels
        s = nz(rng, -9, 9)
        f, F = f + s / x**k, F + sp.Rational(s, 1 - k) * x ** (1 - k)
    a = rng.randint(1, level)
    b = a + rng.randint(1, 5)
    return f"Evaluate $\\int_{{{a}}}^{{{b}}} \\left({sp.latex(f)}\\right)\\,dx$.", sp.expand(F.subs(x, b) - F.subs(x, a))


def improper(rng: random.Random, level: int) -> tuple[str, Any]:
    f, val = sp.Integer(0), sp.Integer(0)
    for _ in range(2 if level < 4 else 3):
        a, m, c = sp.Rational(rng.randint(1, 9), rng.randint(1, level)), rng.randint(0, 1 + level), rng.randint(1, 9)
        f += c * x**m * sp.exp(-a * x)
        val += c * sp.factorial(m) / a ** (m + 1)
    return f"Evaluate the improper integral $\\int_0^\\infty \\left({sp.latex(f)}\\right)dx$.", val


def area_between(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(distinct_roots(rng, 2, 3 + level, 1 + (level - 1) // 2))
    c = rng.randint(1, 2 + level)
    g = rpoly_at(rng, 1, level)
    f = sp.expand(g - c * (x - r1) * (x - r2))
    return (f"Find the area of the region enclosed by $y = {sp.latex(f)}$ and $y = {sp.latex(g)}$.",
            _definite(f - g, r1, r2))


def average_value(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, 1 + level, level)
    a = rng.randint(-3, 2)
    b = a + rng.randint(1, 4)
    return f"Find the average value of $f(x) = {sp.latex(f)}$ on $[{a}, {b}]$.", _definite(f, a, b) / (b - a)


def volume_disk(rng: random.Random, level: int) -> tuple[str, Any]:
    c, d = rng.randint(1, 9), rng.randint(1, 9)
    pool = [c * sp.sqrt(x), c * x, c * x**2, x + d, c * x + d, sp.sqrt(c * x + d)]
    f = rng.choice(pool) if level < 3 else rpoly_at(rng, level - 1, level, base=3, step=1) + c * x ** level
    a = 0 if level < 2 else rng.randint(0, 3)
    b = a + rng.randint(1, 6)
    return (f"The region under $y = {sp.latex(f)}$ for ${a} \\le x \\le {b}$ is revolved about the $x$-axis. "
            "Find the volume of the solid."), sp.pi * _definite(f**2, a, b)


def arc_length(rng: random.Random, level: int) -> tuple[str, Any]:
    # y = k (c x + a)^(3/2) / c: 1 + y'^2 = 1 + (9 k^2 / 4)(c x + a), an exact power to integrate
    k = sp.Rational(2, 3) if level == 1 else rng.choice([sp.Rational(2, 3), sp.Rational(1, 3), sp.Rational(4, 3),
                                                          sp.Integer(2), sp.Rational(rng.randint(1, 3 * level), 3)])
    c, a = rng.randint(1, 4 + level), rng.randint(0, 30 * level)
    p = rng.randint(0, 9 * level)
    q = p + rng.randint(1, 9)
    f = k * (c * x + a) ** sp.Rational(3, 2) / c
    w = sp.Rational(9, 4) * k**2
    u = lambda v: 1 + w * (c * v + a)  # noqa: E731
    val = sp.Rational(2, 3) * (u(q) ** sp.Rational(3, 2) - u(p) ** sp.Rational(3, 2)) / (w * c)
    return f"Find the arc length of $y = {sp.latex(f)}$ from $x = {p}$ to $x = {q}$.", val


def riemann_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly_at(rng, 2 + (level - 1) // 2, level, base=9)
    nn = rng.randint(2, 4 + level)
    a = rng.randint(-3, 3)
    b = a + rng.randint(1, 3 + level)
    h = sp.Rational(b - a, nn)
    s = sum(f.subs(x, a + (i + 1) * h) for i in range(nn)) * h
    return f"Compute the right Riemann sum of $f(x) = {sp.latex(f)}$ on $[{a}, {b}]$ with {nn} equal subintervals.", s


KINDS = {f.__name__: f for f in (def_poly, def_trig, def_exp, improper, area_between, average_value, volume_disk,
                                 arc_length, riemann_sum)}


class Integration(SymTask):
    """Definite integrals and their applications, exact answers checked by equivalence."""
    #: Generators whose problems do not yet get strictly harder (or more varied) level by level.
    unleveled_kinds = frozenset({"volume_disk"})

    version = 4
    kinds = KINDS


# -- indefinite integrals: any antiderivative scores -----------------------------------------
def _antiderivative(rng: random.Random, kind: str, level: int) -> sp.Expr:
    a, b = nz(rng, -9, 9), rng.randint(1, 4 + level)
    if kind == "poly":
        return rpoly_at(rng, rng.randint(1 + level, 3 + level), level) + \
            rng.choice([sp.log(x), 1 / x, sp.sqrt(x), x ** sp.Rational(rng.randint(1, 2 * level), 3)]) * a
    if kind == "substitution":
        inner = nz(rng, -5, 5) * x ** rng.randint(2, 2 + level) + rng.randint(-9, 9)
        g = rng.choice([sp.sin, sp.cos, sp.exp, lambda u: u ** rng.randint(3, 3 + level), sp.sqrt,
                        lambda u: sp.log(u**2 + 1)])
        return a * g(inner) + (nz(rng, -9, 9) * sp.exp(x**2 + b) if level >= 4 else 0)
    if kind == "parts":
        return rpoly_at(rng, rng.randint(1, level), level, base=9) * rng.choice(
            [sp.exp(b * x), sp.sin(b * x), sp.cos(b * x)]) + x ** rng.randint(1, level) * sp.log(x) * a
    if kind == "trig":
        F = a * sp.tan(b * x) + nz(rng, -9, 9) * rng.choice(
            [sp.sin(rng.randint(1, 6) * x) ** 2, sp.sin(rng.randint(1, 6) * x) * sp.cos(rng.randint(1, 6) * x)])
        for _ in range(level - 1):
            F += nz(rng, -9, 9) * rng.choice([sp.sin, sp.cos, sp.tan])(rng.randint(1, 6) * x) ** rng.randint(1, level)
        return F
    # partial_fractions: logarithms of distinct linear factors, a pole of order 2, an arctangent
    roots = distinct_roots(rng, 1 + (level + 1) // 2, 9)
    F = sum(nz(rng, -9, 9) * sp.log(x - r) for r in roots)
    if level >= 2:
        F += nz(rng, -9, 9) / (x - roots[0])
    if level >= 4:
        F += nz(rng, -9, 9) * sp.atan(x / rng.randint(1, 4))
    return F


def _derivative_matches(F: sp.Expr, f: sp.Expr) -> bool:
    """Whether F' = f at several points, differentiating numerically at 30 digits.

    Symbolic ``diff`` of a long model answer can take a second; mpmath's numerical
    derivative of the lambdified answer takes milliseconds.
    """
    try:
        fn = sp.lambdify(x, F, "mpmath")
    except Exception:  # noqa: BLE001 - an answer the printer cannot handle is not an antiderivative
        return False
    valid = 0
    with mpmath.workdps(30):
        for x0 in ("0.35", "0.7", "1.15", "1.6", "2.05", "2.5"):
            try:
                d = mpmath.diff(fn, mpmath.mpf(x0))
                target = mpmath.mpmathify(f.xreplace({x: sp.Float(x0, 30)}).evalf(30))
            except Exception:  # noqa: BLE001 - a point outside the domain is skipped
                continue
            if not (mpmath.isfinite(d) and mpmath.isfinite(target)):
                continue
            if abs(d - target) > mpmath.mpf("1e-10") * (abs(target) + 1):
                return False
            valid += 1
    return valid >= 3


class Antiderivative(SymTask):
    """Indefinite integral; the answer is checked by differentiating it (any constant is fine)."""
    #: Generators whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"substitution"})

    version = 4
    default_params = {"kind": "poly", "level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        F = _antiderivative(rng, self.params["kind"], self.params["level"])
        f = sp.diff(F, x)
        f = sp.factor(sp.together(f)) if self.params["kind"] == "partial_fractions" else sp.expand(f)
        return {"integrand": to_text(f), "latex": sp.latex(f), "answer": to_text(F)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Find an antiderivative: $\\int \\left({identity['latex']}\\right)dx$. Give an expression in $x$ "
                "(the constant of integration may be omitted) in \\boxed{}.")

    def complexity(self, identity: dict[str, Any]) -> float:
        """Math tokens in the integrand and in the reference antiderivative."""
        return super().complexity({"question": f"${identity['latex']}$", "answer": identity["answer"]})

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        F = parse_math(answer)
        if isinstance(F, sp.Eq) and len(F.lhs.free_symbols) <= 1 and not isinstance(F.lhs, sp.Add):
            F = F.rhs
        if not is_scalar(F):
            return invalid("not an expression")
        extra = F.free_symbols - {x, sp.Symbol("C"), sp.Symbol("c")}
        if extra or x not in F.free_symbols:
            return Score(0.0, "wrong")
        # ln|u| and ln u have the same derivative; sympy's d|x|/dx on a complex symbol is unusable
        F = F.replace(sp.Abs, lambda arg: arg)
        return 1.0 if _derivative_matches(F, parse_math(identity["integrand"])) else Score(0.0, "wrong")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        value = parse_math(identity["answer"])
        return [to_text(p) for p in perturb_value(value, keep_constant=True)]


TABLE = [
    ("math/definite_integral_polynomial", "def_poly", "Definite integral of a polynomial."),
    ("math/definite_integral_trig", "def_trig", "Definite integral of a trigonometric function."),
    ("math/definite_integral_exp_log", "def_exp", "Definite integral with exponentials and 1/x."),
    ("math/improper_integral", "improper", "Improper integral of x^m e^{-ax} on [0, inf)."),
    ("math/area_between_curves", "area_between", "Area enclosed between a parabola and a line."),
    ("math/average_value", "average_value", "Average value of a function on an interval."),
    ("math/volume_of_revolution", "volume_disk", "Volume of a solid of revolution (disk method)."),
    ("math/arc_length", "arc_length", "Arc length of a curve."),
    ("math/riemann_sum", "riemann_sum", "Right Riemann sum with equal subintervals."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Integration, TABLE)
    for kind, desc in (("poly", "polynomial and power terms"), ("substitution", "u-substitution"),
                       ("parts", "integration by parts"), ("trig", "trigonometric integrands"),
                       ("partial_fractions", "rational integrands (partial fractions)")):
        registry.register(Antiderivative, f"math/indefinite_integral_{kind}", {"kind": kind},
                          f"Indefinite integral ({desc}), checked by differentiating the answer.")
