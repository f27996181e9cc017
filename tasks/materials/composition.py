"""Composition arithmetic on real compounds: formulas, masses, fractions, electrons, electronegativity."""

from __future__ import annotations

import functools
import math
import random
from typing import Any

from pymatgen.core import Composition, Element

from bootcamp.answers import FormulaTask, IntegerTask, number_text
from tasks.materials._common import NumericTask, load_json, pick

AVOGADRO = 6.02214076e23


@functools.lru_cache(maxsize=1)
def compounds() -> list[dict[str, Any]]:
    return load_json("compounds.json")


@functools.lru_cache(maxsize=4096)
def comp(formula: str) -> Composition:
    return Composition(formula)


def _pick_compound(rng: random.Random, max_elements: int = 9) -> str:
    pool = [c["formula"] for c in compounds() if len(c["oxi"]) <= max_elements]
    return pick(rng, pool)


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


def _chi(el: str) -> float:
    return float(Element(el).X)


class ReducedFormula(FormulaTask):
    description = "Reduced formula of the atoms in a unit cell."
    reduced = False  # the answer must be the smallest formula unit, not a multiple

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = comp(_pick_compound(rng))
        k = rng.randint(2, 6)
        els = [e.symbol for e in c.elements]
        rng.shuffle(els)
        return {"cell": {el: int(round(c[el] * k)) for el in els}}

    def question(self, identity: dict[str, Any]) -> str:
        content = ", ".join(f"{n} {el}" for el, n in identity["cell"].items())
        return f"A crystal's unit cell contains {content} atoms. What is the reduced (empirical) formula?"

    def value(self, identity: dict[str, Any]) -> str:
        return Composition(identity["cell"]).reduced_formula


class CompoundQuantity(NumericTask):
    """A number computed from one compound (and maybe one of its elements, or a sample mass)."""

    default_params = {"rel_tol": 0.001, "abs_tol": 0.0, "quantity": "molar_mass", "element": False, "mass": False}
    _UNITS = {"molar_mass": "g/mol", "mass_percent": "percent", "atom_percent": "percent",
              "element_mass": "grams", "atoms_in_sample": "", "average_chi": "", "ionic_character": "percent"}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        binary = self.params["quantity"] == "ionic_character"
        pool = [c for c in compounds() if (len(c["oxi"]) == 2 if binary else True)]
        formula = pick(rng, pool)["formula"]
        out: dict[str, Any] = {"formula": formula}
        if self.params["element"]:
            out["element"] = pick(rng, [e.symbol for e in comp(formula).elements])
        if self.params["mass"]:
            out["mass"] = round(rng.uniform(0.5, 250.0), 2)
        return out

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNITS[self.params["quantity"]]

    def question(self, identity: dict[str, Any]) -> str:
        f = identity["formula"]
        el = identity.get("element")
        m = identity.get("mass")
        chis = ", ".join(f"{e.symbol} {_chi(e.symbol):.2f}" for e in comp(f).elements)
        q = {
            "molar_mass": f"What is the molar mass of {f}? Use standard atomic weights.",
            "mass_percent": f"What is the mass percent of {el} in {f}? Use standard atomic weights.",
            "atom_percent": f"What percentage of the atoms in {f} are {el} atoms?",
            "element_mass": f"How many grams of {el} are contained in {m} g of {f}? Use standard atomic weights.",
            "atoms_in_sample": (f"How many atoms in total are in {m} g of {f}? Use standard atomic weights and "
                                "N_A = 6.02214076e23 /mol."),
            "average_chi": (f"What is the composition-weighted (per atom) average Pauling electronegativity of "
                            f"{f}? Use these Pauling electronegativities: {chis}."),
            "ionic_character": (f"Using Pauling's formula, percent ionic character = 100 (1 - exp(-(Δχ)²/4)), "
                                f"estimate the percent ionic character of the bond in {f}, with Pauling "
                                f"electronegativities {chis}."),
        }
        return q[self.params["quantity"]]

    def value(self, identity: dict[str, Any]) -> float:
        c = comp(identity["formula"])
        el = identity.get("element")
        q = self.params["quantity"]
        if q == "molar_mass":
            return _mass(identity["formula"])
        if q == "mass_percent":
            return 100.0 * float(c.get_wt_fraction(el))
        if q == "atom_percent":
            return 100.0 * c.get_atomic_fraction(el)
        if q == "element_mass":
            return identity["mass"] * float(c.get_wt_fraction(el))
        if q == "atoms_in_sample":
            return identity["mass"] / _mass(identity["formula"]) * c.num_atoms * AVOGADRO
        if q == "average_chi":
            return sum(round(_chi(e.symbol), 2) * c[e] for e in c.elements) / c.num_atoms
        a, b = (round(_chi(e.symbol), 2) for e in c.elements)
        return 100.0 * (1.0 - math.exp(-((a - b) ** 2) / 4.0))


