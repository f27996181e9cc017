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
    return balance_species(tuple(reactants), tuple(products), f"reaction {index}")


@functools.lru_cache(maxsize=4096)
def balance_species(reactants: tuple[str, ...], products: tuple[str, ...], name: str = "reaction") -> list[int]:
    """Smallest positive integer coefficients of ``reactants → products`` (reactants then products).

    Raises:
        ValueError: the reaction has no unique positive balance.
    """
    species = list(reactants) + list(products)
    _, rows = _matrix(species)
    signed = [[x if j < len(reactants) else -x for j, x in enumerate(r)] for r in rows]
    basis = _nullspace(signed, len(species))
    if len(basis) != 1:
        raise ValueError(f"{name} does not have a unique balance")
    v = basis[0]
    lcm = math.lcm(*(x.denominator for x in v))
    ints = [int(x * lcm) for x in v]
    g = math.gcd(*ints)
    ints = [x // g for x in ints]
    if all(x < 0 for x in ints):
        ints = [-x for x in ints]
    if not all(x > 0 for x in ints):
        raise ValueError(f"{name} has no positive balance")
    return ints


def equation(index: int, coefficients: list[int] | None = None) -> str:
    reactants, products = REACTIONS[index]
    if coefficients is None:
        return " + ".join(reactants) + " → " + " + ".join(products)
    terms = [f"{c} {s}" if c != 1 else s for c, s in zip(coefficients, reactants + products, strict=False)]
    return " + ".join(terms[: len(reactants)]) + " → " + " + ".join(terms[len(reactants):])


_COEFFICIENTS = Sequence(INTEGER, max_items=12)


def _oxide(el: str, q: int) -> str:
    a, b = 2 // math.gcd(q, 2), q // math.gcd(q, 2)
    return f"{el}{a if a > 1 else ''}O{b if b > 1 else ''}"


def synthesis(rng: random.Random, cations: int, max_sub: int) -> tuple[list[str], list[str]]:
    """A generated solid-state synthesis of a mixed oxide from oxide or carbonate precursors.

    Alkali and alkaline-earth cations may come as carbonates (CO2 leaves); a variable-valence cation may come
    as an oxide of another oxidation state, so O2 is taken up or released. Each such reaction has one balance.
    """
    from tasks.materials.composition import FIXED_CATIONS, VARIABLE_CATIONS

    fixed = sorted(FIXED_CATIONS)
    variable = sorted(VARIABLE_CATIONS)
    while True:
        els = rng.sample(fixed + variable, cations)
        states = {el: FIXED_CATIONS[el] if el in FIXED_CATIONS else pick(rng, list(VARIABLE_CATIONS[el]))
                  for el in els}
        amounts = {el: rng.randint(1, max_sub) for el in els}
        charge = sum(states[el] * n for el, n in amounts.items())
        if charge % 2:
            amounts = {el: 2 * n for el, n in amounts.items()}
            charge *= 2
        g = math.gcd(*amounts.values(), charge // 2)
        target = "".join(f"{el}{n // g if n // g > 1 else ''}" for el, n in amounts.items())
        target += f"O{charge // 2 // g if charge // 2 // g > 1 else ''}"
        reactants, oxygen, carbonate = [], 0, False
        for el in els:
            q = states[el]
            if el in FIXED_CATIONS and q in (1, 2) and rng.random() < 0.5:
                reactants.append(f"{el}2CO3" if q == 1 else f"{el}CO3")
                carbonate = True
                continue
            if el in VARIABLE_CATIONS and len(VARIABLE_CATIONS[el]) > 1 and rng.random() < 0.5:
                other = pick(rng, [x for x in VARIABLE_CATIONS[el] if x != q])
                oxygen += (q - other) * amounts[el]
                q = other
            reactants.append(_oxide(el, q))
        products = [target] + (["CO2"] if carbonate else [])
        if oxygen > 0:
            reactants.append("O2")
        elif oxygen < 0:
            products.append("O2")
        if len(set(reactants + products)) < len(reactants + products):
            continue
        try:
            balance_species(tuple(reactants), tuple(products))
        except ValueError:
            continue
        return reactants, products


def _sides(identity: dict[str, Any]) -> tuple[list[str], list[str]]:
    if "reaction" in identity:
        return REACTIONS[identity["reaction"]]
    return identity["reactants"], identity["products"]


def coefficients(identity: dict[str, Any]) -> list[int]:
    """The balance of the identity's reaction (listed by index, or generated)."""
    if "reaction" in identity:
        return balance(identity["reaction"])
    return balance_species(tuple(identity["reactants"]), tuple(identity["products"]))


def equation_of(identity: dict[str, Any]) -> str:
    reactants, products = _sides(identity)
    return " + ".join(reactants) + " → " + " + ".join(products)


#: Balancing levels: generated syntheses of oxides with 2, 3 and 5 cations and larger subscripts.
BALANCE_LEVELS: tuple[dict[str, Any], ...] = (
    {"cations": 2, "max_sub": 2}, {"cations": 3, "max_sub": 3}, {"cations": 5, "max_sub": 4})


def balance_steps(identity: dict[str, Any]) -> float:
    """Species to balance plus the size of the coefficients (twice log2 of their sum)."""
    reactants, products = _sides(identity)
    return len(reactants) + len(products) + 2.0 * math.log2(sum(coefficients(identity)))


class BalanceReaction(Task):
    version = 3
    description = "Balance a chemical reaction of materials synthesis or processing."
    default_params = {"cations": 2, "max_sub": 2}
    levels = BALANCE_LEVELS
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species plus coefficient size (:func:`balance_steps`)."""
        return balance_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        reactants, products = synthesis(rng, self.params["cations"], self.params["max_sub"])
        return {"reactants": reactants, "products": products}

    def prompt(self, identity: dict[str, Any]) -> str:
        reactants, products = _sides(identity)
        names = ", ".join(reactants + products)
        return (f"Balance the reaction {equation_of(identity)}.\n\nGive the smallest whole-number coefficients, in "
                f"the order the species are listed ({names}), separated by commas (e.g. 2, 1, 2), in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = _COEFFICIENTS.parse(answer)
        reactants, products = _sides(identity)
        n = len(reactants) + len(products)
        if got is None:
            return invalid("not a list of whole-number coefficients")
        if len(got) != n:
            return Score(0.0, "wrong", f"expected {n} coefficients")
        # Balanced means proportional to the (unique) balance; the smallest set has no common factor.
        want = coefficients(identity)
        proportional = all(g * want[0] == w * got[0] for g, w in zip(got, want, strict=False)) and got[0] > 0
        if proportional and math.gcd(*got) == 1:
            return 1.0
        return Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(map(str, coefficients(identity)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = coefficients(identity)
        out = [", ".join(map(str, [v[0] + 1] + v[1:])), ", ".join(map(str, v[:-1] + [v[-1] + 1])),
               ", ".join(map(str, v[::-1])), ", ".join(map(str, [2 * x for x in v]))]
        return out


class ReactionCoefficient(IntegerTask):
    version = 3
    description = "One coefficient of a balanced reaction."
    default_params = {"cations": 2, "max_sub": 2}
    levels = BALANCE_LEVELS
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species plus coefficient size (:func:`balance_steps`)."""
        return balance_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # The answer is drawn first (then a reaction with that coefficient somewhere), so no value dominates.
        want = rng.randint(1, 5)
        for _ in range(100):
            reactants, products = synthesis(rng, self.params["cations"], self.params["max_sub"])
            coefs = balance_species(tuple(reactants), tuple(products))
            hits = [j for j, c in enumerate(coefs) if c == want]
            if hits:
                break
        else:
            hits = list(range(len(coefs)))
        return {"reactants": reactants, "products": products, "species": pick(rng, hits)}

    def question(self, identity: dict[str, Any]) -> str:
        reactants, products = _sides(identity)
        s = (reactants + products)[identity["species"]]
        return (f"When the reaction {equation_of(identity)} is balanced with the smallest whole-number coefficients, "
                f"what is the coefficient of {s}?")

    def value(self, identity: dict[str, Any]) -> int:
        return coefficients(identity)[identity["species"]]


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


_GASES = {"CO2", "O2", "H2", "H2O", "CO", "N2", "SO2", "HCl", "NH3", "Cl2", "CH4", "SiH4", "C2H2", "N2O", "SiCl4",
          "P4"}


def _solid_reactions(min_solids: int = 1) -> list[int]:
    return [i for i, (r, p) in enumerate(REACTIONS)
            if sum(s not in _GASES for s in r) >= min_solids and any(s not in _GASES for s in p)]


#: Stoichiometry levels: reactions with (fewest, most) species; the middle level is the original pool.
SPECIES_LEVELS: tuple[dict[str, Any], ...] = ({"species": [2, 3]}, {"species": [2, 9]}, {"species": [5, 9]})


def reaction_steps(identity: dict[str, Any]) -> float:
    """Species to balance plus masses to convert to moles (and compare, for a limiting reagent)."""
    reactants, products = REACTIONS[identity["reaction"]]
    return float(len(reactants) + len(products) + len(identity.get("masses", {"": 0})))


class ReactionMass(NumericTask):
    """Stoichiometric masses: reactant needed for a product mass, or the theoretical yield from given masses."""

    version = 3
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "mode": "precursor", "species": [2, 9]}
    levels = SPECIES_LEVELS
    default_level = 2
    unit = "g"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species to balance plus masses to convert (:func:`reaction_steps`)."""
        return reaction_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        limiting = self.params["mode"] != "precursor"
        lo, hi = self.params["species"]
        i = pick(rng, [j for j in _solid_reactions(2 if limiting else 1) if lo <= sum(map(len, REACTIONS[j])) <= hi])
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
    version = 3
    reduced = False
    default_params = {"species": [2, 9]}
    levels = SPECIES_LEVELS
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species to balance plus masses to convert and compare (:func:`reaction_steps`)."""
        return reaction_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return ReactionMass("materials/x", mode="yield", species=self.params["species"]).generate(rng)

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
