"""Shared answer kinds for the materials tasks: numbers, integers, yes/no, formulas, sets, Miller indices.

Each base class turns a per-family ``value``/``question`` pair into the full
task contract (prompt with format and tolerance, check, solve, perturb).
Not a task module (leading underscore): it registers nothing.
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
from bootcamp.verifiers.formula import check_formula, parse_formula, same_composition
from bootcamp.verifiers.numeric import parse_number, tolerance_text

DATA = Path(__file__).parent / "data"

_NUM_FIX = str.maketrans({"³": "3", "²": "2", "−": "-", "–": "-"})


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def fmt(x: float, sig: int = 6) -> str:
    """A number written plainly with ``sig`` significant digits (no trailing zeros)."""
    if x == 0:
        return "0"
    s = f"{x:.{sig}g}"
    if "e" in s:
        return s
    return s


def frac_text(x: float) -> str:
    """1/3 style text for simple fractions, else a decimal."""
    f = Fraction(x).limit_denominator(12)
    if abs(float(f) - x) < 2e-6:
        return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    return f"{x:.4f}"


class NumericTask(Task):
    """An answer that is one number, checked within a relative and/or absolute tolerance."""

    default_params: dict[str, Any] = {"rel_tol": 0.005, "abs_tol": 0.0}
    unit: str = ""

    def value(self, identity: dict[str, Any]) -> float:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        tol = tolerance_text(self.params["rel_tol"], self.params["abs_tol"])
        unit = f" in {self.unit}" if self.unit else ""
        return (f"{self.question(identity)}\n\nGive the answer as a number{unit} ({tol} is accepted), "
                "without units, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 200:
            return invalid("not a number")
        text = answer.translate(_NUM_FIX)
        # Units such as g/cm^3 are fine; powers of numbers (2^2^2) are expressions, not answers.
        if "**" in text or re.search(r"(?<!10)(?<!10\s)\^\s*[-+{(]*\s*\d", re.sub(r"[A-Za-zÅ]\^\s*\{?-?\d", "", text)):
            return invalid("not a plain number")
        value = parse_number(text)
        if value is None:
            return invalid("not a number")
        want = self.value(identity)
        if math.isfinite(value) and math.isclose(value, want, rel_tol=self.params["rel_tol"],
                                                 abs_tol=self.params["abs_tol"]):
            return 1.0
        return Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return fmt(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        step = max(abs(v) * self.params["rel_tol"] * 5, self.params["abs_tol"] * 5, 1e-6)
        return [fmt(v + step), fmt(v - step), fmt(v * 2 + step), fmt(-v - step)]


class IntegerTask(Task):
    """An answer that is one exact integer."""

    def value(self, identity: dict[str, Any]) -> int:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self.question(identity)}\n\nGive the answer as an integer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 40:
            return invalid("not an integer")
        t = re.sub(r"\\text\{([^{}]*)\}", r"\1", answer.translate(_NUM_FIX)).strip().strip("$").strip().rstrip(".")
        m = re.fullmatch(r"(\d{1,2})([+-])", t)  # a charge written 3+ or 2-
        if m:
            t = m.group(2) + m.group(1)
        m = re.fullmatch(r"([-+]?\d{1,12})(?:\s+[A-Za-z][A-Za-z ]{0,30})?", t)  # "8 atoms" is 8
        if not m:
            return invalid("not an integer")
        return 1.0 if int(m.group(1)) == self.value(identity) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [str(v + 1), str(v - 1), str(2 * v + 3), str(-v - 2)]


_YES = {"yes"}
_NO = {"no"}


class YesNoTask(Task):
    """An answer that is yes or no."""

    def value(self, identity: dict[str, Any]) -> bool:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self.question(identity)}\n\nAnswer yes or no in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 40:
            return invalid("not yes or no")
        word = re.sub(r"\\text\{([^{}]*)\}", r"\1", answer).strip().strip(".!").strip().lower()
        if word in _YES:
            got = True
        elif word in _NO:
            got = False
        else:
            return invalid("not yes or no")
        return 1.0 if got == self.value(identity) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return "yes" if self.value(identity) else "no"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return ["no" if self.value(identity) else "yes"]


def perturb_formula(formula: str, rng_key: str = "") -> list[str]:
    """Wrong formulas near ``formula``: one amount changed, one element swapped."""
    comp = parse_formula(formula)
    if comp is None:
        return []
    amounts = {e.symbol: comp[e] for e in comp.elements}
    out = []
    els = list(amounts)
    first = els[0]
    if len(els) > 1:  # for a pure element a changed amount is the same reduced formula
        bumped = dict(amounts)
        bumped[first] = bumped[first] + 1
        out.append(formula_text(bumped))
    swap = {"O": "S", "S": "Se", "Cl": "Br", "F": "Cl", "N": "P", "Fe": "Co", "Na": "K", "Li": "Na"}
    for el in els:
        new = swap.get(el, "O" if el != "O" else "S")
        if new not in amounts:
            changed = {(new if k == el else k): v for k, v in amounts.items()}
            out.append(formula_text(changed))
            break
    if len(els) > 1:
        fewer = dict(amounts)
        fewer.pop(els[-1])
        out.append(formula_text(fewer))
    return out


def formula_text(amounts: dict[str, float]) -> str:
    """Write element amounts as a formula (integers without decimals)."""
    parts = []
    for el, amt in amounts.items():
        if abs(amt - 1) < 1e-9:
            parts.append(el)
        elif abs(amt - round(amt)) < 1e-9:
            parts.append(f"{el}{int(round(amt))}")
        else:
            parts.append(f"{el}{amt:g}")
    return "".join(parts)


class FormulaTask(Task):
    """An answer that is one chemical formula, compared as a reduced composition."""

    reduced: bool = True

    def value(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.question(identity)}\n\nGive the chemical formula (e.g. Fe2O3) in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_formula(answer, self.value(identity), reduced=self.reduced)

    def solve(self, identity: dict[str, Any]) -> str:
        return self.value(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return perturb_formula(self.value(identity))


def _wrapped(t: str) -> bool:
    """True when the first bracket closes at the very end, as in {a, b} (not (NH4)2SO4, Ca(OH)2)."""
    if len(t) < 2 or t[0] not in "{[(" or t[-1] not in "}])":
        return False
    depth = 0
    for i, c in enumerate(t):
        depth += c in "{[("
        depth -= c in "}])"
        if depth == 0:
            return i == len(t) - 1
    return False


def split_list(answer: str, limit: int = 12) -> list[str] | None:
    """Items of a comma/semicolon/'and'-separated list, or None when it is not one."""
    if not isinstance(answer, str) or len(answer) > 400:
        return None
    t = answer.strip().strip("$").strip()
    t = re.sub(r"\\text\{([^{}]*)\}", r"\1", t)
    if _wrapped(t):
        t = t[1:-1]
    items = [s.strip() for s in re.split(r",|;|\band\b|\+", t) if s.strip()]
    if not items or len(items) > limit:
        return None
    return items


class FormulaSetTask(Task):
    """An answer that is an unordered set of formulas (each compared as a reduced composition)."""

    def value(self, identity: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.question(identity)}\n\nList the formulas, separated by commas and in any order, "
                "in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        items = split_list(answer)
        if items is None:
            return invalid("not a list of formulas")
        comps = [parse_formula(i) for i in items]
        if any(c is None for c in comps):
            return invalid("not a list of formulas")
        want = [parse_formula(f) for f in self.value(identity)]
        matched = [any(same_composition(c, w) for c in comps) for w in want]
        extra = [not any(same_composition(c, w) for w in want) for c in comps]
        if all(matched) and not any(extra):
            return 1.0
        return Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        items = self.value(identity)
        out = []
        if len(items) > 1:
            out.append(", ".join(items[:-1]))
        for wrong in perturb_formula(items[0])[:2]:
            out.append(", ".join([wrong] + items[1:]))
        return out


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
