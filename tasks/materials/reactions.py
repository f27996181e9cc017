"""Reactions of materials synthesis and processing: balancing, stoichiometric masses, limiting reagents, TGA."""

from __future__ import annotations

import functools
import math
import random
from fractions import Fraction
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, FormulaTask, IntegerTask, Sequence
from tasks.materials._common import NumericTask, pick
from tasks.materials.composition import comp

#: Reactions as (reactants, products); each has a one-dimensional space of balancing coefficients.
REACTIONS: list[tuple[list[str], list[str]]] = [
    (["BaCO3", "TiO2"], ["BaTiO3", "CO2"]), (["SrCO3", "TiO2"], ["SrTiO3", "CO2"]),
    (["Li2CO3", "Co3O4", "O2"], ["LiCoO2", "CO2"]), (["Li2CO3", "MnO2"], ["LiMn2O4", "CO2", "O2"]),
    (["Y2O3", "BaCO3", "CuO", "O2"], ["YBa2Cu3O7", "CO2"]), (["Fe2O3", "Al"], ["Al2O3", "Fe"]),
    (["CaCO3", "SiO2"], ["CaSiO3", "CO2"]), (["MgO", "Al2O3"], ["MgAl2O4"]), (["ZnO", "Fe2O3"], ["ZnFe2O4"]),
    (["Na2CO3", "SiO2"], ["Na2SiO3", "CO2"]), (["Fe3O4", "H2"], ["Fe", "H2O"]), (["Fe2O3", "CO"], ["Fe", "CO2"]),
    (["TiCl4", "Mg"], ["Ti", "MgCl2"]), (["SiO2", "C"], ["SiC", "CO"]), (["SiCl4", "H2"], ["Si", "HCl"]),
    (["Al", "O2"], ["Al2O3"]), (["Li2O", "Co3O4", "O2"], ["LiCoO2"]), (["KNO3", "C", "S"], ["K2S", "N2", "CO2"]),
    (["CuFeS2", "O2"], ["Cu2S", "FeO", "SO2"]), (["FeS2", "O2"], ["Fe2O3", "SO2"]),
    (["Ca3(PO4)2", "SiO2", "C"], ["CaSiO3", "P4", "CO"]), (["ZrSiO4", "C", "Cl2"], ["ZrCl4", "SiCl4", "CO"]),
    (["WO3", "H2"], ["W", "H2O"]), (["MoS2", "O2"], ["MoO3", "SO2"]), (["Ta2O5", "C", "Cl2"], ["TaCl5", "CO"]),
    (["Nb2O5", "Al"], ["Nb", "Al2O3"]), (["Mg2Si", "HCl"], ["MgCl2", "SiH4"]), (["Li3N", "H2O"], ["LiOH", "NH3"]),
    (["GaCl3", "NH3"], ["GaN", "HCl"]), (["SiH4", "NH3"], ["Si3N4", "H2"]), (["TiCl4", "NH3"], ["TiN", "HCl", "N2"]),
    (["CaC2", "H2O"], ["Ca(OH)2", "C2H2"]), (["NaBH4", "H2O"], ["NaBO2", "H2"]), (["LiAlH4"], ["Li3AlH6", "Al", "H2"]),
    (["KClO3"], ["KCl", "O2"]), (["NH4NO3"], ["N2O", "H2O"]), (["Cr2O3", "Al"], ["Al2O3", "Cr"]),
    (["PbS", "O2"], ["PbO", "SO2"]), (["C3H8", "O2"], ["CO2", "H2O"]), (["Ni(CO)4"], ["Ni", "CO"]),
    (["La2O3", "NiO", "O2"], ["LaNiO3"]), (["Li2CO3", "Nb2O5"], ["LiNbO3", "CO2"]), (["Bi2O3", "Fe2O3"], ["BiFeO3"]),
    (["PbO", "ZrO2", "TiO2"], ["PbZr0.5Ti0.5O3"]), (["Li2CO3", "TiO2"], ["Li4Ti5O12", "CO2"]),
    (["La2O3", "Li2CO3", "ZrO2"], ["Li7La3Zr2O12", "CO2"]), (["Y2O3", "Al2O3"], ["Y3Al5O12"]),
    (["NH4H2PO4", "Li2CO3", "FeC2O4"], ["LiFePO4", "NH3", "H2O", "CO2", "CO"]),
]


def _matrix(species: list[str]) -> tuple[list[str], list[list[Fraction]]]:
    els = sorted({e.symbol for s in species for e in comp(s).elements})
    rows = [[Fraction(comp(s)[el]).limit_denominator(1000) for s in species] for el in els]
    return els, rows


