"""Ordinary differential equations: initial value problems checked by substitution.

The answer is substituted into the ODE and the initial conditions are checked,
so any correct closed form scores (``e^{-x}`` and ``1/e^x`` alike).
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import sympy as sp

from bootcamp import Score, Task, invalid
from bootcamp.verifiers.math_equiv import is_scalar, parse_math, to_text
from tasks.math._common import LevelsByKind, distinct_roots, frac_root, math_tokens, nz, rpoly_at, x

Y = sp.Symbol("y")



def _char_roots(rng: random.Random, level: int) -> tuple[list[sp.Rational], sp.Expr, sp.Expr, sp.Expr]:
    """Two distinct characteristic roots (rational from level 3 on) and the integer coefficients
    ``p2, p1, p0`` of the characteristic polynomial ``(d1 r - n1)(d2 r - n2)``."""
    r1, r2 = distinct_roots(rng, 2, 4 + level, 1 if level < 3 else level - 1)
    poly = sp.Poly(sp.expand((sp.denom(r1) * x - sp.numer(r1)) * (sp.denom(r2) * x - sp.numer(r2))), x)
    p2, p1, p0 = poly.all_coeffs()
    return [r1, r2], p2, p1, p0


def _family(kind: str, rng: random.Random, level: int) -> dict[str, Any]:
    s = 9 * level  # constants of the solution: bigger numbers at higher levels
    A, B = nz(rng, -s, s), nz(rng, -s, s)
    if kind == "growth":
        k, m = frac_root(rng, 9, 4 + level), rng.randint(1, 5)
        if k == 0:
            k = sp.Integer(level)
        return {"p2": 0, "p1": m, "p0": -m * k, "g": 0, "y": A * sp.exp(k * x) / rng.randint(1, level)}
    if kind == "first_order_linear":
        a, b, m = nz(rng, -9, 9) / sp.Integer(rng.randint(1, level)), nz(rng, -20 * level, 20 * level), rng.randint(1, 3)
        return {"p2": 0, "p1": m, "p0": m * a, "g": m * b, "y": b / a + A * sp.exp(-a * x)}
    if kind == "first_order_forced":
        a = nz(rng, -5, 5)
        g = rpoly_at(rng, level, level, base=9)
        # y' + a y = g: y_p = sum_j (-1)^j g^(j) / a^(j+1)
        yp = sum((-1) ** j * sp.diff(g, x, j) / sp.Integer(a) ** (j + 1) for j in range(level + 1))
        return {"p2": 0, "p1": 1, "p0": a, "g": g, "y": sp.expand(yp) + A * sp.exp(-a * x)}
    if kind == "separable":
        q = rpoly_at(rng, level, level, base=9)  # y' = q(x) y  =>  y = A exp(integral of q)
        return {"p2": 0, "p1": 1, "p0": -q, "g": 0, "y": A * sp.exp(sp.integrate(q, x))}
    if kind == "direct_integration":
        g = sum(rng.randint(-5 * level, 5 * level) * x**i for i in range(2 + level)) + \
            nz(rng, -3 * level, 3 * level) * rng.choice([sp.cos, sp.sin, sp.exp])(rng.randint(1, level) * x)
        return {"p2": 0, "p1": 1, "p0": 0, "g": g, "y": sp.integrate(g, x) + A}
    (r1, r2), p2, p1, p0 = _char_roots(rng, level)
    if kind == "distinct_roots":
        return {"p2": p2, "p1": p1, "p0": p0, "g": 0, "y": A * sp.exp(r1 * x) + B * sp.exp(r2 * x)}
    if kind == "repeated_root":
        d = 1 if level < 3 else rng.randint(1, level - 1)
        q = sp.Rational(rng.randint(-4 - 2 * level, 4 + 2 * level), d)
        return {"p2": sp.denom(q) ** 2, "p1": -2 * sp.numer(q) * sp.denom(q), "p0": sp.numer(q) ** 2, "g": 0,
                "y": (A + B * x) * sp.exp(q * x)}
    if kind == "complex_roots":
        al, be = rng.randint(-2 - 2 * level, 2 + 2 * level), rng.randint(1, 4 + 2 * level)
        return {"p2": 1, "p1": -2 * al, "p0": al * al + be * be, "g": 0,
                "y": sp.exp(al * x) * (A * sp.cos(be * x) + B * sp.sin(be * x))}
    if kind == "forced_constant":
        if 0 in (r1, r2):
            return _family(kind, rng, level)
        c = nz(rng, -12 * level, 12 * level)
        return {"p2": p2, "p1": p1, "p0": p0, "g": c, "y": A * sp.exp(r1 * x) + B * sp.exp(r2 * x) + c / p0}
    # forced_exponential: g = c e^{m x}, m not a root
    m = next(v for v in rng.sample(range(-4 - level, 5 + level), 9 + 2 * level) if v not in (r1, r2))
    c = nz(rng, -level, level) if level > 1 else 1
    d = p2 * m * m + p1 * m + p0
    return {"p2": p2, "p1": p1, "p0": p0, "g": c * sp.exp(m * x),
            "y": A * sp.exp(r1 * x) + B * sp.exp(r2 * x) + c * sp.exp(m * x) / d}


def _evaluator(c: sp.Expr):  # noqa: ANN202 - a small closure
    """A fast numeric evaluator of a reference coefficient (lambdify costs ~5 ms a call)."""
    if not c.free_symbols:
        value = mpmath.mpmathify(complex(c))
        return lambda _xv: value
    return lambda xv: mpmath.mpmathify(complex(c.xreplace({x: sp.Float(str(xv), 30)}).evalf(30)))


def _satisfies(sol: sp.Expr, p2: sp.Expr, p1: sp.Expr, p0: sp.Expr, g: sp.Expr, y0: sp.Expr,
               dy0: sp.Expr) -> str | None:
    """None when ``sol`` satisfies the ODE and the initial conditions, else why not.

    Derivatives are taken numerically with mpmath at 30 digits: symbolic ``diff`` of
    model answers is 10-100x slower and the substitution check does not need it.
    """
    try:
        f = sp.lambdify(x, sol, "mpmath")
        coef = [_evaluator(c) for c in (p2, p1, p0, g)]
        with mpmath.workdps(30):
            for x0 in ("0.15", "0.55", "0.9", "1.3"):
                xv = mpmath.mpf(x0)
                vals = [mpmath.diff(f, xv, 2) if p2 != 0 else 0, mpmath.diff(f, xv, 1), f(xv)]
                terms = [c(xv) * v for c, v in zip(coef[:3], vals, strict=True)]
                rhs = coef[3](xv)
                scale = sum(abs(t) for t in terms) + abs(rhs) + mpmath.mpf("1e-20")
                if abs(sum(terms) - rhs) > mpmath.mpf("1e-12") * scale:
                    return "does not satisfy the ODE"
            if abs(f(mpmath.mpf(0)) - complex(y0)) > 1e-12 * (1 + abs(complex(y0))):
                return "misses y(0)"
            if p2 != 0 and abs(mpmath.diff(f, 0) - complex(dy0)) > 1e-10 * (1 + abs(complex(dy0))):
                return "misses y'(0)"
    except (TypeError, ValueError, ArithmeticError, NameError, AttributeError, SyntaxError, KeyError):
        return "cannot evaluate the answer"
    return None


def _coef(c: sp.Expr) -> str:
    if c == 1:
        return ""
    if c == -1:
        return "-"
    return sp.latex(c) + " " if c.is_number else f"\\left({sp.latex(c)}\\right) "


class InitialValueProblem(LevelsByKind, Task):
    """Solve a linear ODE with initial conditions; checked by substituting the answer."""

    #: 2: wider problem spaces, five difficulty levels (bigger constants, higher degrees, rational roots).
    version = 2
    default_params = {"kind": "growth", "level": 1}
    # No levels yet: the generators read ``level``, but the complexity of several kinds does not rise
    # strictly from level 4 to 5 (complex roots, distinct roots, forced terms, growth).
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """Math tokens in the equation, the initial conditions and the reference solution."""
        return float(sum(math_tokens(identity[k]) for k in ("p2", "p1", "p0", "g", "y0", "dy0", "answer")))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        fam = _family(self.params["kind"], rng, self.params["level"])
        sol = fam["y"]
        ident = {k: to_text(sp.sympify(fam[k])) for k in ("p2", "p1", "p0", "g")}
        ident["y0"] = to_text(sol.subs(x, 0))
        ident["dy0"] = to_text(sp.diff(sol, x).subs(x, 0))
        ident["answer"] = to_text(sol)
        return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        p2, p1, p0, g = (parse_math(identity[k]) for k in ("p2", "p1", "p0", "g"))
        terms = [(c, name) for c, name in ((p2, "y''"), (p1, "y'"), (p0, "y")) if c != 0]
        lhs = " + ".join(_coef(c) + name for c, name in terms).replace("+ -", "- ")
        ics = f"$y(0) = {sp.latex(parse_math(identity['y0']))}$"
        if p2 != 0:
            ics += f" and $y'(0) = {sp.latex(parse_math(identity['dy0']))}$"
        return (f"Solve the initial value problem ${lhs} = {sp.latex(g)}$ with {ics}. "
                "Give $y(x)$ as an explicit expression in $x$ in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        sol = parse_math(answer)
        if isinstance(sol, sp.Eq) and sol.lhs == Y:
            sol = sol.rhs
        if not is_scalar(sol):
            return invalid("not an expression")
        if not sol.free_symbols <= {x}:
            return Score(0.0, "wrong", "the answer has free constants or other variables")
        p2, p1, p0, g = (parse_math(identity[k]) for k in ("p2", "p1", "p0", "g"))
        verdict = _satisfies(sol, p2, p1, p0, g, parse_math(identity["y0"]), parse_math(identity["dy0"]))
        return 1.0 if verdict is None else Score(0.0, "wrong", verdict)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["answer"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        sol = parse_math(identity["answer"])
        wrong = [sol + 1, 2 * sol, -sol, sol + x, sol * sp.exp(x)]
        return [to_text(w) for w in wrong if self.check(to_text(w), identity) < 1.0]


KINDS = {
    "growth": "Exponential growth/decay y' = ky with y(0).",
    "first_order_linear": "First-order linear ODE y' + ay = b with y(0).",
    "first_order_forced": "First-order linear ODE y' + ay = x with y(0).",
    "separable": "Separable ODE y' = kxy with y(0).",
    "direct_integration": "ODE y' = g(x) solved by integration, with y(0).",
    "distinct_roots": "Second-order homogeneous ODE, distinct real characteristic roots, IVP.",
    "repeated_root": "Second-order homogeneous ODE, repeated characteristic root, IVP.",
    "complex_roots": "Second-order homogeneous ODE, complex characteristic roots, IVP.",
    "forced_constant": "Second-order ODE with constant forcing, IVP.",
    "forced_exponential": "Second-order ODE with exponential forcing, IVP.",
}


def register(registry: Any) -> None:
    for kind, desc in KINDS.items():
        registry.register(InitialValueProblem, f"math/ode_{kind}", {"kind": kind}, desc)
