"""Polynomials: roots, factorisation, expansion, division, partial fractions, simplification.

Every generator reads ``level`` (1 the easiest): higher levels bring higher degrees, bigger
coefficients, rational roots and more factors.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from bootcamp import Score, invalid
from bootcamp.verifiers.math_equiv import equivalent, is_scalar, parse_math, to_text
from tasks.math._common import (
    SymTask,
    distinct_roots,
    frac_root,
    nz,
    register_kinds,
    rpoly,
    rpoly_at,
    x,
)


def _int_roots(rng: random.Random, count: int, distinct: bool = True, bound: int = 6) -> list[int]:
    pool = range(-bound, bound + 1)
    return rng.sample(pool, count) if distinct else [rng.choice(pool) for _ in range(count)]


def _lin(r: sp.Rational) -> sp.Expr:
    """The integer linear factor ``q x - p`` with root ``p/q``."""
    return sp.denom(r) * x - sp.numer(r)


def roots_cubic(rng: random.Random, level: int) -> tuple[str, Any]:
    rs = [frac_root(rng, 9 + 3 * level, 1 + (level - 1) // 2) for _ in range(3 + (level - 1) // 2)]
    p = sp.expand(nz(rng, -5, 5) * sp.prod([_lin(r) for r in rs]))
    return f"Find all real roots of ${sp.latex(p)} = 0$, as a set $\\{{\\dots\\}}$.", sp.FiniteSet(*rs)


def roots_quadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 10 + 10 * level
    while True:
        a, b, c = rng.randint(1, 3 + 2 * level), rng.randint(-s, s), rng.randint(-s, s)
        d = b * b - 4 * a * c
        if d > 0 and sp.sqrt(d).is_irrational:
            break
    p = a * x**2 + b * x + c
    r = sp.sqrt(d)
    return (f"Solve ${sp.latex(p)} = 0$. Give the set of exact real roots $\\{{\\dots\\}}$.",
            sp.FiniteSet((-b + r) / (2 * a), (-b - r) / (2 * a)))


def roots_complex(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 10 + 10 * level
    while True:
        a, b, c = rng.randint(1, 3 + 2 * level), rng.randint(-s, s), rng.randint(1, 3 * s)
        if b * b - 4 * a * c < 0:
            break
    p = a * x**2 + b * x + c
    if level >= 3:  # a cubic: one rational root times the quadratic
        p *= _lin(frac_root(rng, 3 * level, level - 2))
    p = sp.expand(p)
    return (f"Find all complex roots of ${sp.latex(p)} = 0$, as a set (use $i$ for the imaginary unit).",
            sp.FiniteSet(*sp.roots(sp.Poly(p, x)).keys()))


def roots_quartic_biquadratic(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 50 * level
    while True:
        p, q = rng.randint(1, s), rng.randint(-s, s)
        if q and q != p:
            break
    c = rng.randint(1, 5)
    poly = sp.expand(c * (x**2 - p) * (x**2 - q))
    if level >= 3:  # a quadratic in x^2 with rational roots: (a x^2 - p)(b x^2 - q)
        a = rng.randint(2, level)
        poly = sp.expand(c * (a * x**2 - p) * (x**2 - q))
        p = sp.Rational(p, a)
    sols = {sp.sqrt(p), -sp.sqrt(p)} | ({sp.sqrt(q), -sp.sqrt(q)} if q > 0 else set())
    return f"Find all real solutions of ${sp.latex(poly)} = 0$, as a set.", sp.FiniteSet(*sols)


def vieta_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    p = rpoly_at(rng, rng.randint(2 + level, 4 + level), level)
    c = sp.Poly(p, x).all_coeffs()
    return f"Find the sum of all (complex) roots, counted with multiplicity, of ${sp.latex(p)} = 0$.", \
        sp.Rational(-c[1], c[0])


def vieta_product(rng: random.Random, level: int) -> tuple[str, Any]:
    d = rng.randint(1 + level, 4 + level)
    p = rpoly_at(rng, d, level)
    c = sp.Poly(p, x).all_coeffs()
    if c[-1] == 0:
        return vieta_product(rng, level)
    return f"Find the product of all (complex) roots, counted with multiplicity, of ${sp.latex(p)} = 0$.", \
        sp.Rational((-1) ** d * c[-1], c[0])


def discriminant(rng: random.Random, level: int) -> tuple[str, Any]:
    degree = rng.choice({1: [2, 3], 2: [3], 3: [3, 4], 4: [4], 5: [4]}[level])
    p = rpoly_at(rng, degree, level, base=9)
    return f"Compute the discriminant of the polynomial ${sp.latex(p)}$.", sp.discriminant(p, x)


def poly_quotient(rng: random.Random, level: int) -> tuple[str, Any]:
    p, d = rpoly_at(rng, rng.randint(2 + level, 3 + level), level), x - nz(rng, -3 - level, 3 + level)
    if level >= 3:  # a quadratic divisor
        d = d * (x - nz(rng, -3 - level, 3 + level))
        d = sp.expand(d + rng.randint(-level, level))
    return f"Find the quotient when ${sp.latex(p)}$ is divided by ${sp.latex(d)}$.", sp.div(p, d, x)[0]


def poly_remainder(rng: random.Random, level: int) -> tuple[str, Any]:
    p, d = rpoly_at(rng, rng.randint(3 + level, 4 + level), level), rpoly(rng, 2 + (level - 1) // 2, lo=1, hi=2 + level)
    r = sp.div(p, d, x)[1]
    if r == 0:
        return poly_remainder(rng, level)
    return f"Find the remainder when ${sp.latex(p)}$ is divided by ${sp.latex(d)}$.", r


def poly_gcd(rng: random.Random, level: int) -> tuple[str, Any]:
    g = sp.prod([_lin(r) for r in distinct_roots(rng, rng.randint(1, 1 + (level + 1) // 2), 9 + level,
                                                  1 + (level - 1) // 2)])
    p = sp.expand(g * rpoly_at(rng, rng.randint(1, level), level, base=9))
    q = sp.expand(g * rpoly_at(rng, rng.randint(1, level), level, base=9))
    gcd = sp.Poly(sp.gcd(p, q), x).monic().as_expr()
    return f"Find the monic greatest common divisor of ${sp.latex(p)}$ and ${sp.latex(q)}$.", gcd


def eval_log(rng: random.Random, level: int) -> tuple[str, Any]:
    total, parts = sp.Integer(0), []
    for i in range(2 + level):
        b, e = rng.choice([2, 3, 5, 6, 7, 10]), rng.randint(1, 4 + level)
        c = rng.randint(1, 1 + level) if level > 1 else 1
        form = rng.randrange(3 if level > 2 else 2)
        if form == 0:
            arg, val = str(b**e), sp.Integer(e)
        elif form == 1:
            arg, val = f"\\frac{{1}}{{{b ** e}}}", sp.Integer(-e)
        else:
            k = rng.randint(2, 3)
            arg, val = f"\\sqrt[{k}]{{{b ** e}}}", sp.Rational(e, k)
        sign = rng.choice([1, -1]) if i else 1
        parts.append(f"{'-' if sign < 0 else ('+' if i else '')} {c if c > 1 else ''}\\log_{{{b}}} {arg}")
        total += sign * c * val
    return f"Evaluate ${' '.join(parts)}$.", total


KINDS = {f.__name__: f for f in (roots_cubic, roots_quadratic, roots_complex, roots_quartic_biquadratic, vieta_sum,
                                 vieta_product, discriminant, poly_quotient, poly_remainder, poly_gcd, eval_log)}


class Polynomials(SymTask):
    """Polynomial questions with exact answers checked by equivalence."""

    version = 4
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
    #: Forms whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"partial_fractions"})
    kind_param = "form"

    version = 4
    default_params = {"form": "factored", "level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        form, level = self.params["form"], self.params["level"]
        if form == "factored":
            rs = [frac_root(rng, 8 + level, 1 + (level - 1) // 2) for _ in range(rng.randint(1 + level, 2 + level))]
            c = rng.randint(1, 9)
            q = rng.choice([1, x**2 + c, x**2 - rng.choice([2, 3, 5, 6, 7]), x**2 + rng.randint(1, level) * x + c])
            if not sp.Poly(q, x).is_irreducible:
                q = 1
            p = sp.expand(nz(rng, -5, 5) * sp.prod([_lin(r) for r in rs]) * q)
            return {"question": f"Factor completely over the rationals: ${sp.latex(p)}$.", "answer": to_text(sp.factor(p))}
        if form == "expanded":
            p = rpoly_at(rng, 1, level) ** rng.randint(1 + level, 3 + level) * rpoly_at(rng, 1, level)
            return {"question": f"Expand ${sp.latex(p)}$ fully.", "answer": to_text(sp.expand(p))}
        if form == "partial_fractions":
            roots = distinct_roots(rng, 2 + (level - 1) // 2, 9, 1 + (level - 1) // 3)
            f = sum(nz(rng, -9, 9) / _lin(r) for r in roots)
            if level >= 4:  # a repeated factor
                f += nz(rng, -9, 9) / _lin(roots[0]) ** 2
            return {"question": f"Decompose ${sp.latex(sp.factor(sp.together(f)))}$ into partial fractions.",
                    "answer": to_text(f)}
        # simplified: a rational expression that cancels
        g = sp.prod([x - nz(rng, -5 * level, 5 * level) for _ in range((level + 1) // 2)])
        p, q = rpoly_at(rng, 1 + (level - 1) // 2, level), rpoly_at(rng, 1 + level // 3, level)
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
