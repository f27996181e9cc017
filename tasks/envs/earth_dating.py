"""Radiometric dating with the ``calculator``: a Rb-Sr isochron, and the single-turn age task.

* ``earth/isochron_age``: five whole-rock analyses (87Rb/86Sr, 87Sr/86Sr) lie on an isochron whose
  slope is e^(lambda t) - 1; the age in Ma within 1% needs a logarithm of a small number, i.e. a
  calculator. The reference takes the slope through the two extreme samples.
* ``earth/radiometric_age_with_calculator``: the single-turn task with the calculator.
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.verifiers.numeric import check_number
from tasks.envs.math_with_calculator import WithCalculator

LAMBDA_RB = 1.42e-11  # 1/yr, 87Rb -> 87Sr


class IsochronAge(Environment):
    id = "earth/isochron_age"
    description = "a Rb-Sr isochron age from five analyses (calculator)"
    tools: ClassVar[tuple[str, ...]] = ("calculator", "python")
    max_turns: ClassVar[int] = 4

    def generate(self, rng: random.Random) -> dict[str, Any]:
        age_ma = round(rng.uniform(50.0, 4000.0), 1)
        initial = round(rng.uniform(0.700, 0.712), 5)
        slope = math.expm1(LAMBDA_RB * age_ma * 1e6)
        # the extremes spread apart so the 6-decimal ratios fix the slope to ~0.1% even at 50 Ma
        xs = sorted([rng.uniform(0.05, 0.8), *(rng.uniform(0.8, 4.0) for _ in range(3)), rng.uniform(4.0, 6.0)])
        xs = [round(x, 4) for x in xs]
        return {"age_ma": age_ma, "samples": [[x, round(initial + slope * x, 6)] for x in xs]}

    def slope(self, identity: dict[str, Any]) -> float:
        (x1, y1), (x2, y2) = identity["samples"][0], identity["samples"][-1]
        return (y2 - y1) / (x2 - x1)

    def prompt(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(f"  sample {k + 1}: 87Rb/86Sr = {x}, 87Sr/86Sr = {y}"
                         for k, (x, y) in enumerate(identity["samples"]))
        return ("Five cogenetic whole-rock samples of a granite give these isotope ratios:\n" + rows + "\n"
                f"Using the 87Rb decay constant lambda = {LAMBDA_RB} per year, what is the isochron age in millions "
                "of years (Ma)? Give the final answer as a number in \\boxed{} (within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_number(answer, identity["age_ma"], rel_tol=0.01)

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn:
            return []
        (x1, y1), (x2, y2) = identity["samples"][0], identity["samples"][-1]
        # t = ln(1 + slope) / lambda, in Ma: ln(1 + slope) / 1.42 * 10^5
        return [("calculator", {"expression": f"log(1 + ({y2} - {y1}) / ({x2} - {x1})) / 1.42 * 100000"})]

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{math.log1p(self.slope(identity)) / LAMBDA_RB / 1e6:.5g}"


register_env(IsochronAge())
register_env(WithCalculator("earth/radiometric_age", "radiometric age from a daughter/parent ratio, with the calculator"))
