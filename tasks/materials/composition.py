"""Composition arithmetic on charge-balanced compounds: formulas, masses, fractions, electrons, electronegativity.

The compounds are drawn element by element (:func:`random_compound`): cations with their common oxidation
states and anions, with subscripts that solve the charge balance. The oxidation-state tasks use the same
generator, so every task here has the same levels (more elements, larger subscripts).
"""

from __future__ import annotations

import functools
import math
import random
from typing import Any

from pymatgen.core import Composition, Element

from bootcamp.answers import FormulaTask, IntegerTask, formula_text
from tasks.materials._common import NumericTask, load_json, pick

AVOGADRO = 6.02214076e23


@functools.lru_cache(maxsize=1)
def compounds() -> list[dict[str, Any]]:
    return load_json("compounds.json")


@functools.lru_cache(maxsize=4096)
def comp(formula: str) -> Composition:
    return Composition(formula)


def comp_amounts(formula: str) -> dict[str, float]:
    """Element amounts of a formula in the order written."""
    c = comp(formula)
    return {e.symbol: c[e] for e in c.elements}


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


def _chi(el: str) -> float:
    return float(Element(el).X)


#: Cations that keep one oxidation state in ionic compounds (their group valence).
FIXED_CATIONS: dict[str, int] = {
    "Li": 1, "Na": 1, "K": 1, "Rb": 1, "Cs": 1, "Ag": 1, "Be": 2, "Mg": 2, "Ca": 2, "Sr": 2, "Ba": 2, "Zn": 2,
    "Cd": 2, "Al": 3, "Ga": 3, "Sc": 3, "Y": 3, "La": 3, "Nd": 3, "Gd": 3, "Lu": 3, "Zr": 4, "Hf": 4, "Th": 4,
    "Nb": 5, "Ta": 5}
#: Cations with several common oxidation states.
VARIABLE_CATIONS: dict[str, tuple[int, ...]] = {
    "Ti": (2, 3, 4), "V": (2, 3, 4, 5), "Cr": (2, 3, 6), "Mn": (2, 3, 4, 7), "Fe": (2, 3), "Co": (2, 3),
    "Ni": (2, 3), "Cu": (1, 2), "Mo": (3, 4, 6), "W": (4, 5, 6), "Sn": (2, 4), "Pb": (2, 4), "Ce": (3, 4),
    "Eu": (2, 3), "Sb": (3, 5), "Bi": (3, 5), "U": (3, 4, 6), "Re": (4, 6, 7), "Ru": (3, 4), "Tl": (1, 3)}
#: Anions with their (only) charge in these compounds.
ANIONS: dict[str, int] = {"O": -2, "S": -2, "Se": -2, "Te": -2, "F": -1, "Cl": -1, "Br": -1, "I": -1, "N": -3,
                          "P": -3}

#: Composition levels: elements in the compound (fewest, most), largest cation subscript, variable-valence share.
COMPOSITION_LEVELS: tuple[dict[str, Any], ...] = (
    {"elements": (3, 3), "max_sub": 2}, {"elements": (3, 4), "max_sub": 3}, {"elements": (4, 4), "max_sub": 4},
    {"elements": (4, 5), "max_sub": 5}, {"elements": (5, 6), "max_sub": 6})


def _ordered(amounts: dict[str, int], oxi: dict[str, int]) -> dict[str, int]:
    """Cations by rising electronegativity first, anions last (the usual way of writing a formula)."""
    return dict(sorted(amounts.items(), key=lambda kv: (oxi[kv[0]] < 0, _chi(kv[0]), kv[0])))


