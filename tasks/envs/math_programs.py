"""Counting and simulation past hand computation, with the ``python`` tool (runs in the sandbox).

Each answer is one exact integer that takes a loop of 10^4-10^5 steps: lattice points inside an
ellipse, the 100,000th term of a quadratic recurrence modulo m. The reference policy sends a short
program to ``python`` (the sandbox executor runs it; the in-process executor refuses it with an
error observation) and then answers with the value it computes itself.
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from bootcamp.env.registry import register_env
from tasks.envs.math_arithmetic import CalculatorEnv


class ProgramEnv(CalculatorEnv):
    """An exact-integer question whose reference policy runs one program (``program(identity)``)."""

    tools: ClassVar[tuple[str, ...]] = ("python", "calculator")
    max_turns: ClassVar[int] = 5

    def program(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def expression(self, identity: dict[str, Any]) -> str:  # not used: the reference runs a program
        return ""

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("python", {"code": self.program(identity)})] if turn == 0 else []


def count_ellipse_points(a: int, b: int, n: int) -> int:
    """Integer (x, y) with a x^2 + b y^2 <= n."""
    total = 0
    x = 0
    while a * x * x <= n:
        half = math.isqrt((n - a * x * x) // b)
        total += (2 * half + 1) * (1 if x == 0 else 2)
        x += 1
    return total


class LatticePoints(ProgramEnv):
    id = "math/ellipse_lattice_points"
    description = "count integer points in a x^2 + b y^2 <= N with N up to 10^9 (python)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randrange(1, 10), "b": rng.randrange(1, 10), "n": rng.randrange(10**7, 10**9)}

    def question(self, identity: dict[str, Any]) -> str:
        a, b, n = identity["a"], identity["b"], identity["n"]
        return f"How many pairs of integers (x, y) (negative and zero included) satisfy {a}x^2 + {b}y^2 <= {n}?"

    def program(self, identity: dict[str, Any]) -> str:
        a, b, n = identity["a"], identity["b"], identity["n"]
        return ("import math\n"
                f"a, b, n = {a}, {b}, {n}\n"
                "t = 0\nx = 0\n"
                "while a * x * x <= n:\n"
                "    h = math.isqrt((n - a * x * x) // b)\n"
                "    t += (2 * h + 1) * (1 if x == 0 else 2)\n"
                "    x += 1\n"
                "print(t)\n")

    def expected(self, identity: dict[str, Any]) -> int:
        return count_ellipse_points(int(identity["a"]), int(identity["b"]), int(identity["n"]))


def iterate_quadratic(x0: int, a: int, b: int, c: int, m: int, steps: int) -> int:
    """x_steps of x_{k+1} = (a x_k^2 + b x_k + c) mod m."""
    x = x0
    for _ in range(steps):
        x = (a * x * x + b * x + c) % m
    return x


class RecurrenceSteps(ProgramEnv):
    id = "math/recurrence_steps"
    description = "the 10^5-th term of a quadratic recurrence mod m (python)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"x0": rng.randrange(1, 1000), "a": rng.randrange(1, 50), "b": rng.randrange(0, 50),
                "c": rng.randrange(1, 1000), "m": rng.randrange(10**6, 10**7), "steps": rng.randrange(100_000, 120_001)}

    def question(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"A sequence starts at x_0 = {i['x0']} and follows x_(k+1) = ({i['a']} x_k^2 + {i['b']} x_k + "
                f"{i['c']}) mod {i['m']}. What is x_{i['steps']}?")

    def program(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"x = {i['x0']}\n"
                f"for _ in range({i['steps']}):\n"
                f"    x = ({i['a']} * x * x + {i['b']} * x + {i['c']}) % {i['m']}\n"
                "print(x)\n")

    def expected(self, identity: dict[str, Any]) -> int:
        i = identity
        return iterate_quadratic(int(i["x0"]), int(i["a"]), int(i["b"]), int(i["c"]), int(i["m"]), int(i["steps"]))


for _cls in (LatticePoints, RecurrenceSteps):
    register_env(_cls())