def _nullspace(rows: list[list[Fraction]], n: int) -> list[list[Fraction]]:
    """Basis of the null space of a small rational matrix (Gauss-Jordan)."""
    m = [list(r) for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        piv = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if piv is None:
            continue
        m[r], m[piv] = m[piv], m[r]
        m[r] = [x / m[r][c] for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                m[i] = [a - m[i][c] * b for a, b in zip(m[i], m[r], strict=False)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(n) if c not in pivots):
        v = [Fraction(0)] * n
        v[free] = Fraction(1)
        for i, p in enumerate(pivots):
            v[p] = -m[i][free]
        basis.append(v)
    return basis


@functools.lru_cache(maxsize=256)
def balance(index: int) -> list[int]:
    """Smallest positive integer coefficients of reaction ``index`` (reactants then products)."""
    reactants, products = REACTIONS[index]
    species = reactants + products
    _, rows = _matrix(species)
    signed = [[x if j < len(reactants) else -x for j, x in enumerate(r)] for r in rows]
    basis = _nullspace(signed, len(species))
    if len(basis) != 1:
        raise ValueError(f"reaction {index} does not have a unique balance")
    v = basis[0]
    lcm = math.lcm(*(x.denominator for x in v))
    ints = [int(x * lcm) for x in v]
    g = math.gcd(*ints)
    ints = [x // g for x in ints]
    if all(x < 0 for x in ints):
        ints = [-x for x in ints]
    if not all(x > 0 for x in ints):
        raise ValueError(f"reaction {index} has no positive balance")
    return ints


def equation(index: int, coefficients: list[int] | None = None) -> str:
    reactants, products = REACTIONS[index]
    if coefficients is None:
        return " + ".join(reactants) + " → " + " + ".join(products)
    terms = [f"{c} {s}" if c != 1 else s for c, s in zip(coefficients, reactants + products, strict=False)]
    return " + ".join(terms[: len(reactants)]) + " → " + " + ".join(terms[len(reactants):])


_COEFFICIENTS = Sequence(INTEGER, max_items=12)


class BalanceReaction(Task):
    version = 2
    description = "Balance a chemical reaction of materials synthesis or processing."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"reaction": rng.randrange(len(REACTIONS))}

    def prompt(self, identity: dict[str, Any]) -> str:
        i = identity["reaction"]
        names = ", ".join(REACTIONS[i][0] + REACTIONS[i][1])
        return (f"Balance the reaction {equation(i)}.\n\nGive the smallest whole-number coefficients, in the "
                f"order the species are listed ({names}), separated by commas (e.g. 2, 1, 2), in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = _COEFFICIENTS.parse(answer)
        i = identity["reaction"]
        n = len(REACTIONS[i][0]) + len(REACTIONS[i][1])
        if got is None:
            return invalid("not a list of whole-number coefficients")
        if len(got) != n:
            return Score(0.0, "wrong", f"expected {n} coefficients")
        # Balanced means proportional to the (unique) balance; the smallest set has no common factor.
        want = balance(i)
        proportional = all(g * want[0] == w * got[0] for g, w in zip(got, want, strict=False)) and got[0] > 0
        if proportional and math.gcd(*got) == 1:
            return 1.0
        return Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(map(str, balance(identity["reaction"])))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = balance(identity["reaction"])
        out = [", ".join(map(str, [v[0] + 1] + v[1:])), ", ".join(map(str, v[:-1] + [v[-1] + 1])),
               ", ".join(map(str, v[::-1])), ", ".join(map(str, [2 * x for x in v]))]
        return out


class ReactionCoefficient(IntegerTask):
    version = 2
    description = "One coefficient of a balanced reaction."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        i = rng.randrange(len(REACTIONS))
        return {"reaction": i, "species": rng.randrange(len(REACTIONS[i][0]) + len(REACTIONS[i][1]))}

    def question(self, identity: dict[str, Any]) -> str:
        i = identity["reaction"]
        s = (REACTIONS[i][0] + REACTIONS[i][1])[identity["species"]]
        return (f"When the reaction {equation(i)} is balanced with the smallest whole-number coefficients, "
                f"what is the coefficient of {s}?")

    def value(self, identity: dict[str, Any]) -> int:
        return balance(identity["reaction"])[identity["species"]]


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


_GASES = {"CO2", "O2", "H2", "H2O", "CO", "N2", "SO2", "HCl", "NH3", "Cl2", "CH4", "SiH4", "C2H2", "N2O", "SiCl4",
          "P4"}


def _solid_reactions(min_solids: int = 1) -> list[int]:
    return [i for i, (r, p) in enumerate(REACTIONS)
            if sum(s not in _GASES for s in r) >= min_solids and any(s not in _GASES for s in p)]


class ReactionMass(NumericTask):
    """Stoichiometric masses: reactant needed for a product mass, or the theoretical yield from given masses."""

    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "mode": "precursor"}
    unit = "g"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        limiting = self.params["mode"] != "precursor"
        i = pick(rng, _solid_reactions(2 if limiting else 1))
        reactants, products = REACTIONS[i]
        target = pick(rng, [j for j, s in enumerate(products) if s not in _GASES])
        out: dict[str, Any] = {"reaction": i, "target": target}
        if not limiting:
            out["reactant"] = pick(rng, [j for j, s in enumerate(reactants) if s not in _GASES])
            out["mass"] = round(rng.uniform(1.0, 100.0), 2)
            return out
        coef = balance(i)
        while True:
            ratios = {j: rng.uniform(0.6, 1.6) for j, s in enumerate(reactants) if s not in _GASES}
            ordered = sorted(ratios.values())
            if ordered[1] / ordered[0] > 1.08:
                break
        base = rng.uniform(0.02, 0.5)  # moles of reaction at stoichiometry
        out["masses"] = {str(j): round(base * r * coef[j] * _mass(reactants[j]), 3) for j, r in ratios.items()}
        return out

    def _limiting(self, identity: dict[str, Any]) -> tuple[int, float]:
        i = identity["reaction"]
        coef = balance(i)
        reactants = REACTIONS[i][0]
        extents = {int(j): m / _mass(reactants[int(j)]) / coef[int(j)] for j, m in identity["masses"].items()}
        j = min(extents, key=extents.__getitem__)
        return j, extents[j]

    def question(self, identity: dict[str, Any]) -> str:
        i = identity["reaction"]
        reactants, products = REACTIONS[i]
        target = products[identity["target"]]
        if self.params["mode"] == "precursor":
            return (f"For the reaction {equation(i)} (balance it first), how many grams of "
                    f"{reactants[identity['reactant']]} are needed to make {identity['mass']} g of {target}, "
                    "assuming complete reaction? Use standard atomic weights.")
        given = ", ".join(f"{m} g of {reactants[int(j)]}" for j, m in identity["masses"].items())
        extra = " (with any gaseous reactants in excess)" if any(s in _GASES for s in reactants) else ""
        return (f"For the reaction {equation(i)} (balance it first), starting from {given}{extra}, what is the "
                f"theoretical yield of {target} in grams? Use standard atomic weights.")

    def value(self, identity: dict[str, Any]) -> float:
        i = identity["reaction"]
        reactants, products = REACTIONS[i]
        coef = balance(i)
        t = identity["target"]
        n_target = coef[len(reactants) + t]
        if self.params["mode"] == "precursor":
            j = identity["reactant"]
            moles = identity["mass"] / _mass(products[t]) / n_target
            return moles * coef[j] * _mass(reactants[j])
        _, extent = self._limiting(identity)
        return extent * n_target * _mass(products[t])


class LimitingReagent(FormulaTask):
    description = "The limiting reagent of a reaction from given reactant masses."
    reduced = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return ReactionMass("materials/x", mode="yield").generate(rng)

    def question(self, identity: dict[str, Any]) -> str:
        i = identity["reaction"]
        reactants = REACTIONS[i][0]
        given = ", ".join(f"{m} g of {reactants[int(j)]}" for j, m in identity["masses"].items())
        extra = " (with any gaseous reactants in excess)" if any(s in _GASES for s in reactants) else ""
        return (f"For the reaction {equation(i)} (balance it first), starting from {given}{extra}, which reactant "
                "is limiting?")

    def value(self, identity: dict[str, Any]) -> str:
        j, _ = ReactionMass("materials/x", mode="yield")._limiting(identity)
        return REACTIONS[identity["reaction"]][0][j]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        others = [REACTIONS[identity["reaction"]][0][int(j)] for j in identity["masses"]]
        return [o for o in others if o != answer]


def register(registry: Any) -> None:
    registry.register(BalanceReaction, "materials/balance_reaction")
    registry.register(ReactionCoefficient, "materials/reaction_coefficient")
    registry.register(ReactionMass, "materials/precursor_mass", {"mode": "precursor"},
                      "Mass of a precursor needed to make a given mass of product.")
    registry.register(ReactionMass, "materials/theoretical_yield", {"mode": "yield"},
                      "Theoretical yield of a product from given reactant masses (limiting reagent).")
    registry.register(LimitingReagent, "materials/limiting_reagent")