def random_compound(rng: random.Random, n_elements: int = 3, max_sub: int = 4, state: int | None = None,
                    variable: bool | None = None, anions: int | None = None) -> dict[str, Any]:
    """A charge-balanced ionic compound drawn element by element.

    Cations come with their common oxidation states, at most one of them with a variable valence (so the usual
    ionic assignment is unique); the subscripts solve the charge balance and share no common factor.

    Args:
        rng: the random source.
        n_elements: distinct elements (at least 2).
        max_sub: largest subscript drawn for a cation before the balance is solved.
        state: an oxidation state some element of the compound must have (drawn first by callers that ask it).
        variable: force (True) or forbid (False) a variable-valence cation; None draws it.
        anions: number of anion species (default: one, or two for five or more elements).

    Returns:
        ``{"formula", "amounts", "oxi", "variable"}``: the formula text, subscripts, oxidation state of every
        element, and the variable-valence element (or None).
    """
    if n_elements < 2:
        raise ValueError("a compound needs at least 2 elements")
    while True:
        n_an = anions or (2 if n_elements >= 5 and rng.random() < 0.5 else 1)
        n_cat = n_elements - n_an
        if n_cat < 1:
            n_an, n_cat = 1, n_elements - 1
        oxi: dict[str, int] = {}
        var = None
        want_var = rng.random() < 0.6 if variable is None else variable
        if state is not None and state < 0:
            oxi[pick(rng, sorted(el for el, q in ANIONS.items() if q == state))] = state
        elif state is not None:
            fixed = sorted(el for el, q in FIXED_CATIONS.items() if q == state)
            varis = sorted(el for el, qs in VARIABLE_CATIONS.items() if state in qs)
            use_var = variable if variable is not None else (not fixed or (varis and rng.random() < 0.6))
            if use_var and varis:
                var = pick(rng, varis)
                oxi[var] = state
            elif fixed:
                oxi[pick(rng, fixed)] = state
            else:
                continue
        while sum(q < 0 for q in oxi.values()) < n_an:
            el = pick(rng, sorted(ANIONS))
            if el not in oxi:
                oxi[el] = ANIONS[el]
        if var is None and want_var and sum(q > 0 for q in oxi.values()) < n_cat:
            var = pick(rng, sorted(VARIABLE_CATIONS))
            oxi[var] = pick(rng, list(VARIABLE_CATIONS[var]))
        while sum(q > 0 for q in oxi.values()) < n_cat:
            el = pick(rng, sorted(FIXED_CATIONS))
            if el not in oxi:
                oxi[el] = FIXED_CATIONS[el]
        if len(oxi) != n_elements:
            continue
        cats = [el for el, q in oxi.items() if q > 0]
        ans = [el for el, q in oxi.items() if q < 0]
        amounts = {el: rng.randint(1, max_sub) for el in cats}
        plus = sum(oxi[el] * n for el, n in amounts.items())
        if len(ans) == 1:
            a = -oxi[ans[0]]
            k = a // math.gcd(plus, a)
            amounts = {el: n * k for el, n in amounts.items()}
            amounts[ans[0]] = plus * k // a
        else:
            first, second = ans
            n1 = rng.randint(1, max(1, max_sub))
            rest = plus + oxi[first] * n1
            if rest <= 0 or rest % -oxi[second]:
                continue
            amounts[first], amounts[second] = n1, rest // -oxi[second]
        g = 0
        for n in amounts.values():
            g = math.gcd(g, n)
        amounts = {el: n // g for el, n in amounts.items()}
        if sum(amounts.values()) > 12 * n_elements:
            continue
        amounts = _ordered(amounts, oxi)
        return {"formula": formula_text(amounts), "amounts": amounts, "oxi": {el: oxi[el] for el in amounts},
                "variable": var}


class CompositionLevels:
    """Levels for a task on one generated compound: more elements and larger subscripts."""

    params: dict[str, Any]
    levels = COMPOSITION_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus atoms per formula unit (terms of the sums the solution adds)."""
        c = comp(identity["formula"])
        return float(len(c.elements)) + math.log2(1.0 + c.num_atoms)

    def _compound(self, rng: random.Random, **kw: Any) -> dict[str, Any]:
        lo, hi = self.params["elements"]
        return random_compound(rng, rng.randint(lo, hi), self.params["max_sub"], **kw)


class ReducedFormula(CompositionLevels, FormulaTask):
    version = 2
    description = "Reduced formula of the atoms in a unit cell."
    reduced = False  # the answer must be the smallest formula unit, not a multiple
    default_params = {"elements": (4, 4), "max_sub": 4}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus the size of the cell content to divide down."""
        return float(len(identity["cell"])) + math.log2(1.0 + sum(identity["cell"].values()))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = self._compound(rng)["amounts"]
        k = rng.randint(2, 2 + self.params["max_sub"])
        els = list(c)
        rng.shuffle(els)
        return {"cell": {el: c[el] * k for el in els}}

    def question(self, identity: dict[str, Any]) -> str:
        content = ", ".join(f"{n} {el}" for el, n in identity["cell"].items())
        return f"A crystal's unit cell contains {content} atoms. What is the reduced (empirical) formula?"

    def value(self, identity: dict[str, Any]) -> str:
        return Composition(identity["cell"]).reduced_formula


class CompoundQuantity(CompositionLevels, NumericTask):
    """A number computed from one compound (and maybe one of its elements, or a sample mass)."""

    version = 3
    default_params = {"rel_tol": 0.001, "abs_tol": 0.0, "quantity": "molar_mass", "element": False, "mass": False,
                      "elements": (4, 4), "max_sub": 4}
    _UNITS = {"molar_mass": "g/mol", "mass_percent": "percent", "atom_percent": "percent",
              "element_mass": "grams", "atoms_in_sample": "", "average_chi": "", "ionic_character": "percent"}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        kw = {"anions": 1} if self.params["quantity"] == "ionic_character" else {}
        formula = self._compound(rng, **kw)["formula"]
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
                                f"estimate the percent ionic character of the most ionic bond in {f} (the "
                                f"last element is the anion; consider each cation-anion bond), with Pauling "
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
        symbols = list(comp_amounts(identity["formula"]))
        anion = round(_chi(symbols[-1]), 2)
        delta = max(abs(round(_chi(el), 2) - anion) for el in symbols[:-1])
        return 100.0 * (1.0 - math.exp(-(delta**2) / 4.0))


class CompoundCount(CompositionLevels, IntegerTask):
    """An integer computed from one compound's formula."""

    version = 3

    default_params = {"quantity": "atoms", "elements": (4, 4), "max_sub": 4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"formula": self._compound(rng)["formula"]}

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

    version = 2
    default_params = {"basis": "mass", "elements": (3, 3), "max_sub": 3}
    reduced = False
    levels = ({"elements": (3, 3), "max_sub": 2}, {"elements": (3, 3), "max_sub": 3},
              {"elements": (3, 4), "max_sub": 4}, {"elements": (4, 4), "max_sub": 4},
              {"elements": (4, 5), "max_sub": 5})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus atoms of the formula to recover (the ratios to find)."""
        c = comp(identity["formula"])
        return float(len(c.elements)) + math.log2(1.0 + c.num_atoms)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lo, hi = self.params["elements"]
        c = comp(random_compound(rng, rng.randint(lo, hi), self.params["max_sub"])["formula"])
        while c.num_atoms > 24:
            c = comp(random_compound(rng, rng.randint(lo, hi), self.params["max_sub"])["formula"])
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


class DopedMolarMass(NumericTask):
    """Molar mass of a solid solution: cation sites of a charge-balanced host shared by isovalent species."""

    version = 2
    description = "Molar mass of a solid solution with a fractional formula."
    default_params = {"rel_tol": 0.001, "abs_tol": 0.0, "species": 2, "sites": 1}
    unit = "g/mol"
    levels = ({"species": 2, "sites": 1}, {"species": 3, "sites": 1}, {"species": 2, "sites": 2},
              {"species": 3, "sites": 2}, {"species": 4, "sites": 2})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Terms of the mass sum, fractional ones counted twice (they need a multiplication each)."""
        amounts = comp_amounts(identity["formula"])
        return float(len(amounts) + sum(abs(n - round(n)) > 1e-9 for n in amounts.values()))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_compound(rng, 3, 3, variable=False, anions=1)
        oxi = host["oxi"]
        cations = [el for el in host["amounts"] if oxi[el] > 0]
        mixed = set(rng.sample(cations, min(self.params["sites"], len(cations))))
        amounts: dict[str, float] = {}
        for el, n in host["amounts"].items():
            q = oxi[el]
            pool = sorted({e for e, v in FIXED_CATIONS.items() if v == q} | {e for e, vs in VARIABLE_CATIONS.items()
                                                                          if q in vs} - set(host["amounts"]))
            if el not in mixed or len(pool) < self.params["species"] - 1:
                amounts[el] = amounts.get(el, 0) + n
                continue
            parts = [el, *rng.sample(pool, self.params["species"] - 1)]
            cuts = sorted(round(rng.uniform(0.02, 0.98), 2) for _ in parts[1:])
            fracs = [b - a for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
            for e, f in zip(parts, fracs, strict=False):
                if round(f * n, 3) > 0:
                    amounts[e] = amounts.get(e, 0) + round(f * n, 3)
        return {"formula": formula_text(amounts)}

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
