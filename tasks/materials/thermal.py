"""Thermal decomposition and reaction energetics: TGA mass loss, hydrate water, evolved gas, Hess's law."""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.answers import IntegerTask
from bootcamp.verifiers.formula import parse_formula
from tasks.materials._common import NumericTask, pick
from tasks.materials.composition import CompositionLevels, comp
from tasks.materials.reactions import REACTIONS, SPECIES_LEVELS, balance, equation

#: Decompositions on heating: (starting solid, solid residue, residue per formula unit of start).
DECOMPOSITIONS = [
    ("CaCO3", "CaO", 1), ("MgCO3", "MgO", 1), ("SrCO3", "SrO", 1), ("BaCO3", "BaO", 1), ("Li2CO3", "Li2O", 1),
    ("ZnCO3", "ZnO", 1), ("CuSO4·5H2O", "CuSO4", 1), ("CaSO4·2H2O", "CaSO4", 1), ("MgSO4·7H2O", "MgSO4", 1),
    ("Mg(OH)2", "MgO", 1), ("Ca(OH)2", "CaO", 1), ("Al(OH)3", "Al2O3", 0.5), ("CaC2O4·H2O", "CaO", 1),
    ("Na2CO3·10H2O", "Na2CO3", 1), ("NiSO4·6H2O", "NiSO4", 1), ("ZnSO4·7H2O", "ZnSO4", 1),
    ("CoCl2·6H2O", "CoCl2", 1), ("BaCl2·2H2O", "BaCl2", 1), ("FeSO4·7H2O", "FeSO4", 1), ("Cu(OH)2", "CuO", 1),
    ("Ni(OH)2", "NiO", 1), ("Fe(OH)3", "Fe2O3", 0.5), ("AlOOH", "Al2O3", 0.5), ("MnCO3", "MnO", 1),
    ("Ce2(C2O4)3·10H2O", "Ce2O3", 1), ("Zn(OH)2", "ZnO", 1), ("CdCO3", "CdO", 1), ("La(OH)3", "La2O3", 0.5),
]

_HYDRATES = [("CuSO4", [1, 3, 5]), ("MgSO4", [1, 4, 6, 7]), ("CaSO4", [1, 2]), ("Na2CO3", [1, 7, 10]),
             ("NiSO4", [4, 6, 7]), ("ZnSO4", [1, 6, 7]), ("CoCl2", [2, 6]), ("BaCl2", [1, 2]), ("FeSO4", [1, 4, 7]),
             ("Na2SO4", [7, 10]), ("MgCl2", [2, 4, 6]), ("CaCl2", [1, 2, 4, 6]), ("AlCl3", [6]), ("SrCl2", [2, 6]),
             ("Cu(NO3)2", [3, 6]), ("Ni(NO3)2", [6]), ("Co(NO3)2", [6]), ("Zn(NO3)2", [4, 6]), ("LiOH", [1]),
             ("Na3PO4", [8, 12]), ("Na2B4O7", [5, 10]), ("KAl(SO4)2", [3, 12]), ("Fe(NO3)3", [9])]


def _mass(formula: str) -> float:
    c = parse_formula(formula)  # handles hydrates written with a middle dot
    if c is None:
        raise ValueError(f"bad formula {formula!r} in the task data")
    return float(c.weight)


