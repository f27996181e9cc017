"""Very easy arithmetic on single digits: short prompts, one-token answers.

Meant for smoke tests and the training quickstart, where a tiny model on a
CPU must learn something within minutes.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp import Task, invalid
from bootcamp.answers import IntegerTask, YesNoTask

_FMT = "Answer in \\boxed{}."


class DigitOp(IntegerTask):
    """One operation on one or two single digits, with a single-digit answer."""

    version = 2

    description = "A one-digit arithmetic fact."
    default_params = {"op": "add"}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        op = self.params["op"]
        if op == "add":  # sums stay single digits
            a = rng.randint(0, 9)
            return {"a": a, "b": rng.randint(0, 9 - a)}
        if op == "max":
            a, b = rng.sample(range(10), 2)
            return {"a": a, "b": b}
        return {"a": rng.randint(0, 8)}  # successor

    def prompt(self, identity: dict[str, Any]) -> str:
        a, b = identity["a"], identity.get("b")
        text = {"add": f"{a}+{b}=?", "max": f"max({a},{b})=?", "next": f"{a}+1=?"}[self.params["op"]]
        return f"{text} {_FMT}"

    def format_answer(self, answer: str) -> str:
        return f"\\boxed{{{answer}}}"

    def value(self, identity: dict[str, Any]) -> int:
        a, b = identity["a"], identity.get("b", 0)
        return {"add": a + b, "max": max(a, b), "next": a + 1}[self.params["op"]]


class Parity(Task):
    id = "math/digit_parity"
    description = "Say whether a single digit is even or odd."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randint(0, 9)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Is {identity['n']} even or odd? {_FMT}"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        word = answer.strip().strip(".").lower()
        if len(word) > 20 or word not in ("even", "odd"):
            return invalid("expected 'even' or 'odd'")
        return float(word == self.solve(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return "odd" if identity["n"] % 2 else "even"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return ["even" if answer == "odd" else "odd", "both"]

    def format_answer(self, answer: str) -> str:
        return f"\\boxed{{{answer}}}"


class Below(YesNoTask):
    version = 2
    id = "math/digit_below"
    description = "Say whether a single digit is below a threshold (yes or no)."
    default_params = {"threshold": 5}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randint(0, 9)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Is {identity['n']} less than {self.params['threshold']}? Say yes or no. {_FMT}"

    def value(self, identity: dict[str, Any]) -> bool:
        return identity["n"] < self.params["threshold"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return super().perturb(answer, identity) + ["maybe"]

    def format_answer(self, answer: str) -> str:
        return f"\\boxed{{{answer}}}"


def register(registry: Any) -> None:
    registry.register(DigitOp, "math/digit_add", {"op": "add"}, "Add two digits whose sum is a digit.")
    registry.register(DigitOp, "math/digit_max", {"op": "max"}, "The larger of two different digits.")
    registry.register(DigitOp, "math/digit_next", {"op": "next"}, "The digit after a digit.")
    registry.register(Parity)
    registry.register(Below)
