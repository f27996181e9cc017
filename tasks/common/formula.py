"""Table-driven numeric tasks: a question template, sampled inputs, a formula, a unit, a tolerance.

Physics, earth-science and biology modules describe each id as a :class:`Formula`
(a computed quantity, not a chemical formula) and register them all through
:class:`ComputedQuantityTask`; the per-id differences live in the table (the
``formula`` param names the entry), never in task-name dispatch. Answers are
checked by the SDK's answer kinds: an exact integer, a number, or a quantity
with a unit (:mod:`bootcamp.answers`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bootcamp.answers import INTEGER, Answer, AnswerTask, Number, Quantity
from bootcamp.verifiers.numeric import tolerance_text

# Constants stated in the prompts that use them.
G_EARTH = 9.81
G_NEWTON = 6.674e-11
C_LIGHT = 2.998e8
H_PLANCK = 6.626e-34
E_CHARGE = 1.602e-19
K_B = 1.381e-23
N_A = 6.022e23
R_GAS = 8.314
K_COULOMB = 8.988e9
EPS0 = 8.854e-12
MU0 = 4e-7 * math.pi
SIGMA_SB = 5.67e-8
M_E = 9.109e-31
M_P = 1.673e-27


@dataclass(frozen=True)
class Var:
    """One sampled input: uniform in [lo, hi] rounded to ``sig`` significant figures,
    a multiple of ``step`` above ``lo``, or one of ``choices``."""

    name: str
    lo: float = 0.0
    hi: float = 1.0
    sig: int = 3
    step: float | None = None
    choices: tuple[Any, ...] = ()

    def sample(self, rng: random.Random) -> Any:
        if self.choices:
            return self.choices[rng.randrange(len(self.choices))]
        if self.step is not None:
            n = int(round((self.hi - self.lo) / self.step))
            value = self.lo + self.step * rng.randint(0, n)
            return int(value) if float(self.step).is_integer() and float(self.lo).is_integer() else round(value, 10)
        return round_sig(rng.uniform(self.lo, self.hi), self.sig)


@dataclass(frozen=True)
class Formula:
    """One numeric question: ``question`` is formatted with the sampled inputs."""

    question: str
    variables: tuple[Var, ...]
    answer: Callable[[dict[str, Any]], float]
    unit: str = ""
    rel_tol: float = 0.01
    abs_tol: float = 0.0
    valid: Callable[[dict[str, Any]], bool] | None = None
    description: str = ""
    convert: bool = True
    integer: bool = False
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None)


#: Every formula by task id; filled by the modules that define them, at import.
FORMULAS: dict[str, Formula] = {}


def round_sig(x: float, sig: int = 3) -> float:
    """``x`` rounded to ``sig`` significant figures."""
    return float(f"{x:.{sig}g}") if x else 0.0


def fmt(x: Any) -> str:
    """A sampled value as the prompt shows it."""
    if isinstance(x, str):
        return x
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e6):
        return str(int(x))
    if 1e-3 <= abs(x) < 1e6:
        return f"{x:g}"
    mantissa, exponent = f"{x:.4g}".split("e") if "e" in f"{x:.4g}" else (f"{x:.4g}", "0")
    return f"{mantissa} × 10^{int(exponent)}"


def _answer_type(f: Formula) -> Answer:
    if f.integer:
        return INTEGER
    if f.unit:
        return Quantity(f.unit, f.rel_tol, f.abs_tol, f.convert)
    return Number(f.rel_tol, f.abs_tol)


def _answer_clause(f: Formula) -> str:
    if f.integer:
        return "Give the final answer as an integer in \\boxed{}."
    if not f.unit:
        return f"Give the final answer as a number in \\boxed{{}} ({tolerance_text(f.rel_tol, f.abs_tol)})."
    return _answer_type(f).instruction


class ComputedQuantityTask(AnswerTask):
    """A numeric question from the :data:`FORMULAS` table."""

    description = "A numeric science question from a formula table."
    default_params: dict[str, Any] = {"formula": ""}

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        if self.params["formula"] not in FORMULAS:
            raise ValueError(f"unknown formula {self.params['formula']!r}")
        self.formula = FORMULAS[self.params["formula"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        f = self.formula
        for _ in range(200):
            values = {v.name: v.sample(rng) for v in f.variables}
            if f.valid is not None and not f.valid(values):
                continue
            try:
                result = f.answer(values)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if math.isfinite(result) and abs(result) > 10 * f.abs_tol and abs(result) < 1e300:
                return values
        raise RuntimeError(f"{self.task_id}: no valid sample in 200 tries")

    def prompt(self, identity: dict[str, Any]) -> str:
        shown = {k: fmt(v) for k, v in identity.items()}
        if self.formula.extra is not None:
            shown.update(self.formula.extra(identity))
        return self.formula.question.format(**shown) + " " + _answer_clause(self.formula)

    @property
    def version(self) -> int:  # type: ignore[override]
        """2 where the answer is an integer or a unitless number (the SDK's stricter rules); a quantity is unchanged."""
        return 1 if self.formula.unit and not self.formula.integer else 2

    def value(self, identity: dict[str, Any]) -> float:
        """The exact answer of ``identity``."""
        return float(self.formula.answer(identity))

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return _answer_type(self.formula)


def add_formulas(domain: str, table: dict[str, Formula]) -> Callable[[Any], None]:
    """Put ``table`` into :data:`FORMULAS` under ``domain/name`` and return a ``register`` hook."""
    for name, f in table.items():
        FORMULAS[f"{domain}/{name}"] = f

    def register(registry: Any) -> None:
        for name, f in table.items():
            task_id = f"{domain}/{name}"
            registry.register(ComputedQuantityTask, task_id, {"formula": task_id}, f.description or None)

    return register