class TgaMassLoss(CompositionLevels, NumericTask):
    """TGA mass loss of a generated hydrate heated to its anhydrous salt (the listed decompositions by index)."""

    version = 2
    description = "Percent mass lost on heating a compound to its decomposition residue (TGA)."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.1, "elements": (4, 4), "max_sub": 4}
    unit = "percent of the initial mass"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus atoms of the two formula masses to add up."""
        start, _, _ = self._pair(identity)
        c = parse_formula(start)
        return float(len(c.elements)) + math.log2(1.0 + c.num_atoms) if c is not None else 0.0

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"salt": self._compound(rng)["formula"], "water": rng.randint(1, 12)}

    @staticmethod
    def _pair(identity: dict[str, Any]) -> tuple[str, str, float]:
        if "index" in identity:
            return DECOMPOSITIONS[identity["index"]]
        return f"{identity['salt']}·{identity['water']}H2O", identity["salt"], 1

    def question(self, identity: dict[str, Any]) -> str:
        start, residue, _ = self._pair(identity)
        return (f"In a thermogravimetric (TGA) experiment, {start} is heated until it has fully converted to "
                f"{residue} (only gases are released). What percentage of the initial mass is lost? Use standard "
                "atomic weights.")

    def value(self, identity: dict[str, Any]) -> float:
        start, residue, n = self._pair(identity)
        return 100.0 * (1.0 - n * _mass(residue) / _mass(start))


class HydrateWater(CompositionLevels, IntegerTask):
    """Waters of crystallisation of a generated salt (the listed hydrates drew too few distinct problems)."""

    version = 3
    description = "Number of waters of crystallisation from the mass lost on dehydration."
    default_params = {"elements": (4, 4), "max_sub": 4}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements times atoms (log) of the anhydrous salt: the terms of its formula mass."""
        c = parse_formula(identity["salt"])
        return float(len(c.elements)) * math.log2(1.0 + c.num_atoms) if c is not None else 0.0

    def generate(self, rng: random.Random) -> dict[str, Any]:
        salt = self._compound(rng)["formula"]
        x = rng.randint(1, 12)
        loss = 100.0 * 18.015 * x / (_mass(salt) + 18.015 * x)
        return {"salt": salt, "x": x, "loss": round(loss, 2)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A hydrate {identity['salt']}·xH2O loses {identity['loss']:.2f}% of its mass when heated to the "
                "anhydrous salt (only water leaves). What is x? Use standard atomic weights.")

    def value(self, identity: dict[str, Any]) -> int:
        return identity["x"]


_GAS_CONST = 0.082057366  # L atm / (mol K)


#: Pressure units: name and value per atm.
_P_UNITS = {"kPa": 101.325, "torr": 760.0, "bar": 1.01325}


