"""Polynomials: roots, factorisation, expansion, division, partial fractions, simplification."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from bootcamp import Score, invalid
from bootcamp.verifiers.math_equiv import equivalent, is_scalar, parse_math, to_text
from tasks.math._common import SymTask, nz, register_kinds, rpoly, x


def _int_roots(rng: random.Random, count: int, distinct: bool = True) -> list[int]:
    pool = range(-6, 7)
    return rng.sample(pool, count) if distinct else [rng.choice(pool) for _ in range(count)]


def roots_cubic(rng: random.Random, level: int) -> tuple[str, Any]:
    rs = _int_roots(rng, 3, distinct=False)
    p = sp.expand(nz(rng, -2, 2) * sp.prod([x - r for r in rs]))
    return f"Find all real roots of ${sp.latex(p)} = 0$, as a set $\\{{\\dots\\}}$.", sp.FiniteSet(*rs)


def roots_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        b, c = rng.randint(-9, 9), rng.randint(-9, 9)
        d = b * b - 4 * c
        if d > 0 and sp.sqrt(d).is_irrational:
            break
    p = x**2 + b * x + c
    r = sp.sqrt(d)
    return (f"Solve ${sp.latex(p)} = 0$. Give the set of exact real roots $\\{{\\dots\\}}$.",
            sp.FiniteSet((-b + r) / 2, (-b - r) / 2))


def roots_complex(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(-5, 5), rng.randint(1, 6)
    p = sp.expand((x - a) ** 2 + b * b)
    return (f"Find all complex roots of ${sp.latex(p)} = 0$, as a set (use $i$ for the imaginary unit).",
            sp.FiniteSet(a + b * sp.I, a - b * sp.I))


def roots_quartic_biquadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample(range(1, 7), 2)
    p = sp.expand((x**2 - a * a) * (x**2 - b * b))
    return f"Find all real solutions of ${sp.latex(p)} = 0$, as a set.", sp.FiniteSet(a, -a, b, -b)


def vieta_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    p = rpoly(rng, rng.randint(3, 5))
    c = sp.Poly(p, x).all_coeffs()
    return f"Find the sum of all (complex) roots, counted with multiplicity, of ${sp.latex(p)} = 0$.", \
        sp.Rational(-c[1], c[0])


def vieta_product(rng: random.Random, level: int) -> tuple[str, Any]:
    d = rng.randint(2, 5)
    p = rpoly(rng, d)
    c = sp.Poly(p, x).all_coeffs()
    if c[-1] == 0:
        return vieta_product(rng, level)
    return f"Find the product of all (complex) roots, counted with multiplicity, of ${sp.latex(p)} = 0$.", \
        sp.Rational((-1) ** d * c[-1], c[0])


def discriminant(rng: random.Random, level: int) -> tuple[str, Any]:
    p = rpoly(rng, rng.choice([2, 3]))
    return f"Compute the discriminant of the polynomial ${sp.latex(p)}$.", sp.discriminant(p, x)


def poly_quotient(rng: random.Random, level: int) -> tuple[str, Any]:
    p, d = rpoly(rng, rng.randint(3, 4)), x - nz(rng, -4, 4)
    return f"Find the quotient when ${sp.latex(p)}$ is divided by ${sp.latex(d)}$.", sp.div(p, d, x)[0]


def poly_remainder(rng: random.Random, level: int) -> tuple[str, Any]:
    p, d = rpoly(rng, rng.randint(4, 5)), rpoly(rng, 2, lo=1, hi=3)
    r = sp.div(p, d, x)[1]
    if r == 0:
        return poly_remainder(rng, level)
    return f"Find the remainder when ${sp.latex(p)}$ is divided by ${sp.latex(d)}$.", r


def poly_gcd(rng: random.Random, level: int) -> tuple[str, Any]:
    g = sp.prod([x - r for r in _int_roots(rng, rng.randint(1, 2))])
    p = sp.expand(g * (x - rng.randint(7, 9)))
    q = sp.expand(g * (x + rng.randint(7, 9)) * nz(rng, 1, 3))
    return f"Find the monic greatest common divisor of ${sp.latex(p)}$ and ${sp.latex(q)}$.", sp.expand(g)


def eval_log(rng: random.Random, level: int) -> tuple[str, Any]:
    b1, e1 = rng.choice([2, 3, 5]), rng.randint(2, 6)
    b2, e2 = rng.choice([2, 3, 10]), rng.randint(1, 4)
    return (f"Evaluate $\\log_{{{b1}}} {b1 ** e1} - \\log_{{{b2}}} \\frac{{1}}{{{b2 ** e2}}}$.", sp.Integer(e1 + e2))


KINDS = {f.__name__: f for f in (roots_cubic, roots_quadratic, roots_complex, roots_quartic_biquadratic, vieta_sum,
                                 vieta_product, discriminant, poly_quotient, poly_remainder, poly_gcd, eval_log)}


class Polynomials(SymTask):
    """Polynomial questions with exact answers checked by equivalence."""

    kinds = KINDS


def _poly_factors(e: sp.Expr) -> list[tuple[sp.Expr, int]] | None:
    """The (base, exponent) factors of a product, or None when it is not a product of polynomials."""
    out = []
    for f in sp.Mul.make_args(e):
        base, exp = (f.base, f.exp) if isinstance(f, sp.Pow) else (f, sp.Integer(1))
        if not (isinstance(exp, sp.Integer) and exp > 0) or not base.is_polynomial(x):
            return None
        out.append((base, int(exp)))
    return out


class FormTask(SymTask):
    """An answer that must equal the reference AND have a required form (factored, expanded...)."""

    default_params = {"form": "factored", "level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        form = self.params["form"]
        if form == "factored":
            rs = _int_roots(rng, rng.randint(2, 3), distinct=False)
            q = rng.choice([1, x**2 + rng.randint(1, 5), x**2 - 2])
            p = sp.expand(nz(rng, -3, 3) * sp.prod([x - r for r in rs]) * q)
            return {"question": f"Factor completely over the rationals: ${sp.latex(p)}$.", "answer": to_text(sp.factor(p))}
        if form == "expanded":
            p = rpoly(rng, 1) ** rng.randint(2, 4) * rpoly(rng, 1)
            return {"question": f"Expand ${sp.latex(p)}$ fully.", "answer": to_text(sp.expand(p))}
        if form == "partial_fractions":
            a, b = rng.sample(range(-5, 6), 2)
            A, B = nz(rng, -5, 5), nz(rng, -5, 5)
            f = sp.together(A / (x - a) + B / (x - b))
            return {"question": f"Decompose ${sp.latex(f)}$ into partial fractions.",
                    "answer": to_text(A / (x - a) + B / (x - b))}
        # simplified: a rational expression that cancels
        g = x - nz(rng, -5, 5)
        p, q = rpoly(rng, 1), rpoly(rng, 1)
        f = sp.expand(g * p) / sp.expand(g * q)
        return {"question": f"Simplify ${sp.latex(f)}$ (for the values of $x$ where it is defined).",
                "answer": to_text(sp.cancel(f))}

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        a = parse_math(answer)
        if not is_scalar(a):
            return invalid("not an expression")
        truth = parse_math(identity["answer"])
        if not equivalent(a, truth):
            return Score(0.0, "wrong")
        return 1.0 if self._has_form(a, truth) else Score(0.0, "wrong", "right value, wrong form")

    def _has_form(self, a: sp.Expr, truth: sp.Expr) -> bool:
        form = self.params["form"]
        try:
            if form == "factored":
                factors = _poly_factors(a)
                return factors is not None and all(
                    b.is_number or sp.Poly(b, x, domain=sp.QQ).is_irreducible for b, _ in factors)
            if form == "expanded":
                return a == sp.expand(a)
            if form == "partial_fractions":
                for term in sp.Add.make_args(a):
                    num, den = sp.fraction(term)
                    if den.has(x):
                        _, facs = sp.factor_list(den, x)
                        if len(facs) != 1 or sp.degree(num, x) >= sp.degree(facs[0][0], x):
                            return False
                return True
            return sp.count_ops(a) <= sp.count_ops(truth) + 2
        except (sp.PolynomialError, ValueError, TypeError):
            return False

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        truth = parse_math(identity["answer"])
        wrong = [truth + 1, 2 * truth, truth + x]
        if self.params["form"] == "expanded":
            wrong.append(sp.factor(truth))  # right value, not expanded
        return [to_text(w) for w in wrong]


TABLE = [
    ("math/polynomial_roots", "roots_cubic", "Integer roots of a cubic, as a set."),
    ("math/quadratic_roots", "roots_quadratic", "Exact irrational roots of a quadratic, as a set."),
    ("math/complex_roots_quadratic", "roots_complex", "Complex roots of a quadratic, as a set."),
    ("math/biquadratic_roots", "roots_quartic_biquadratic", "Real roots of a biquadratic quartic."),
    ("math/sum_of_roots", "vieta_sum", "Sum of roots by Vieta's formulas."),
    ("math/product_of_roots", "vieta_product", "Product of roots by Vieta's formulas."),
    ("math/discriminant", "discriminant", "Discriminant of a quadratic or cubic."),
    ("math/polynomial_quotient", "poly_quotient", "Quotient of polynomial division by x - a."),
    ("math/polynomial_remainder", "poly_remainder", "Remainder of polynomial division by a quadratic."),
    ("math/polynomial_gcd", "poly_gcd", "Monic gcd of two polynomials."),
    ("math/evaluate_logarithms", "eval_log", "Evaluate an expression of logarithms."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Polynomials, TABLE)
    for form, task_id, desc in (
        ("factored", "math/factor_polynomial", "Factor a polynomial completely (checked by expansion and irreducibility)."),
        ("expanded", "math/expand_polynomial", "Expand a product of polynomials (checked by value and form)."),
        ("partial_fractions", "math/partial_fractions", "Partial fraction decomposition (checked by value and form)."),
        ("simplified", "math/simplify_rational_expression", "Simplify a rational expression (value and size)."),
    ):
        registry.register(FormTask, task_id, {"form": form}, desc)
