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

from bootcamp import Task
from bootcamp.verifiers.formula import check_formula
from bootcamp.verifiers.math_equiv import check_math
from bootcamp.verifiers.numeric import check_number, parse_number, tolerance_text
from bootcamp.verifiers.smiles import check_smiles
from bootcamp.verifiers.strings import check_choice
from tasks.generic import _examples


class _Checker(Task):
    """Shared parts: pick an example, render its question, the truth is ``identity['answer']``."""

    examples: ClassVar[list[dict[str, Any]]] = []
    answer_format: ClassVar[str] = "Put the final answer in \\boxed{}."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return dict(rng.choice(self.examples))

    def prompt(self, identity: dict[str, Any]) -> str:
        question = str(identity.get("question") or "Answer the question.")
        return f"{question}\n\n{self.answer_format}"

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["answer"])


class MathAnswer(_Checker):
    id = "generic/math"
    description = "Any math answer checked for symbolic equivalence with a given ground truth."
    examples = _examples.MATH
    answer_format = "Put the final answer (an exact expression) in \\boxed{}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_math(answer, str(identity["answer"]), float(identity.get("rel_tol", 1e-9)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [f"({answer}) + 1", f"2({answer})", f"-({answer})"]


class NumberAnswer(_Checker):
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

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        rel, abs_ = self._tols(identity)
        truth = parse_number(str(identity["answer"]))
        if truth is None:
            raise ValueError(f"ground truth {identity['answer']!r} is not a number")
        return check_number(answer, truth, rel, abs_)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        value = parse_number(answer)
        if value is None:
            return []
        rel, abs_ = self._tols(identity)
        step = max(abs(value) * rel * 10, abs_ * 10, 1e-9)
        return [repr(value + step), repr(value - step), repr(-value - step), repr(value * 2 + step)]


class ChoiceAnswer(_Checker):
    id = "generic/choice"
    description = "A multiple-choice answer (an option letter) checked against the right option."
    examples = _examples.CHOICE

    def prompt(self, identity: dict[str, Any]) -> str:
        question = str(identity.get("question") or "Pick the right option.")
        choices = identity.get("choices") or []
        options = "\n".join(f"{chr(ord('A') + i)}) {c}" for i, c in enumerate(choices))
        return f"{question}\n\n{options}\n\nAnswer with the option's letter in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_choice(answer, str(identity["answer"]), identity.get("choices"))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        n = len(identity.get("choices") or []) or 4
        letters = [chr(ord("A") + i) for i in range(n)]
        truth = str(identity["answer"]).strip().upper()
        return [c for c in letters if c != truth] + [f"{truth}, {next(c for c in letters if c != truth)}"]


class SmilesAnswer(_Checker):
    id = "generic/smiles"
    description = "A molecule (SMILES or InChI) checked for identity with a given molecule."
    examples = _examples.SMILES
    answer_format = "Give the molecule as a SMILES string in \\boxed{}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_smiles(answer, str(identity["answer"]), bool(identity.get("stereo", True)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + "C", answer + "O", "C" + answer + "N"]


class FormulaAnswer(_Checker):
    id = "generic/formula"
    description = "A chemical formula checked for the same composition as a given formula."
    examples = _examples.FORMULA
    answer_format = "Give the chemical formula (e.g. Fe2O3) in \\boxed{}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_formula(answer, str(identity["answer"]), bool(identity.get("reduced", True)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + "O", answer + "H2", "C" + answer]


def register(registry: Any) -> None:
    for cls in (MathAnswer, NumberAnswer, ChoiceAnswer, SmilesAnswer, FormulaAnswer):
        registry.register(cls)