class CompoundCount(IntegerTask):
    """An integer computed from one compound's formula."""

    version = 2

    default_params = {"quantity": "atoms"}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"formula": _pick_compound(rng)}

    def question(self, identity: dict[str, Any]) -> str:
        f = identity["formula"]
        if self.params["quantity"] == "atoms":
            return f"How many atoms are in one formula unit of {f}?"
        return f"How many electrons in total does one neutral formula unit of {f} contain?"

    def value(self, identity: dict[str, Any]) -> int:
        c = comp(identity["formula"])
        if self.params["quantity"] == "atoms":
            return int(round(c.num_atoms))
        return int(round(sum(e.Z * c[e] for e in c.elements)))


class FormulaFromAnalysis(FormulaTask):
    """Empirical formula from an elemental analysis given as mass or atom percentages."""

    default_params = {"basis": "mass"}
    reduced = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        f = _pick_compound(rng, max_elements=4)
        c = comp(f)
        while c.num_atoms > 24 or f in ("Y3Al5O12",):
            f = _pick_compound(rng, max_elements=4)
            c = comp(f)
        if self.params["basis"] == "mass":
            pct = {e.symbol: round(100 * float(c.get_wt_fraction(e)), 3) for e in c.elements}
        else:
            pct = {e.symbol: round(100 * c.get_atomic_fraction(e), 3) for e in c.elements}
        return {"formula": c.reduced_formula, "percent": pct}

    def question(self, identity: dict[str, Any]) -> str:
        what = "mass" if self.params["basis"] == "mass" else "atomic"
        pct = ", ".join(f"{el} {p:.3f}%" for el, p in identity["percent"].items())
        extra = " Use standard atomic weights." if what == "mass" else ""
        return (f"Elemental analysis of a pure inorganic compound gives these {what} percentages: {pct}. "
                f"What is its empirical (simplest whole-number) formula?{extra}")

    def value(self, identity: dict[str, Any]) -> str:
        return identity["formula"]


#: Solid solutions A(1-x)B(x)...: host formula template, the site, the two species.
_SOLID_SOLUTIONS = [
    ("{A}MnO3", "La", "Sr"), ("{A}TiO3", "Ba", "Sr"), ("{A}CoO3", "La", "Sr"), ("{A}FeO3", "La", "Ca"),
    ("{A}TiO3", "Pb", "Ca"), ("{A}ZrO3", "Ba", "Sr"), ("Li{A}O2", "Co", "Ni"), ("Li{A}PO4", "Fe", "Mn"),
    ("{A}O2", "Zr", "Ce"), ("Ga{A}", "As", "P"), ("{A}Te", "Cd", "Zn"), ("{A}N", "Ga", "In"),
]


class DopedMolarMass(NumericTask):
    description = "Molar mass of a solid solution with a fractional formula."
    default_params = {"rel_tol": 0.001, "abs_tol": 0.0}
    unit = "g/mol"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        template, a, b = pick(rng, _SOLID_SOLUTIONS)
        x = round(rng.uniform(0.02, 0.6), 2)
        site = f"{a}{number_text(round(1 - x, 2))}{b}{number_text(x)}"
        return {"formula": template.replace("{A}", site)}

    def question(self, identity: dict[str, Any]) -> str:
        return f"What is the molar mass of the solid solution {identity['formula']}? Use standard atomic weights."

    def value(self, identity: dict[str, Any]) -> float:
        return _mass(identity["formula"])


def register(registry: Any) -> None:
    registry.register(ReducedFormula, "materials/reduced_formula")
    for q, el, mass, tol, desc in [
        ("molar_mass", False, False, (0.001, 0.0), "Molar mass of a compound."),
        ("mass_percent", True, False, (0.0, 0.1), "Mass percent of an element in a compound."),
        ("atom_percent", True, False, (0.0, 0.1), "Atomic percent of an element in a compound."),
        ("element_mass", True, True, (0.005, 0.0), "Mass of one element contained in a sample of a compound."),
        ("atoms_in_sample", False, True, (0.01, 0.0), "Number of atoms in a sample of given mass."),
        ("average_chi", False, False, (0.0, 0.005), "Atom-averaged Pauling electronegativity of a compound."),
        ("ionic_character", False, False, (0.0, 0.5), "Pauling percent ionic character of a binary compound."),
    ]:
        name = {"average_chi": "average_electronegativity", "mass_percent": "mass_fraction",
                "atom_percent": "atom_fraction", "element_mass": "element_mass_in_sample"}.get(q, q)
        registry.register(CompoundQuantity, f"materials/{name}",
                          {"quantity": q, "element": el, "mass": mass, "rel_tol": tol[0], "abs_tol": tol[1]}, desc)
    registry.register(CompoundCount, "materials/atoms_per_formula_unit", {"quantity": "atoms"},
                      "Number of atoms in one formula unit.")
    registry.register(CompoundCount, "materials/electron_count", {"quantity": "electrons"},
                      "Total number of electrons in one formula unit.")
    registry.register(FormulaFromAnalysis, "materials/empirical_formula_from_mass_percent", {"basis": "mass"},
                      "Empirical formula from mass percentages.")
    registry.register(FormulaFromAnalysis, "materials/formula_from_atom_percent", {"basis": "atom"},
                      "Empirical formula from atomic percentages.")
    registry.register(DopedMolarMass, "materials/solid_solution_molar_mass")
