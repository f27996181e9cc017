"""Molar mass of a large formula (a repeat unit, a hydrate) with the calculator.

The formula has large counts, a bracketed repeat unit and sometimes waters of hydration, and the prompt
gives the atomic masses to use, so the answer is one exact sum: tedious and error-prone by hand, one
``calculator`` expression with the tool. Accepted within 0.01 g/mol.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

#: Atomic masses (g/mol) the prompt states; IUPAC conventional values.
MASSES = {"C": "12.011", "H": "1.008", "N": "14.007", "O": "15.999", "S": "32.06", "P": "30.974",
          "Cl": "35.45", "F": "18.998", "Br": "79.904", "Na": "22.990", "K": "39.098", "Ca": "40.078",
          "Mg": "24.305", "Fe": "55.845", "Co": "58.933", "Cu": "63.546", "Zn": "65.38", "Si": "28.085"}
_ORGANIC = ("C", "H", "N", "O", "S", "P", "Cl", "F", "Br")
_METALS = ("Na", "K", "Ca", "Mg", "Fe", "Co", "Cu", "Zn")
ABS_TOL = 0.01


def _part(counts: dict[str, int]) -> str:
    return "".join(f"{el}{n if n > 1 else ''}" for el, n in counts.items() if n)


class MolarMassCalculator(Environment):
    """The molar mass of a large formula, summed with the calculator."""

    id = "chem/molar_mass_large_formula"
    description = "Molar mass of a large formula with a repeat unit and waters of hydration (calculator)."
    tools = ("calculator",)
    max_turns = 4
    max_tool_calls = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        core = {"C": rng.randint(8, 60), "H": rng.randint(10, 120)}
        for el in rng.sample(_ORGANIC[2:], rng.randint(1, 3)):
            core[el] = rng.randint(1, 12)
        unit = {"C": rng.randint(1, 6), "H": rng.randint(2, 12)}
        for el in rng.sample(("N", "O", "S", "F", "Si"), rng.randint(1, 2)):
            unit[el] = rng.randint(1, 3)
        repeat = rng.randint(5, 120)
        metal = rng.choice(_METALS) if rng.random() < 0.5 else None
        metal_n = rng.randint(1, 4) if metal else 0
        water = rng.randint(1, 12) if rng.random() < 0.6 else 0
        text = (f"{metal}{metal_n if metal_n > 1 else ''}" if metal else "") + _part(core) + f"({_part(unit)}){repeat}"
        if water:
            text += f"·{water}H2O"
        totals: dict[str, int] = {}
        for el, n in core.items():
            totals[el] = totals.get(el, 0) + n
        for el, n in unit.items():
            totals[el] = totals.get(el, 0) + n * repeat
        if metal:
            totals[metal] = totals.get(metal, 0) + metal_n
        if water:
            totals["H"] += 2 * water
            totals["O"] = totals.get("O", 0) + water
        mass = sum(Fraction(MASSES[el]) * n for el, n in totals.items())
        return {"formula": text, "counts": totals, "molar_mass": round(float(mass), 4)}

    def prompt(self, identity: dict[str, Any]) -> str:
        used = sorted(identity["counts"])
        table = ", ".join(f"{el} {MASSES[el]}" for el in used)
        return (f"Compute the molar mass of {identity['formula']} in g/mol, using exactly these atomic masses: "
                f"{table}. (The bracketed unit repeats as many times as its subscript; '·nH2O' adds n waters.) "
                f"Give the number (within {ABS_TOL} g/mol) in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        value = parse_number(answer)
        if value is None:
            return invalid("not a number")
        return 1.0 if close_enough(value, identity["molar_mass"], abs_tol=ABS_TOL) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{identity['molar_mass']:.4f}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn > 0:
            return []
        expr = " + ".join(f"{MASSES[el]}*{n}" for el, n in sorted(identity["counts"].items()))
        return [("calculator", {"expression": expr})]


register_env(MolarMassCalculator())
