"""Geologic rates across units with ``unit_convert`` and ``calculator``: seafloor spreading.

``earth/spreading_rate_units``: a magnetic anomaly of known age is found at given distances (in
statute miles) on both flanks of a ridge; the full spreading rate is asked in inches per year,
within 1%. The reference converts the total distance to inches with ``unit_convert`` and divides by
the age in years with ``calculator``.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.verifiers.numeric import check_number

MILE_IN = 63360.0
#: Named chrons with their ages (Ma, a simplified geomagnetic polarity time scale).
CHRONS = {"C3n": 4.2, "C5n": 9.8, "C6n": 19.7, "C13n": 33.2, "C21n": 46.2, "C24n": 53.0, "C30n": 66.4}


class SpreadingRateUnits(Environment):
    id = "earth/spreading_rate_units"
    description = "full seafloor-spreading rate in in/yr from anomaly distances in miles (unit_convert + calculator)"
    tools: ClassVar[tuple[str, ...]] = ("unit_convert", "calculator")
    max_turns: ClassVar[int] = 5

    def generate(self, rng: random.Random) -> dict[str, Any]:
        chron = rng.choice(sorted(CHRONS))
        half_rate_mm = rng.uniform(8.0, 80.0)  # mm/yr = km/Myr on each flank
        km = [half_rate_mm * CHRONS[chron] * rng.uniform(0.85, 1.15) for _ in range(2)]
        return {"chron": chron, "age_ma": CHRONS[chron], "west_mi": round(km[0] / 1.609344, 1),
                "east_mi": round(km[1] / 1.609344, 1)}

    def expected(self, identity: dict[str, Any]) -> float:
        return (identity["west_mi"] + identity["east_mi"]) * MILE_IN / (identity["age_ma"] * 1e6)

    def prompt(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"Magnetic anomaly {i['chron']} ({i['age_ma']} Ma old) lies {i['west_mi']} miles west and "
                f"{i['east_mi']} miles east of a mid-ocean ridge axis. What is the average full spreading rate "
                "(the rate at which the two plates move apart) in inches per year? Give the final answer as a "
                "number in \\boxed{} (within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_number(answer, self.expected(identity), rel_tol=0.01)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{self.expected(identity):.4g}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        total_mi = round(identity["west_mi"] + identity["east_mi"], 1)
        if turn == 0:
            return [("unit_convert", {"value": total_mi, "from_unit": "mi", "to_unit": "in"})]
        if turn == 1:
            return [("calculator", {"expression": f"{total_mi * MILE_IN!r} / ({identity['age_ma']} * 1000000)"})]
        return []


register_env(SpreadingRateUnits())
