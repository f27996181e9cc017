"""Arithmetic puzzles: the 24 game, countdown numbers, digit strings to a target, cryptarithms.

Expressions are parsed with ``ast`` (never evaluated by Python) and computed with exact fractions.
"""

from __future__ import annotations

import ast
import random
import re
from fractions import Fraction
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import unwrap
from tasks.logic._common import too_long

_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b if b != 0 else None}


class BadExpression(ValueError):
    pass


def parse_expression(text: str, max_len: int = 200) -> ast.AST:
    """The AST of a + - * / expression over integer literals (with ×, ÷, x as synonyms)."""
    if too_long(text, max_len):
        raise BadExpression("too long")
    t = unwrap(text).replace("\\times", "*").replace("\\cdot", "*").replace("\\div", "/")
    t = t.replace("×", "*").replace("÷", "/").replace("−", "-").replace("x", "*").replace("X", "*")
    t = t.replace("\\left", "").replace("\\right", "").replace("[", "(").replace("]", ")")
    t = t.split("=")[0]
    if not re.fullmatch(r"[\d\s+\-*/().]+", t) or "**" in t or "//" in t:
        raise BadExpression("only digits, + - * / and brackets are allowed")
    try:
        tree = ast.parse(t.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise BadExpression("does not parse") from exc
    return tree.body


def evaluate(node: ast.AST, numbers: list[int], positive_integers: bool = False, allow_unary: bool = False) -> Fraction:
    """Exact value of ``node``; its integer literals are appended to ``numbers``.

    With ``positive_integers`` every intermediate result must be a positive integer (countdown rules).
    """
    if isinstance(node, ast.Constant) and type(node.value) is int:
        if node.value > 10**6:
            raise BadExpression("number too large")
        numbers.append(node.value)
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and allow_unary:
        return -evaluate(node.operand, numbers, positive_integers, allow_unary)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a = evaluate(node.left, numbers, positive_integers, allow_unary)
        b = evaluate(node.right, numbers, positive_integers, allow_unary)
        value = _OPS[type(node.op)](a, b)
        if value is None:
            raise BadExpression("division by zero")
        if positive_integers and (value.denominator != 1 or value <= 0):
            raise BadExpression("intermediate results must be positive integers")
        return value
    raise BadExpression(f"unsupported element {type(node).__name__}")


def _combine(items: list[tuple[Fraction, str]], target: Fraction, positive_integers: bool,
             dead: set[tuple[Fraction, ...]] | None = None) -> str | None:
    """An expression over all ``items`` reaching ``target`` (exhaustive search; ``dead`` memoises failures)."""
    if len(items) == 1:
        return items[0][1] if items[0][0] == target else None
    dead = set() if dead is None else dead
    key = tuple(sorted(v for v, _ in items))
    if key in dead:
        return None
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (a, ea), (b, eb) = items[i], items[j]
            rest = [items[k] for k in range(len(items)) if k not in (i, j)]
            cands = [(a + b, f"({ea} + {eb})"), (a - b, f"({ea} - {eb})"), (b - a, f"({eb} - {ea})"),
                     (a * b, f"({ea} * {eb})")]
            if b != 0:
                cands.append((a / b, f"({ea} / {eb})"))
            if a != 0:
                cands.append((b / a, f"({eb} / {ea})"))
            for value, expr in cands:
                if positive_integers and (value.denominator != 1 or value <= 0):
                    continue
                found = _combine(rest + [(value, expr)], target, positive_integers, dead)
                if found:
                    return found
    dead.add(key)
    return None


def strip_outer(expr: str) -> str:
    return expr[1:-1] if expr.startswith("(") and expr.endswith(")") else expr


def random_expression(rng: random.Random, numbers: list[int]) -> tuple[Fraction, str]:
    """Combine all ``numbers`` with random operations, pair by pair, into one (value, expression)."""
    pool = [(Fraction(n), str(n)) for n in numbers]
    while len(pool) > 1:
        (a, ea), (b, eb) = pool.pop(rng.randrange(len(pool))), pool.pop(rng.randrange(len(pool)))
        options = [(a + b, f"({ea} + {eb})"), (a * b, f"({ea} * {eb})"), (a - b, f"({ea} - {eb})")]
        if b != 0:
            options.append((a / b, f"({ea} / {eb})"))
        pool.append(rng.choice(options))
    return pool[0]


class TwentyFour(Task):
    """Use each of the given numbers exactly once with + - * / and brackets to make a target (24 and others).

    The target is drawn as the value of a random expression over the numbers, so every problem has a solution.
    """

    version = 3

    description = "The 24 game, generalised to other targets and counts."
    default_params: dict[str, Any] = {"count": 4, "max_number": 13, "max_target": 100}
    levels = ({"count": 3, "max_number": 20, "max_target": 150}, {"count": 4, "max_number": 12, "max_target": 80},
              {"count": 4, "max_number": 13, "max_target": 100}, {"count": 5, "max_number": 13, "max_target": 200},
              {"count": 6, "max_number": 20, "max_target": 500})
    default_level = 3

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        while True:
            nums = sorted(rng.randint(1, p["max_number"]) for _ in range(p["count"]))
            value, expr = random_expression(rng, nums)
            if value.denominator == 1 and 10 <= value <= p["max_target"]:
                return {"numbers": nums, "target": int(value), "expr": strip_outer(expr)}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Numbers to combine times the digits in play (numbers and target)."""
        digits = sum(len(str(n)) for n in identity["numbers"]) + len(str(identity["target"]))
        return float(len(identity["numbers"]) * digits)

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Using each of the numbers {', '.join(map(str, identity['numbers']))} exactly once, with +, -, *, / "
                f"and brackets, write an expression equal to {identity['target']} (fractions allowed along the way, "
                "no other operations, no joining digits). Put only the expression in <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        try:
            numbers: list[int] = []
            value = evaluate(parse_expression(answer), numbers)
        except (BadExpression, RecursionError, ZeroDivisionError, OverflowError) as exc:
            return invalid(str(exc)[:100])
        if sorted(numbers) != identity["numbers"]:
            return Score(0.0, "wrong", "must use each number exactly once")
        return 1.0 if value == identity["target"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["expr"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + " + 1", f"({answer}) * 2"]  # both use a number that is not given


class Countdown(Task):
    """Reach a target from six numbers, each used at most once; every step a positive integer."""

    version = 3

    description = "Countdown numbers round."
    default_params: dict[str, Any] = {"count": 6, "min_used": 3, "max_used": 5, "min_target": 100, "max_target": 999}
    levels = ({"count": 4, "min_used": 2, "max_used": 3, "min_target": 10, "max_target": 400},
              {"count": 5, "min_used": 3, "max_used": 4, "min_target": 50, "max_target": 600},
              {"count": 6, "min_used": 3, "max_used": 5, "min_target": 100, "max_target": 999},
              {"count": 6, "min_used": 5, "max_used": 6, "min_target": 100, "max_target": 999},
              {"count": 7, "min_used": 6, "max_used": 7, "min_target": 200, "max_target": 2000})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Numbers the reference expression combines, times the numbers offered."""
        return float((identity["expr"].count("(") + 1) * len(identity["numbers"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        while True:
            large = rng.randint(0, 2)
            nums = rng.sample([25, 50, 75, 100], large) + [rng.randint(1, 10) for _ in range(p["count"] - large)]
            pool = [(Fraction(n), str(n)) for n in rng.sample(nums, rng.randint(p["min_used"], p["max_used"]))]
            while len(pool) > 1:
                (a, ea), (b, eb) = pool.pop(rng.randrange(len(pool))), pool.pop(rng.randrange(len(pool)))
                a, b, ea, eb = (a, b, ea, eb) if a >= b else (b, a, eb, ea)
                options = [(a + b, f"({ea} + {eb})"), (a * b, f"({ea} * {eb})")]
                if a > b:
                    options.append((a - b, f"({ea} - {eb})"))
                if b > 1 and a % b == 0:
                    options.append((a / b, f"({ea} / {eb})"))
                pool.append(rng.choice(options))
            value, expr = pool[0]
            if p["min_target"] <= value <= p["max_target"]:
                return {"numbers": sorted(nums), "target": int(value), "expr": strip_outer(expr)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Countdown: using the numbers {', '.join(map(str, identity['numbers']))} (each at most once, not "
                f"all needed) with +, -, *, / and brackets, make exactly {identity['target']}. Every intermediate "
                "result must be a positive whole number. Put only the expression in <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        try:
            numbers: list[int] = []
            value = evaluate(parse_expression(answer), numbers, positive_integers=True)
        except (BadExpression, RecursionError, ZeroDivisionError, OverflowError) as exc:
            return invalid(str(exc)[:100])
        pool = list(identity["numbers"])
        for n in numbers:
            if n not in pool:
                return Score(0.0, "wrong", f"{n} is not available")
            pool.remove(n)
        return 1.0 if value == identity["target"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["expr"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + " + 1", f"({answer}) * 2", answer + " - 1"]


class DigitTarget(Task):
    """Insert + and - between the digits (in order, joining allowed) to hit a target."""

    version = 3

    description = "Insert plus and minus signs between digits to reach a target."
    default_params: dict[str, Any] = {"min_digits": 6, "max_digits": 9}
    levels = ({"min_digits": 5, "max_digits": 6}, {"min_digits": 5, "max_digits": 8}, {"min_digits": 6, "max_digits": 9},
              {"min_digits": 9, "max_digits": 12}, {"min_digits": 12, "max_digits": 15})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Digits: each gap between two is a choice of +, - or joining."""
        return float(len(identity["digits"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        digits = "".join(str(rng.randint(1, 9)) for _ in range(rng.randint(self.params["min_digits"], self.params["max_digits"])))
        expr = digits[0]
        for d in digits[1:]:
            expr += rng.choice(["+", "-", "", "+", "-"]) + d
        numbers: list[int] = []
        return {"digits": digits, "expr": expr, "target": int(evaluate(parse_expression(expr), numbers))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Insert + and - signs between some of the digits {' '.join(identity['digits'])} (keep their order; "
                f"digits without a sign between them join into one number) so the result equals {identity['target']}. "
                "Put the expression, e.g. 12+3-45, in <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 200):
            return invalid("answer too long")
        t = unwrap(answer).replace(" ", "").replace("−", "-").split("=")[0]
        if not re.fullmatch(r"\d+([+-]\d+)*", t):
            return invalid("expected digits with + and - signs")
        if re.sub(r"[+-]", "", t) != identity["digits"]:
            return Score(0.0, "wrong", "the digits must stay in order")
        value = sum(int(m) for m in re.findall(r"[+-]?\d+", t))
        return 1.0 if value == identity["target"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["expr"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + "1", answer[:-1] + str(int(answer[-1]) % 9 + 1)]


class Cryptarithm(Task):
    """Letters stand for distinct digits in an addition; any assignment that makes it true scores."""

    description = "Solve an addition cryptarithm."
    version = 2
    default_params: dict[str, Any] = {"digits": 4}
    levels = ({"digits": 2}, {"digits": 3}, {"digits": 4}, {"digits": 5}, {"digits": 6})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Letters in the sum times the distinct letters to place."""
        return float(sum(map(len, identity["words"])) * len(identity["solution"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        k = self.params["digits"]
        a, b = rng.randint(10 ** (k - 1), 10**k - 1), rng.randint(10 ** (k - 1), 10**k - 1)
        letters = rng.sample("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10)
        key = {str(d): letters[d] for d in range(10)}
        words = ["".join(key[c] for c in str(x)) for x in (a, b, a + b)]
        used = sorted(set("".join(words)))
        return {"words": words, "solution": {key[str(d)]: d for d in range(10) if key[str(d)] in used}}

    def prompt(self, identity: dict[str, Any]) -> str:
        a, b, c = identity["words"]
        return (f"Solve the cryptarithm {a} + {b} = {c}: each letter stands for a digit, different letters for "
                "different digits, and no number starts with 0. Give every letter's digit like A=1, B=2, ... inside "
                "<answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 400):
            return invalid("answer too long")
        pairs = re.findall(r"([A-Za-z])\s*[=:→-]+\s*(\d)", answer)
        letters = sorted(identity["solution"])
        got = {k.upper(): int(v) for k, v in pairs}
        if sorted(got) != letters or len(pairs) != len(letters):
            return invalid("expected a digit for every letter")
        if len(set(got.values())) != len(got):
            return Score(0.0, "wrong", "two letters share a digit")
        a, b, c = (int("".join(str(got[ch]) for ch in w)) for w in identity["words"])
        if any(got[w[0]] == 0 for w in identity["words"]):
            return Score(0.0, "wrong", "leading zero")
        return 1.0 if a + b == c else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(identity["solution"].items()))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        sol = dict(identity["solution"])
        keys = sorted(sol)
        sol[keys[0]] = sol[keys[1]]  # two letters share a digit: always against the rules
        return [", ".join(f"{k}={v}" for k, v in sorted(sol.items())), ", ".join(f"{k}={v}" for k, v in sorted(sol.items())[1:])]


def register(registry: Any) -> None:
    registry.register(TwentyFour, "logic/game_24", {}, "Make 24 from four numbers.")
    registry.register(Countdown, "logic/countdown", {}, "Reach a target from six numbers (countdown rules).")
    registry.register(DigitTarget, "logic/digit_target", {}, "Insert + and - between digits to reach a target.")
    registry.register(Cryptarithm, "logic/cryptarithm", {}, "Solve an addition cryptarithm (SEND+MORE style).")
