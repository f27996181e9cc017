"""Exact arithmetic past mental range, with the ``calculator`` tool (``python`` offered as an extra).

Each environment asks for one exact integer that takes big-integer arithmetic: a product of two
12-digit numbers, a modular power, a binomial coefficient, the digit sum of a factorial. The answer
is compared as an exact integer (no tolerance). The reference policy makes one calculator call,
then answers with the value it computes from the identity (the same value the calculator returns).
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.verifiers.numeric import check_integer

_FORMAT = "Give the final answer as an exact integer in \\boxed{}."


class CalculatorEnv(Environment):
    """An exact-integer question whose reference policy asks the calculator once.

    Subclasses implement ``generate``, ``question`` (the prompt without the format line),
    ``expression`` (the calculator expression of the reference call) and ``expected``.
    """

    tools: ClassVar[tuple[str, ...]] = ("calculator", "python")
    max_turns: ClassVar[int] = 4
    max_tool_calls: ClassVar[int] = 8

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def expression(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def expected(self, identity: dict[str, Any]) -> int:
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self.question(identity)} {_FORMAT}"

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_integer(answer, self.expected(identity))

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return str(self.expected(identity))

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("calculator", {"expression": self.expression(identity)})] if turn == 0 else []


class BigMultiplication(CalculatorEnv):
    id = "math/big_multiplication"
    description = "a*b - c with 12-digit factors, exact (calculator)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randrange(10**11, 10**12), "b": rng.randrange(10**11, 10**12),
                "c": rng.randrange(10**8, 10**10)}

    def question(self, identity: dict[str, Any]) -> str:
        return f"Compute the exact value of {identity['a']} × {identity['b']} − {identity['c']}."

    def expression(self, identity: dict[str, Any]) -> str:
        return f"{identity['a']} * {identity['b']} - {identity['c']}"

    def expected(self, identity: dict[str, Any]) -> int:
        return int(identity["a"]) * int(identity["b"]) - int(identity["c"])


class BigPowerMod(CalculatorEnv):
    id = "math/big_power_mod"
    description = "a^b mod m with a 6-digit base and a 10-digit modulus (calculator)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randrange(10**5, 10**6), "b": rng.randrange(25, 61),
                "m": rng.randrange(10**9, 10**10) | 1}

    def question(self, identity: dict[str, Any]) -> str:
        return f"Compute {identity['a']}^{identity['b']} mod {identity['m']} (the remainder, from 0 to m − 1)."

    def expression(self, identity: dict[str, Any]) -> str:
        return f"{identity['a']} ** {identity['b']} % {identity['m']}"

    def expected(self, identity: dict[str, Any]) -> int:
        return pow(int(identity["a"]), int(identity["b"]), int(identity["m"]))


class LatticePathCount(CalculatorEnv):
    id = "math/lattice_path_count"
    description = "monotone lattice paths on a large grid: an exact 20-40 digit binomial (calculator)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a = rng.randrange(30, 70)
        return {"a": a, "b": rng.randrange(30, 70)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"How many lattice paths go from (0, 0) to ({identity['a']}, {identity['b']}) using unit steps "
                "right (+1, 0) and up (0, +1) only?")

    def expression(self, identity: dict[str, Any]) -> str:
        return f"comb({identity['a'] + identity['b']}, {identity['a']})"

    def expected(self, identity: dict[str, Any]) -> int:
        return math.comb(int(identity["a"]) + int(identity["b"]), int(identity["a"]))


class FactorialDigitSum(CalculatorEnv):
    id = "math/factorial_digit_sum"
    description = "the digit sum of n! for n in 60..150 (calculator for n!, then the digits)"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randrange(60, 151)}

    def question(self, identity: dict[str, Any]) -> str:
        return f"What is the sum of the decimal digits of {identity['n']}! ?"

    def expression(self, identity: dict[str, Any]) -> str:
        return f"factorial({identity['n']})"

    def expected(self, identity: dict[str, Any]) -> int:
        return sum(int(d) for d in str(math.factorial(int(identity["n"]))))


class ThreeDigitProduct(CalculatorEnv):
    """The tool-use example's environment (examples/tool_use.yaml): a product of two 3-digit numbers, which
    a tiny model cannot compute but can copy into a calculator call and copy back. Calculator only, and a
    one-line tool declaration (a byte-level model's context is short)."""

    id = "math/three_digit_product"
    description = "a*b with 3-digit factors, exact (calculator; a short prompt for small models)"
    tools: ClassVar[tuple[str, ...]] = ("calculator",)
    tool_prompt: ClassVar[str] = "signature"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randrange(100, 1000), "b": rng.randrange(100, 1000)}

    def prompt(self, identity: dict[str, Any]) -> str:
        # the factors open the prompt: a tiny model learns to copy its first token reliably (with "Compute"
        # first, one seed of the example never learnt to copy the first digit of the first factor)
        return f"{identity['a']} * {identity['b']} = ? Answer in \\boxed{{}}."

    def expression(self, identity: dict[str, Any]) -> str:
        return f"{identity['a']} * {identity['b']}"

    def format_answer(self, answer: str) -> str:
        return f"\\boxed{{{answer}}}"

    def expected(self, identity: dict[str, Any]) -> int:
        return int(identity["a"]) * int(identity["b"])


for _cls in (BigMultiplication, BigPowerMod, LatticePathCount, FactorialDigitSum, ThreeDigitProduct):
    register_env(_cls())
