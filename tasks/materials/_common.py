"""Shared pieces of the materials tasks: data loading, number formats, Miller indices.

The answer types (numbers, integers, yes/no, formulas) are the SDK's
(:mod:`bootcamp.answers`); ``NumericTask`` and ``FormulaSetTask`` only fix how the
materials tasks configure them. Not a task module (leading underscore): it
registers nothing.
"""

from __future__ import annotations

import json
import math
import random
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import Formula, NumberTask, SetTask

DATA = Path(__file__).parent / "data"


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def frac_text(x: float) -> str:
    """1/3 style text for simple fractions, else a decimal."""
    f = Fraction(x).limit_denominator(12)
    if abs(float(f) - x) < 2e-6:
        return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    return f"{x:.4f}"


class NumericTask(NumberTask):
    """A number within the tolerance of the task's ``rel_tol``/``abs_tol`` params (the prompt states it)."""

    version = 2

    default_params: dict[str, Any] = {"rel_tol": 0.005, "abs_tol": 0.0}

    def tolerance(self) -> tuple[float, float]:
        return self.params["rel_tol"], self.params["abs_tol"]

    @property
    def percent(self) -> bool:  # type: ignore[override]
        return self.unit.startswith("percent")


class FormulaSetTask(SetTask):
    """An unordered set of formulas, each compared as a reduced composition (these are crystal phases)."""

    version = 2

    item_kind = Formula(reduced=True)
    noun = "formulas"


_BAR = re.compile(r"\\(?:bar|overline)\s*\{?\s*(\d)\s*\}?")


def parse_indices(answer: str, n: int) -> list[int] | None:
    """Miller(-Bravais) indices written as (hkl), [uvw], 'h k l', '1,-1,0' or with \\bar{1}; None otherwise."""
    if not isinstance(answer, str) or len(answer) > 80:
        return None
    t = answer.strip().strip("$").strip()
    t = _BAR.sub(r"-\1", t)
    t = re.sub(r"(\d)\u0304", r"-\1", t)  # combining overline after the digit
    t = t.replace("−", "-").replace("\\left", "").replace("\\right", "")
    t = t.strip("()[]{}<>\\ ")
    t = t.replace("\\langle", "").replace("\\rangle", "")
    if re.fullmatch(r"-?\d(?:\s*-?\d)*", t) and "," not in t and " " not in t.strip():
        nums = re.findall(r"-?\d", t)  # compact form such as 1-10 means (1, -1, 0)
    else:
        if not re.fullmatch(r"[-\d\s,]+", t):
            return None
        nums = re.findall(r"-?\d+", t)
    if len(nums) != n:
        return None
    vals = [int(x) for x in nums]
    if any(abs(v) > 99 for v in vals) or not any(vals):
        return None
    return vals


def indices_text(v: list[int], kind: str = "()") -> str:
    return kind[0] + " ".join(str(x) for x in v) + kind[1]


def reduce_indices(v: list[int]) -> list[int]:
    g = 0
    for x in v:
        g = math.gcd(g, abs(x))
    return [x // g for x in v] if g else list(v)


class IndicesTask(Task):
    """An answer that is a set of Miller(-Bravais) indices, smallest integers, equal up to overall sign."""

    kind: str = "()"
    #: Planes (hkl) and (-h-k-l) are the same plane; a direction and its opposite are not.
    allow_negation: bool = True

    def value(self, identity: dict[str, Any]) -> list[int]:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        n = len(self.value(identity))
        example = "(1 -1 0)" if n == 3 else "(1 0 -1 2)"
        if self.kind == "[]":
            example = example.replace("(", "[").replace(")", "]")
        return (f"{self.question(identity)}\n\nGive the {n} indices as the smallest integers, with negative "
                f"indices written with a minus sign (e.g. {example}), in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        want = self.value(identity)
        got = parse_indices(answer, len(want))
        if got is None:
            return invalid("not a set of indices")
        if got == want or (self.allow_negation and got == [-x for x in want]):
            return 1.0
        return Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return indices_text(self.value(identity), self.kind)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        out = []
        for i in range(len(v)):
            w = list(v)
            w[i] += 1
            out.append(indices_text(w, self.kind))
        out.append(indices_text([2 * x for x in v], self.kind))
        if not self.allow_negation:
            out.append(indices_text([-x for x in v], self.kind))
        return out


def pick(rng: random.Random, items: list[Any]) -> Any:
    return items[rng.randrange(len(items))]
