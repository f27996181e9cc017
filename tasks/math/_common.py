"""Shared pieces of the math task library: a base class for "question -> sympy answer" tasks.

A family module defines generator functions ``fn(rng, level) -> (question, answer)``
(the answer is a sympy value), collects them in a dict, and registers one id per
generator with ``{"kind": name}`` in its params. Checking is math equivalence
(the SDK's :class:`bootcamp.answers.Expression` kind), never string match.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any, ClassVar

import sympy as sp

from bootcamp.answers import EXACT, ExpressionTask
from bootcamp.verifiers.math_equiv import parse_math, to_text

x, y, z, t, n, k = sp.symbols("x y z t n k")

Generator = Callable[[random.Random, int], tuple[str, Any]]


def tex(e: Any) -> str:
    """Inline LaTeX of a sympy value for a prompt."""
    return "$" + sp.latex(e) + "$"


def nz(rng: random.Random, lo: int, hi: int) -> int:
    """A random non-zero integer in [lo, hi]."""
    while True:
        v = rng.randint(lo, hi)
        if v:
            return v


def rpoly(rng: random.Random, deg: int, var: sp.Symbol = x, lo: int = -5, hi: int = 5) -> sp.Expr:
    """A random polynomial of exactly degree ``deg`` with small integer coefficients."""
    coeffs = [nz(rng, lo, hi)] + [rng.randint(lo, hi) for _ in range(deg)]
    return sum(c * var ** (deg - i) for i, c in enumerate(coeffs))


def perturb_value(v: Any, keep_constant: bool = False) -> list[Any]:
    """Clearly wrong variants of a sympy value: shifted, scaled, sign-flipped, an element dropped."""
    out: list[Any] = []
    if isinstance(v, sp.MatrixBase):
        m = sp.Matrix(v)
        m[0, 0] += 1
        out.append(m)
        out.append(sp.Matrix(v) * 2 if any(e != 0 for e in v) else sp.ones(*v.shape))
    elif isinstance(v, sp.Eq):
        out += [sp.Eq(v.lhs, v.rhs + 1), sp.Eq(v.lhs, 2 * v.rhs + 1)]
    elif isinstance(v, sp.Interval):
        out.append(sp.Interval(v.start, v.end, not v.left_open, v.right_open) if v.start.is_finite
                   else sp.Interval(v.start, v.end, v.left_open, not v.right_open))
        if v.end.is_finite:
            out.append(sp.Interval(v.start, v.end + 1, v.left_open, v.right_open))
        else:
            out.append(sp.Interval(v.start - 1, v.end, v.left_open, v.right_open))
    elif isinstance(v, sp.Union):
        out.append(v.args[0])
        out.append(sp.Union(*[perturb_value(a)[0] for a in v.args]))
    elif isinstance(v, sp.FiniteSet):
        items = list(v)
        if len(items) > 1:
            out.append(sp.FiniteSet(*items[1:]))
        changed = perturb_value(items[0])
        if changed:
            out.append(sp.FiniteSet(*([changed[0]] + items[1:])))
        if all(isinstance(i, sp.Expr) for i in items):
            out.append(sp.FiniteSet(*items, sum(abs(i) for i in items) + 1))
    elif isinstance(v, (sp.Tuple, tuple, list)):
        items = list(v)
        changed = perturb_value(items[0])
        if changed:
            out.append(tuple([changed[0]] + items[1:]))
        if len(items) > 1 and items[0] != items[-1]:
            out.append(tuple(items[::-1]))
    elif isinstance(v, sp.Expr):
        syms = sorted(v.free_symbols, key=lambda s: s.name)
        if syms:
            out.append(v + syms[0])
            out.append(2 * v + syms[0] if v != 0 else syms[0])
            if not keep_constant:
                out.append(v + 1)
        else:
            out += [v + 1, 2 * v + 1]
            if v != 0:
                out.append(-v)
    return out


#: The formulas of a question (``$...$``) and the tokens :meth:`SymTask.complexity` counts in them.
_FORMULA = re.compile(r"\$([^$]*)\$")
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\d|[A-Za-z]|[-+*/^=<>!|]")


class LevelsByKind:
    """Mixin for a family registered once per ``kind``: the kinds in ``unleveled_kinds`` (generators
    that do not yet build strictly harder problems level by level) have no levels, so they pose
    their level-1 problem and the quality checks only warn about them."""

    unleveled_kinds: ClassVar[frozenset[str]] = frozenset()
    #: The parameter that names a registration's kind.
    kind_param: ClassVar[str] = "kind"

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        key = self.kind_param
        if params.get(key, self.default_params.get(key)) in self.unleveled_kinds:  # type: ignore[attr-defined]
            self.levels = ()
            self.default_level = None
        super().__init__(task_id, **params)  # type: ignore[call-arg]


class SymTask(LevelsByKind, ExpressionTask):
    """A task whose identity holds a question and a reference answer in plain text."""

    #: 2: equivalence over the reals (not positive symbols), interval endpoints honoured, more answer forms.
    #: 3: exact answers compared exactly (no 1e-9 tolerance; an approximation is not an answer).
    version = 3
    description = "Math question with an exact symbolic answer."
    default_params: ClassVar[dict[str, Any]] = {"kind": "", "level": 1}
    #: Difficulty levels: each generator reads ``level`` (1 the easiest) and builds bigger problems with it.
    levels: ClassVar[tuple[dict[str, Any], ...]] = tuple({"level": k} for k in range(1, 6))
    default_level: ClassVar[int | None] = 1
    #: Generators of the family, by ``kind``.
    kinds: ClassVar[dict[str, Generator]] = {}
    answer_format: ClassVar[str] = EXACT

    def generate(self, rng: random.Random) -> dict[str, Any]:
        for _ in range(50):
            question, answer = self.kinds[self.params["kind"]](rng, self.params["level"])
            # 0 and infinity collide with stock hostile answers ("-0", "\\infty"): draw again
            if not (isinstance(answer, sp.Expr) and (answer == 0 or answer.has(sp.oo, -sp.oo, sp.zoo))):
                break
        return {"question": question, "answer": to_text(answer)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{identity['question']} {self.answer_format}"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Math tokens in the question's formulas and in the answer (digits, letters, operators,
        commands): more terms, higher degrees, bigger numbers and longer answers all count."""
        formulas = " ".join(_FORMULA.findall(identity["question"])) or identity["question"]
        return float(len(_MATH_TOKEN.findall(formulas)) + len(_MATH_TOKEN.findall(identity["answer"])))

    def value(self, identity: dict[str, Any]) -> str:
        return identity["answer"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        value = parse_math(identity["answer"])
        return [to_text(p) for p in perturb_value(value)] if value is not None else []


def register_kinds(registry: Any, cls: type[SymTask], table: list[tuple[str, str, str]], **params: Any) -> None:
    """Register ``cls`` once per ``(task id, kind, description)`` row."""
    for task_id, kind, desc in table:
        if kind not in cls.kinds:
            raise ValueError(f"{task_id}: unknown kind {kind!r}")
        registry.register(cls, task_id, {"kind": kind, **params}, desc)


def span(level: int, base: int = 5, step: int = 2) -> int:
    """The coefficient bound of a level: ``base`` at level 1, ``step`` more per level."""
    return base + step * (level - 1)


def rpoly_at(rng: random.Random, deg: int, level: int, var: sp.Symbol = x, base: int = 5, step: int = 2) -> sp.Expr:
    """:func:`rpoly` with coefficients in ``[-span, span]`` for the level (level 1: ``[-base, base]``)."""
    s = span(level, base, step)
    return rpoly(rng, deg, var, -s, s)


def frac_root(rng: random.Random, bound: int, max_den: int) -> sp.Rational:
    """A rational number ``p/q`` with ``|p| <= bound`` and ``1 <= q <= max_den`` (an integer for ``max_den`` 1)."""
    return sp.Rational(rng.randint(-bound, bound), rng.randint(1, max_den))


def distinct_roots(rng: random.Random, count: int, bound: int, max_den: int = 1) -> list[sp.Rational]:
    """``count`` distinct rational roots (see :func:`frac_root`)."""
    out: list[sp.Rational] = []
    while len(out) < count:
        r = frac_root(rng, bound, max_den)
        if r not in out:
            out.append(r)
    return out


def math_tokens(text: str) -> int:
    """Math tokens in ``text`` as :meth:`SymTask.complexity` counts them (digits, letters, operators, commands)."""
    return len(_MATH_TOKEN.findall(text))
