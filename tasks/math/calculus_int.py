"""Integral calculus: definite integrals, areas, volumes, and indefinite integrals checked by differentiation."""

from __future__ import annotations

import random
from typing import Any

import mpmath
import sympy as sp

from bootcamp import Score, invalid
from bootcamp.verifiers.math_equiv import is_scalar, parse_math, to_text
from tasks.math._common import SymTask, nz, perturb_value, register_kinds, rpoly, x


def _definite(f: sp.Expr, a: Any, b: Any) -> sp.Expr:
    # Poly integration is ~100x faster than sp.integrate, and every integrand here is polynomial
    F = sp.Poly(sp.expand(f), x).integrate().as_expr()
    return F.subs(x, b) - F.subs(x, a)


def def_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, rng.randint(1, 3))
    a = rng.randint(-3, 2)
    b = a + rng.randint(1, 4)
    return f"Evaluate $\\int_{{{a}}}^{{{b}}} \\left({sp.latex(f)}\\right)dx$.", _definite(f, a, b)


def def_trig(rng: random.Random, level: int) -> tuple[str, Any]:
    c = nz(rng, 1, 4)
    m = nz(rng, -5, 5)
    fn = rng.choice(["sin", "cos"])
    f = m * (sp.sin(c * x) if fn == "sin" else sp.cos(c * x))
    F = -m * sp.cos(c * x) / c if fn == "sin" else m * sp.sin(c * x) / c
    b = rng.choice([sp.pi / 6, sp.pi / 4, sp.pi / 3, sp.pi / 2, sp.pi])
    return f"Evaluate $\\int_{{0}}^{{{sp.latex(b)}}} {sp.latex(f)}\\,dx$.", F.subs(x, b) - F.subs(x, 0)


def def_exp(rng: random.Random, level: int) -> tuple[str, Any]:
    c, m, q = nz(rng, -3, 3), nz(rng, -4, 4), rng.randint(1, 4)
    f = m * sp.exp(c * x) + q / x
    F = sp.Rational(m, c) * sp.exp(c * x) + q * sp.log(x)
    b = rng.randint(2, 4)
    return f"Evaluate $\\int_{{1}}^{{{b}}} \\left({sp.latex(f)}\\right)\\,dx$.", F.subs(x, b) - F.subs(x, 1)


def improper(rng: random.Random, level: int) -> tuple[str, Any]:
    a, m = rng.randint(1, 5), rng.randint(0, 3)
    return (f"Evaluate the improper integral $\\int_0^\\infty x^{{{m}}} e^{{-{a}x}}\\,dx$.",
            sp.factorial(m) / sp.Integer(a) ** (m + 1))


def area_between(rng: random.Random, level: int) -> tuple[str, Any]:
    r1, r2 = sorted(rng.sample(range(-4, 5), 2))
    c = rng.randint(1, 3)
    g = rpoly(rng, 1)
    f = sp.expand(g - c * (x - r1) * (x - r2))
    return (f"Find the area of the region enclosed by $y = {sp.latex(f)}$ and $y = {sp.latex(g)}$.",
            _definite(f - g, r1, r2))


def average_value(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, 2)
    a = rng.randint(-3, 2)
    b = a + rng.randint(1, 4)
    return f"Find the average value of $f(x) = {sp.latex(f)}$ on $[{a}, {b}]$.", _definite(f, a, b) / (b - a)


def volume_disk(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rng.choice([sp.sqrt(x), x, x**2, x + rng.randint(1, 3)])
    b = rng.randint(1, 4)
    return (f"The region under $y = {sp.latex(f)}$ for $0 \\le x \\le {b}$ is revolved about the $x$-axis. "
            "Find the volume of the solid."), sp.pi * _definite(f**2, 0, b)


def arc_length(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rng.randint(1, 5)
    b = rng.randint(2, 9)
    # y = (2/3) (x + a)^(3/2): length of [0, b] is (2/3)((1+a+b)^{3/2} - (1+a)^{3/2})
    f = sp.Rational(2, 3) * (x + a) ** sp.Rational(3, 2)
    val = sp.Rational(2, 3) * ((1 + a + b) ** sp.Rational(3, 2) - (1 + a) ** sp.Rational(3, 2))
    return f"Find the arc length of $y = {sp.latex(f)}$ from $x = 0$ to $x = {b}$.", val


def riemann_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    f = rpoly(rng, 2, lo=0, hi=4) + 1
    nn = rng.choice([2, 4, 5])
    a, b = 0, rng.randint(1, 4)
    h = sp.Rational(b - a, nn)
    s = sum(f.subs(x, a + (i + 1) * h) for i in range(nn)) * h
    return f"Compute the right Riemann sum of $f(x) = {sp.latex(f)}$ on $[{a}, {b}]$ with {nn} equal subintervals.", s


KINDS = {f.__name__: f for f in (def_poly, def_trig, def_exp, improper, area_between, average_value, volume_disk,
                                 arc_length, riemann_sum)}


class Integration(SymTask):
    """Definite integrals and their applications, exact answers checked by equivalence."""

    kinds = KINDS


# -- indefinite integrals: any antiderivative scores -----------------------------------------
def _antiderivative(rng: random.Random, kind: str) -> sp.Expr:
    a, b = nz(rng, -4, 4), nz(rng, 1, 4)
    return {
        "poly": lambda: rpoly(rng, rng.randint(2, 4)) + rng.choice([sp.log(x), 1 / x, sp.sqrt(x)]) * a,
        "substitution": lambda: rng.choice([sp.sin, sp.cos, sp.exp, lambda u: u**4])(x**2 + b) * a,
        "parts": lambda: rpoly(rng, 1) * rng.choice([sp.exp(b * x), sp.sin(b * x), sp.cos(b * x)]) + x * sp.log(x) * a,
        "trig": lambda: a * sp.tan(b * x) + rng.choice([sp.sin(x) ** 2, sp.sin(b * x) * sp.cos(x)]),
        "partial_fractions": lambda: a * sp.log(x - b) + rng.randint(1, 4) * sp.log(x + b + 1),
    }[kind]()


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

    default_params = {"kind": "poly", "level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        F = _antiderivative(rng, self.params["kind"])
        f = sp.diff(F, x)
        f = sp.factor(sp.together(f)) if self.params["kind"] == "partial_fractions" else sp.expand(f)
        return {"integrand": to_text(f), "latex": sp.latex(f), "answer": to_text(F)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Find an antiderivative: $\\int \\left({identity['latex']}\\right)dx$. Give an expression in $x$ "
                "(the constant of integration may be omitted) in \\boxed{}.")

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