class EvolvedGas(NumericTask):
    description = "Volume of gas released by decomposing a sample (ideal gas)."
    version = 2
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "kinds": "mixed", "units": False}
    #: Levels: carbonates (one CO2 per formula unit) at stated K and atm; carbonates or balanced
    #: decompositions (the original); balanced decompositions with the conditions in °C and kPa/torr/bar.
    levels = ({"kinds": "carbonate", "units": False}, {"kinds": "mixed", "units": False},
              {"kinds": "reaction", "units": True})
    default_level = 2
    unit = "litres"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Moles and the gas law, plus the stoichiometric ratio of a balanced reaction, plus two conversions."""
        return 2.0 + ("reaction" in identity) + 2.0 * ("units" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out = self._draw(rng)
        if self.params["units"]:
            tc = rng.randint(-20, 900)
            unit = pick(rng, list(_P_UNITS))
            shown = round(rng.uniform(0.3, 3.0) * _P_UNITS[unit], 1)
            out.update({"t": tc + 273.15, "p": shown / _P_UNITS[unit], "units": [tc, shown, unit]})
        return out

    def _draw(self, rng: random.Random) -> dict[str, Any]:
        # Decompositions whose only gas is CO2 or O2 or H2O vapour are stated explicitly in the prompt.
        reactions = [i for i, (r, p) in enumerate(REACTIONS) if len(r) == 1]
        carbonates = [("CaCO3", "CaO"), ("MgCO3", "MgO"), ("SrCO3", "SrO"), ("BaCO3", "BaO"), ("Li2CO3", "Li2O"),
                      ("ZnCO3", "ZnO"), ("MnCO3", "MnO"), ("CdCO3", "CdO"), ("FeCO3", "FeO"), ("Na2CO3", "Na2O")]
        out: dict[str, Any] = {"mass": round(rng.uniform(0.5, 50.0), 2), "t": rng.choice([273.15, 298.15, 1073.15]),
                               "p": rng.choice([1.0, 0.5, 2.0])}
        kinds = self.params["kinds"]
        if kinds == "reaction" or (kinds == "mixed" and rng.random() < 0.5):
            out["reaction"] = pick(rng, reactions)
        else:
            out["carbonate"] = list(pick(rng, carbonates))
        return out

    def _setup(self, identity: dict[str, Any]) -> tuple[str, str, float]:
        if "carbonate" in identity:
            start, residue = identity["carbonate"]
            return f"{start} → {residue} + CO2", start, 1.0
        i = identity["reaction"]
        coef = balance(i)
        reactants, products = REACTIONS[i]
        gas = next(j for j, s in enumerate(products) if s in ("O2", "H2", "CO", "N2O"))
        return equation(i, coef), reactants[0], coef[len(reactants) + gas] / coef[0]

    def question(self, identity: dict[str, Any]) -> str:
        eq, start, _ = self._setup(identity)
        i = identity.get("reaction")
        gas = "CO2" if i is None else next(s for s in REACTIONS[i][1] if s in ("O2", "H2", "CO", "N2O"))
        where = f"{identity['t']} K and {identity['p']} atm"
        if "units" in identity:
            tc, shown, unit = identity["units"]
            where = f"{tc} °C and {shown:g} {unit} (1 atm = 101.325 kPa = 760 torr = 1.01325 bar)"
        return (f"{identity['mass']} g of {start} decomposes completely by {eq}. What volume does the {gas} "
                f"released occupy at {where} (ideal gas, R = 0.082057 L atm "
                "mol^-1 K^-1)? Use standard atomic weights.")

    def value(self, identity: dict[str, Any]) -> float:
        _, start, ratio = self._setup(identity)
        n = identity["mass"] / _mass(start) * ratio
        return n * _GAS_CONST * identity["t"] / identity["p"]


class ReactionEnthalpy(NumericTask):
    description = "Reaction enthalpy from standard enthalpies of formation (Hess's law)."
    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.5, "species": [2, 9]}
    levels = SPECIES_LEVELS
    default_level = 2
    unit = "kJ per mole of reaction as balanced"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species to balance plus the non-zero formation enthalpies to weigh and sum."""
        return float(len(identity["hf"]) + sum(v != 0 for v in identity["hf"].values()))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lo, hi = self.params["species"]
        if [lo, hi] == [2, 9]:  # the original draw, so the default level's problems stay the same
            i = rng.randrange(len(REACTIONS))
        else:
            i = pick(rng, [j for j, (r, p) in enumerate(REACTIONS) if lo <= len(r) + len(p) <= hi])
        reactants, products = REACTIONS[i]
        hf = {}
        for s in reactants + products:
            c = comp(s)
            elemental = len(c.elements) == 1
            hf[s] = 0.0 if elemental else round(-rng.uniform(40.0, 320.0) * c.num_atoms / 2, 1)
        return {"reaction": i, "hf": hf}

    def question(self, identity: dict[str, Any]) -> str:
        i = identity["reaction"]
        table = "; ".join(f"{s}: {v:g} kJ/mol" for s, v in identity["hf"].items())
        return (f"For the reaction {equation(i, balance(i))}, use these (illustrative) standard enthalpies of formation: {table}. "
                "What is the standard reaction enthalpy ΔH for the reaction as written?")

    def value(self, identity: dict[str, Any]) -> float:
        i = identity["reaction"]
        coef = balance(i)
        species = REACTIONS[i][0] + REACTIONS[i][1]
        n_r = len(REACTIONS[i][0])
        return sum((c if j >= n_r else -c) * identity["hf"][s] for j, (c, s) in enumerate(zip(coef, species, strict=False)))


def register(registry: Any) -> None:
    registry.register(TgaMassLoss, "materials/tga_mass_loss")
    registry.register(HydrateWater, "materials/hydrate_water_count")
    registry.register(EvolvedGas, "materials/evolved_gas_volume")
    registry.register(ReactionEnthalpy, "materials/reaction_enthalpy")
