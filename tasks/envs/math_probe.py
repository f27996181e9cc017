"""Find a hidden polynomial by evaluating it: the stateful ``math_probe`` tool.

The policy is told the degree d and nothing else; ``math_probe`` returns p(x) at an integer x, at
most ``queries`` times per episode (d + 1: exactly enough for interpolation, so every query has to
count). The answer is the coefficient list, highest degree first, compared exactly. Without the
tool the coefficients cannot be known, so a guess scores 0.

Memory: ``{"probes": [[x, p(x)], ...]}`` (the queries so far, in order).
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.types import Score, invalid
from bootcamp.verifiers.strings import unwrap

#: Largest |x| the probe accepts (keeps p(x) a modest integer).
MAX_PROBE_X = 10**6
_INT = re.compile(r"[-+]?\d{1,12}")


def evaluate(coefficients: list[int], x: int) -> int:
    """p(x) by Horner's rule; ``coefficients`` highest degree first."""
    value = 0
    for c in coefficients:
        value = value * x + c
    return value


def interpolate(points: list[tuple[int, int]]) -> list[Fraction]:
    """The coefficients (highest degree first) of the polynomial of degree < len(points) through them."""
    n = len(points)
    coeffs = [Fraction(0)] * n  # lowest degree first while building
    for i, (xi, yi) in enumerate(points):
        basis = [Fraction(1)]  # prod_{j != i} (x - xj) / (xi - xj), lowest degree first
        for j, (xj, _) in enumerate(points):
            if j == i:
                continue
            denom = Fraction(xi - xj)
            basis = [(a - xj * b) / denom for a, b in zip([Fraction(0), *basis], [*basis, Fraction(0)], strict=True)]
        coeffs = [c + yi * b for c, b in zip(coeffs, basis, strict=True)]
    return coeffs[::-1]


@tool("math_probe", "Evaluate this episode's hidden polynomial p at an integer x (limited queries per episode).",
      {"type": "object", "properties": {"x": {"type": "integer", "description": f"|x| <= {MAX_PROBE_X}"}},
       "required": ["x"], "additionalProperties": False})
def math_probe(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """p(x), and the probe recorded in the episode memory."""
    identity, memory = context.get("identity") or {}, context.get("memory") or {}
    coefficients, limit = identity.get("coefficients"), identity.get("queries")
    if not isinstance(coefficients, list) or not isinstance(limit, int):
        raise ToolError("this episode has no hidden polynomial")
    x = args.get("x")
    if not isinstance(x, int) or isinstance(x, bool) or abs(x) > MAX_PROBE_X:
        raise ToolError(f"x must be an integer with |x| <= {MAX_PROBE_X}")
    probes = list(memory.get("probes", []))
    if len(probes) >= limit:
        raise ToolError(f"all {limit} queries of this episode are used")
    y = evaluate([int(c) for c in coefficients], x)
    probes.append([x, y])
    left = limit - len(probes)
    return {"output": f"p({x}) = {y} ({left} queries left)", "memory": {**memory, "probes": probes}}


def parse_coefficients(answer: str, count: int) -> list[int] | None:
    """``count`` comma-separated integers (brackets allowed), or None."""
    if not isinstance(answer, str) or len(answer) > 40 * (count + 1):
        return None
    text = unwrap(answer).strip().strip("[]()").strip()
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != count or not all(_INT.fullmatch(p) for p in parts):
        return None
    return [int(p) for p in parts]


class PolynomialProbe(Environment):
    id = "math/polynomial_probe"
    description = "recover a hidden integer polynomial from d + 1 evaluations (stateful math_probe tool)"
    tools: ClassVar[tuple[str, ...]] = ("math_probe", "calculator")
    max_turns: ClassVar[int] = 8
    max_tool_calls: ClassVar[int] = 12

    def generate(self, rng: random.Random) -> dict[str, Any]:
        degree = rng.randrange(3, 6)
        coefficients = [rng.choice([c for c in range(-20, 21) if c])] + [rng.randrange(-20, 21) for _ in range(degree)]
        return {"degree": degree, "coefficients": coefficients, "queries": degree + 1}

    def prompt(self, identity: dict[str, Any]) -> str:
        d = identity["degree"]
        return (f"A hidden polynomial p(x) has degree {d} and integer coefficients. The tool math_probe returns "
                f"p(x) at an integer x; you may query it at most {identity['queries']} times (one query per "
                f"call). Find the coefficients. Give the final answer as {d + 1} comma-separated integers, "
                "from the coefficient of the highest power down to the constant term, in \\boxed{}, "
                "e.g. \\boxed{2, 0, -5, 7} for 2x^3 - 5x + 7.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        want = [int(c) for c in identity["coefficients"]]
        got = parse_coefficients(answer, len(want))
        if got is None:
            return invalid(f"expected {len(want)} comma-separated integers")
        return 1.0 if got == want else Score(0.0, "wrong")

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        done = len(memory.get("probes", []))
        if done >= identity["queries"]:
            return []
        return [("math_probe", {"x": done})]  # one stateful call per message (x = 0, 1, ..., d)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        probes = [(int(x), int(y)) for x, y in memory.get("probes", [])]
        if len(probes) == identity["queries"]:
            coeffs = interpolate(probes)
            if all(c.denominator == 1 for c in coeffs):
                return ", ".join(str(int(c)) for c in coeffs)
        return ", ".join(str(c) for c in identity["coefficients"])


register_env(PolynomialProbe())
