"""Checker-only tasks: score any answer against a ground truth the caller supplies.

These tasks have no generator of their own. Their identity is
``{"answer": "<ground truth>"}`` plus optional ``rel_tol``/``abs_tol`` (numbers)
or ``choices`` (multiple choice) and an optional ``question``. Other datasets
send such identities to the reward service to reuse bootcamp's verifiers.
``generate`` picks one of a few shipped examples, so the conformance checker
and the samplers have something to run.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from bootcamp.answers import Answer, AnswerTask, Choice, Expression, Formula, Number, Smiles
from bootcamp.verifiers.numeric import parse_number, tolerance_text
from tasks.generic import _examples


class _Checker(AnswerTask):
    """Shared parts: pick an example, render its question, the truth is ``identity['answer']``.

    Each subclass checks with one SDK answer kind (:mod:`bootcamp.answers`), configured by the identity.
    """

    examples: ClassVar[list[dict[str, Any]]] = []

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return dict(rng.choice(self.examples))

    def question(self, identity: dict[str, Any]) -> str:
        return str(identity.get("question") or "Answer the question.")

    def value(self, identity: dict[str, Any]) -> Any:
        return identity["answer"]

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["answer"])


class _MathExpression(Expression):
    """An expression compared with its symbols ranging over a stated domain (reals by default).

    ``rel_tol=None`` (no tolerance declared) compares an exact reference exactly and a decimal
    reference within :data:`bootcamp.verifiers.math_equiv.DECIMAL_REL_TOL`.
    """

    def __init__(self, rel_tol: float | None, domain: str) -> None:
        super().__init__(rel_tol)  # type: ignore[arg-type]
        self.domain = domain

    def compare(self, text: str, expected: Any) -> float:
        from bootcamp.verifiers.math_equiv import check_math

        return check_math(text, str(expected), self.rel_tol, self.domain)


def _declared_tolerance(value: Any) -> float | None:
    """An identity's ``rel_tol``: None when absent (exact comparison), else a number in [0, 1)."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        tol = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"rel_tol: not a number: {value!r}") from None
    if not 0.0 <= tol < 1.0:
        raise ValueError(f"rel_tol: must be in [0, 1), got {value!r}")
    return tol


class MathAnswer(_Checker):
    """Identity: ``answer``, optional ``rel_tol`` and ``domain`` ("real", the default, or
    "positive" when the question says its variables are positive).

    Without ``rel_tol`` an exact reference (integer, fraction, expression) is compared exactly
    and an approximate answer (``\\approx 42``) is invalid; a decimal reference (``3.14``) is
    compared within 1e-9 relative. A ``rel_tol`` in the identity applies to any reference.
    """

    #: 2: equivalence over the reals unless the identity says "domain": "positive"; more answer forms.
    #: 3: exact references compared exactly (no default 1e-9 tolerance), approximations refused.
    version = 3

    id = "generic/math"
    description = "Any math answer checked for symbolic equivalence with a given ground truth."
    examples = _examples.MATH

    def instruction(self, identity: dict[str, Any]) -> str:
        return "Put the final answer (an exact expression) in \\boxed{}."

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        from bootcamp.verifiers.math_domain import DOMAINS

        domain = str(identity.get("domain", "real"))
        if domain not in DOMAINS:
            raise ValueError(f"domain: unknown {domain!r}; valid: {sorted(DOMAINS)}")
        return _MathExpression(_declared_tolerance(identity.get("rel_tol")), domain)


class NumberAnswer(_Checker):
    version = 2
    id = "generic/number"
    description = "A numeric answer checked against a ground truth within a stated tolerance."
    examples = _examples.NUMBER
    #: Relative tolerance when the identity gives none.
    default_rel_tol: ClassVar[float] = 1e-6

    def _tols(self, identity: dict[str, Any]) -> tuple[float, float]:
        rel = identity.get("rel_tol")
        abs_ = float(identity.get("abs_tol", 0.0))
        return (float(rel) if rel is not None else (0.0 if abs_ else self.default_rel_tol)), abs_

    def prompt(self, identity: dict[str, Any]) -> str:
        rel, abs_ = self._tols(identity)
        question = str(identity.get("question") or "Give the number.")
        return (f"{question}\n\nGive the final answer as a number in \\boxed{{}}; it must be "
                f"{tolerance_text(rel, abs_)} of the true value.")

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Number(*self._tols(identity))

    def value(self, identity: dict[str, Any]) -> float:
        truth = parse_number(str(identity["answer"]))
        if truth is None:
            raise ValueError(f"ground truth {identity['answer']!r} is not a number")
        return truth


class ChoiceAnswer(_Checker):
    version = 2
    id = "generic/choice"
    description = "A multiple-choice answer (an option letter) checked against the right option."
    examples = _examples.CHOICE

    def prompt(self, identity: dict[str, Any]) -> str:
        question = str(identity.get("question") or "Pick the right option.")
        choices = identity.get("choices") or []
        options = "\n".join(f"{chr(ord('A') + i)}) {c}" for i, c in enumerate(choices))
        return f"{question}\n\n{options}\n\nAnswer with the option's letter in \\boxed{{}}."

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Choice(identity.get("choices"))


class SmilesAnswer(_Checker):
    id = "generic/smiles"
    description = "A molecule (SMILES or InChI) checked for identity with a given molecule."
    examples = _examples.SMILES

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Smiles(bool(identity.get("stereo", True)))


class FormulaAnswer(_Checker):
    # v2: atom for atom by default (CH2O is not C2H4O2); v1 compared reduced formulas.
    version = 2
    id = "generic/formula"
    description = ("A chemical formula checked atom for atom against a given formula "
                   "(as a reduced composition when the identity sets \"reduced\": true).")
    examples = _examples.FORMULA

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        # A molecular formula must match atom for atom; only a crystal composition asks for
        # reduced comparison, and only the JSON value true does (not "false" or 1).
        return Formula(identity.get("reduced") is True)


def register(registry: Any) -> None:
    for cls in (MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer):
        registry.register(cls)
