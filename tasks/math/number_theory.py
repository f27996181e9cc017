"""Number theory: modular inverses, gcd/lcm, modular exponentiation."""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.answers import IntegerTask

_FORMAT = "Give the final answer as an integer in \\boxed{}."


def _euclid_steps(a: int, b: int) -> int:
    """Division steps Euclid's algorithm takes on ``(a, b)``."""
    steps = 0
    while b:
        a, b = b, a % b
        steps += 1
    return steps


class ModularInverse(IntegerTask):
    version = 2
    id = "math/modular_inverse"
    description = "Find the inverse of a modulo m."
    default_params = {"max_modulus": 1000, "min_modulus": 5}
    levels = ({"max_modulus": 400, "min_modulus": 100}, {"max_modulus": 1000}, {"max_modulus": 10**4},
              {"max_modulus": 10**6}, {"max_modulus": 10**9})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Division steps of the extended Euclidean algorithm on (m, a)."""
        return float(_euclid_steps(identity["m"], identity["a"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            m = rng.randint(self.params["min_modulus"], self.params["max_modulus"])
            a = rng.randint(2, m - 1)
            if math.gcd(a, m) == 1:
                return {"a": a, "m": m}

    def prompt(self, identity: dict[str, Any]) -> str:
        a, m = identity["a"], identity["m"]
        return f"Find the integer x with 0 <= x < {m} such that {a} * x ≡ 1 (mod {m}). {_FORMAT}"

    def value(self, identity: dict[str, Any]) -> int:
        return pow(identity["a"], -1, identity["m"])


class ModularPower(IntegerTask):
    version = 2
    id = "math/modular_power"
    description = "Compute a^e mod m."
    default_params = {"max_exponent": 10**6}
    levels = ({"max_exponent": 100}, {"max_exponent": 10**4}, {"max_exponent": 10**6}, {"max_exponent": 10**9},
              {"max_exponent": 10**12})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Modular multiplications of square-and-multiply: one squaring per bit of e after the first, one
        multiplication per further set bit."""
        e = identity["e"]
        return float(e.bit_length() - 1 + bin(e).count("1") - 1)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(2, 999), "e": rng.randint(10, self.params["max_exponent"]), "m": rng.randint(7, 997)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Compute {identity['a']}^{identity['e']} mod {identity['m']}. {_FORMAT}"

    def value(self, identity: dict[str, Any]) -> int:
        return pow(identity["a"], identity["e"], identity["m"])


class GcdLcm(IntegerTask):
    version = 2
    description = "Greatest common divisor or least common multiple of several integers."
    default_params = {"op": "gcd", "count": 3, "scale": 40}
    levels = ({"count": 2, "scale": 20}, {"count": 3, "scale": 40}, {"count": 4, "scale": 150},
              {"count": 5, "scale": 600}, {"count": 6, "scale": 3000})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Division steps of Euclid's algorithm folded over the numbers (one gcd per further number)."""
        numbers = identity["numbers"]
        steps, acc = 0, numbers[0]
        for v in numbers[1:]:
            steps += _euclid_steps(acc, v)
            acc = math.gcd(acc, v)
        return float(steps + sum(len(str(v)) for v in numbers))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        base = rng.randint(2, 60)
        return {"numbers": [base * rng.randint(1, self.params["scale"]) for _ in range(self.params["count"])]}

    def prompt(self, identity: dict[str, Any]) -> str:
        what = "greatest common divisor" if self.params["op"] == "gcd" else "least common multiple"
        return f"Find the {what} of {', '.join(map(str, identity['numbers']))}. {_FORMAT}"

    def value(self, identity: dict[str, Any]) -> int:
        fn = math.gcd if self.params["op"] == "gcd" else math.lcm
        return fn(*identity["numbers"])


def register(registry: Any) -> None:
    registry.register(ModularInverse)
    registry.register(ModularPower)
    registry.register(GcdLcm, "math/gcd", {"op": "gcd"}, "Greatest common divisor of several integers.")
    registry.register(GcdLcm, "math/lcm", {"op": "lcm"}, "Least common multiple of several integers.")
