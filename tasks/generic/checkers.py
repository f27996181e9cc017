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


class MathAnswer(_Checker):
    id = "generic/math"
    description = "Any math answer checked for symbolic equivalence with a given ground truth."
    examples = _examples.MATH

    def instruction(self, identity: dict[str, Any]) -> str:
        return "Put the final answer (an exact expression) in \\boxed{}."

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Expression(float(identity.get("rel_tol", 1e-9)))


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
    id = "generic/formula"
    description = "A chemical formula checked for the same composition as a given formula."
    examples = _examples.FORMULA

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        # Checker-only callers compare compositions unless they send "reduced": false.
        return Formula(bool(identity.get("reduced", True)))


def register(registry: Any) -> None:
    for cls in (MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer):
        registry.register(cls)
