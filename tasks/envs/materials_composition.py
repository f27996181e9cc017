"""Weight percent of an element in a complex (often non-stoichiometric) formula.

Formulas are minerals, hydrates written with bracketed waters, and doped oxides with fractional
occupancies (``Li1.2Ni0.13Mn0.54Co0.13O2``); amounts are redrawn per episode. The weight percent
needs the formula's molar mass and the element's atomic mass: ``pymatgen_composition`` gives both
(the formula's weight, and the weight of the element alone), ``calculator`` does the division. The
value is pymatgen's, accepted within :data:`ABS_TOL` percentage points.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

ABS_TOL = 0.02
#: Fixed formulas (pymatgen-parsable: waters as (H2O)n).
MINERALS = ("Ca5(PO4)3(OH)", "Ca10(PO4)6F2", "Mg3Si4O10(OH)2", "KAl(SO4)2(H2O)12", "(NH4)2Fe(SO4)2(H2O)6",
            "Na2B4O7(H2O)10", "Fe3(PO4)2(H2O)8", "Cu2(OH)3Cl", "Be3Al2Si6O18", "KMg3AlSi3O10(OH)2",
            "CuSO4(H2O)5", "Al2Si2O5(OH)4", "NaAlSi3O8", "CaMg(CO3)2", "Cu3(CO3)2(OH)2", "Ca2Mg5Si8O22(OH)2",
            "YBa2Cu3O7", "Bi2Sr2CaCu2O8", "Ba2YCu3O7", "Pb3(PO4)2")


def _amount(x: float) -> str:
    return f"{x:g}"


def random_formula(rng: random.Random) -> str:
    """A mineral, or a doped oxide with random fractional amounts."""
    kind = rng.random()
    if kind < 0.4:
        return rng.choice(MINERALS)
    if kind < 0.7:  # layered Li-rich cathode
        x = rng.randint(0, 25) / 100
        ni, mn = rng.randint(5, 40) / 100, rng.randint(20, 60) / 100
        co = round(1 - x - ni - mn, 2)
        if co <= 0:
            return "LiNi0.8Co0.15Al0.05O2"
        return f"Li{_amount(1 + x)}Ni{_amount(ni)}Mn{_amount(mn)}Co{_amount(co)}O2"
    a, b = rng.choice([("La", "Sr"), ("Ba", "Sr"), ("Pr", "Ca"), ("Sm", "Sr")])
    m1, m2 = rng.choice([("Co", "Fe"), ("Mn", "Ni"), ("Ti", "Fe"), ("Co", "Cu")])
    x, y = rng.randint(1, 9) / 10, rng.randint(1, 9) / 10
    return f"{a}{_amount(1 - x)}{b}{_amount(x)}{m1}{_amount(1 - y)}{m2}{_amount(y)}O3"


class WeightPercent(Environment):
    """Weight percent of one element in a complex formula."""

    id = "materials/weight_percent"
    description = "Weight percent of an element in a mineral, hydrate or doped oxide (pymatgen composition, calculator)."
    tools = ("pymatgen_composition", "calculator")
    max_turns = 5
    max_tool_calls = 8

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from pymatgen.core import Composition, Element

        formula = random_formula(rng)
        comp = Composition(formula)
        element = rng.choice(sorted(e.symbol for e in comp.elements))
        n = float(comp[element])
        return {"formula": formula, "element": element, "amount": n, "weight": float(comp.weight),
                "element_mass": float(Element(element).atomic_mass),
                "percent": round(100 * float(comp.get_wt_fraction(element)), 4)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"What is the weight percent of {identity['element']} in {identity['formula']}? Use pymatgen's atomic "
                f"masses. Give the percentage as a number (e.g. 12.34, within {ABS_TOL} percentage points) in "
                "\\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        value = parse_number(answer)
        if value is None:
            return invalid("not a number")
        return 1.0 if close_enough(value, identity["percent"], abs_tol=ABS_TOL) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{identity['percent']:.3f}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn == 0:
            return [("pymatgen_composition", {"formula": identity["formula"]}),
                    ("pymatgen_composition", {"formula": identity["element"]})]
        if turn == 1:
            expr = f"100 * {identity['amount']!r} * {identity['element_mass']!r} / {identity['weight']!r}"
            return [("calculator", {"expression": expr})]
        return []


register_env(WeightPercent())
