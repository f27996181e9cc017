"""Density and packing from a crystal's cell: X-ray density, Z, molar mass, porosity, site counting, packing fraction.

ρ = Z M / (N_A V) with the cell volume V from the six lattice parameters (pymatgen's ``Lattice``);
atoms per cell from the share of each site (corner 1/8, edge 1/4, face 1/2, interior 1); packing
fraction = volume of hard spheres / cell volume. Formulas, cells and numbers are generated per
seed (charge-balanced ionic formulas; atomic volumes of 8-25 Å³ per atom, so densities are those
of real solids); atomic masses are stated in the prompt.
"""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.answers import FormulaTask, IntegerTask, formula_text
from tasks.materials._cells import (
    ANIONS,
    CATIONS,
    N_A,
    VOLUME_STEPS,
    cell_text,
    cell_volume,
    crystal,
    mass,
    masses_text,
    molar_mass,
    random_cell,
    random_formula,
    random_sites,
    site_counts,
    sites_text,
    x_ray_density,
)
from tasks.materials._common import NumericTask

#: Levels by lower symmetry: the cell-volume formula gets longer.
SYSTEM_LEVELS = tuple({"system": s} for s in ("cubic", "tetragonal", "orthorhombic", "hexagonal", "monoclinic",
                                                "triclinic"))


class _CellTask:
    params: dict[str, Any]
    levels = SYSTEM_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps of the cell-volume formula plus one per element of the formula mass."""
        return float(VOLUME_STEPS[identity["cell"]["system"]] + len(identity["amounts"]))


class DensityFromCell(_CellTask, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "system": "orthorhombic"}
    unit = "g/cm^3"
    description = "X-ray density from lattice parameters, formula units per cell and atomic masses."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return crystal(rng, self.params["system"], rng.randint(1, 2))

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{identity['formula']} crystallises with a {cell_text(identity['cell'])} cell containing "
                f"Z = {identity['z']} formula units ({masses_text(identity['amounts'])}; N_A = 6.02214076e23 /mol). "
                "What is its X-ray (theoretical) density?")

    def value(self, identity: dict[str, Any]) -> float:
        return x_ray_density(identity)


class FormulaUnits(_CellTask, IntegerTask):
    version = 1
    default_params = {"system": "orthorhombic"}
    description = "Formula units per cell (Z) from a measured density and the lattice parameters."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out = crystal(rng, self.params["system"], rng.randint(1, 2))
        # a pycnometer density within 2% of the X-ray density (pores, impurities, temperature)
        out["measured"] = round(x_ray_density(out) * rng.uniform(0.98, 1.02), 3)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{identity['formula']} has a {cell_text(identity['cell'])} unit cell and a measured density of "
                f"{identity['measured']:.3f} g/cm^3 ({masses_text(identity['amounts'])}; N_A = 6.02214076e23 /mol). "
                "How many formula units Z does the unit cell contain (the nearest whole number)?")

    def value(self, identity: dict[str, Any]) -> int:
        return int(identity["z"])


class MolarMassFromDensity(_CellTask, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "system": "orthorhombic"}
    unit = "g/mol"
    description = "Formula mass of an unknown compound from its X-ray density, cell and Z."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps of the cell-volume formula."""
        return float(VOLUME_STEPS[identity["cell"]["system"]])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out = crystal(rng, self.params["system"], rng.randint(1, 2))
        out["density"] = round(x_ray_density(out), 4)
        return {"cell": out["cell"], "z": out["z"], "density": out["density"]}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"An unknown compound has a {cell_text(identity['cell'])} unit cell with Z = {identity['z']} formula "
                f"units and an X-ray density of {identity['density']:.4f} g/cm^3 (N_A = 6.02214076e23 /mol). What is "
                "its formula mass?")

    def value(self, identity: dict[str, Any]) -> float:
        return identity["density"] * N_A * cell_volume(identity["cell"]) * 1e-24 / identity["z"]


#: Structure types whose Z follows from the name, with the formula shape (cations, anions) they need.
TYPES = {"rock-salt (NaCl-type)": (4, 1, 1), "caesium chloride (CsCl-type)": (1, 1, 1), "fluorite (CaF2-type)": (4, 1, 2),
         "antifluorite (Li2O-type)": (4, 2, 1), "zinc blende (ZnS-type)": (4, 1, 1), "cubic perovskite (SrTiO3-type)":
         (1, 0, 3), "spinel (MgAl2O4-type)": (8, 0, 4)}


class CubicCellFromDensity(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.003, "abs_tol": 0.0, "given": "z"}
    levels = ({"given": "z"}, {"given": "type"}, {"given": "tetragonal"})
    default_level = 1
    unit = "Å"
    description = "Lattice parameter from the density, the formula and the formula units per cell."

    def complexity(self, identity: dict[str, Any]) -> float:
        """The inversion, plus Z from the structure type, plus the c/a ratio of a tetragonal cell."""
        return 1.0 + ("type" in identity) + 2.0 * ("ratio" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        given = self.params["given"]
        if given == "type":
            name = sorted(TYPES)[rng.randrange(len(TYPES))]
            z, n_cat, n_an = TYPES[name]
            amounts = self._typed(rng, n_cat, n_an)
        else:
            name, amounts, z = None, random_formula(rng, rng.randint(1, 2)), rng.choice([1, 2, 3, 4, 6, 8])
        v = z * sum(amounts.values()) * rng.uniform(8.0, 25.0)
        density = round(z * molar_mass(amounts) / (N_A * v * 1e-24), 4)
        out: dict[str, Any] = {"formula": formula_text(amounts), "amounts": amounts, "density": density, "z": z}
        if name:
            out["type"] = name
        if given == "tetragonal":
            out["ratio"] = round(rng.uniform(0.6, 2.5), 4)
        return out

    @staticmethod
    def _typed(rng: random.Random, n_cat: int, n_an: int) -> dict[str, int]:
        if n_cat == 0:  # ABX3 or AB2X4 oxides: charges 2+4 or 2+3 with oxygen
            if n_an == 3:
                a, b = rng.choice([("Sr", "Ti"), ("Ba", "Zr"), ("Ca", "Sn"), ("Ba", "Hf"), ("Sr", "Zr"), ("Ba", "Ti"),
                                   ("Pb", "Ti"), ("Ca", "Ti"), ("Sr", "Sn"), ("Ba", "Sn")])
                return {a: 1, b: 1, "O": 3}
            a, b = rng.choice([("Mg", "Al"), ("Zn", "Fe"), ("Co", "Cr"), ("Ni", "Ga"), ("Mn", "Al"), ("Fe", "Cr"),
                               ("Zn", "Al"), ("Mg", "Cr"), ("Cd", "Ga"), ("Cu", "Fe")])
            return {a: 1, b: 2, "O": 4}
        while True:
            el, q = CATIONS[rng.randrange(len(CATIONS))]
            x, qx = ANIONS[rng.randrange(len(ANIONS))]
            if q * n_cat + qx * n_an == 0:
                return {el: n_cat, x: n_an}

    def question(self, identity: dict[str, Any]) -> str:
        base = f"{identity['formula']} has a density of {identity['density']:.4f} g/cm^3 " \
               f"({masses_text(identity['amounts'])}; N_A = 6.02214076e23 /mol)."
        if "type" in identity:
            return f"{base} It has the {identity['type']} structure. What is its cubic lattice parameter a?"
        if "ratio" in identity:
            return (f"{base} Its tetragonal cell holds Z = {identity['z']} formula units with c/a = "
                    f"{identity['ratio']:.4f}. What is the lattice parameter a?")
        return f"{base} Its cubic cell holds Z = {identity['z']} formula units. What is the lattice parameter a?"

    def value(self, identity: dict[str, Any]) -> float:
        v = identity["z"] * molar_mass(identity["amounts"]) / (N_A * identity["density"]) * 1e24
        return (v / identity.get("ratio", 1.0)) ** (1 / 3)


class Porosity(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.2, "bulk": "given", "theory": "cell"}
    levels = ({"bulk": "given", "theory": "given"}, {"bulk": "given", "theory": "cell"},
              {"bulk": "pellet", "theory": "cell"}, {"bulk": "archimedes", "theory": "cell"})
    default_level = 2
    unit = "percent"
    percent = True
    description = "Porosity of a ceramic from its bulk density and the X-ray density of its crystal."

    def complexity(self, identity: dict[str, Any]) -> float:
        """The ratio, plus the X-ray density from the cell, plus the bulk density from its measurement."""
        return 1.0 + 2.0 * ("cell" in identity) + {"given": 0, "pellet": 2, "archimedes": 3}[identity["bulk"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        made = crystal(rng, rng.choice(["cubic", "tetragonal", "hexagonal"]), rng.randint(1, 2))
        theory = x_ray_density(made)
        rel = rng.uniform(0.55, 0.995)
        out: dict[str, Any] = {"bulk": self.params["bulk"]}
        if self.params["theory"] == "given":
            out["formula"], out["theory"] = made["formula"], round(theory, 3)
            theory = out["theory"]
        else:
            out.update(made)
        if self.params["bulk"] == "given":
            out["density"] = round(rel * theory, 3)
        elif self.params["bulk"] == "pellet":
            d, h = round(rng.uniform(8.0, 25.0), 2), round(rng.uniform(1.0, 5.0), 2)  # mm
            out["pellet"] = [d, h, round(rel * theory * math.pi * (d / 20) ** 2 * (h / 10), 4)]
        else:
            dry = round(rng.uniform(0.5, 5.0), 4)
            rho_w = 0.9982
            # closed porosity aside: the sample's envelope volume is what Archimedes measures
            out["arch"] = [dry, round(dry - dry / (rel * theory) * rho_w, 4), rho_w]
        return out

    def _theory(self, identity: dict[str, Any]) -> float:
        return identity["theory"] if "theory" in identity else x_ray_density(identity)

    def _bulk(self, identity: dict[str, Any]) -> float:
        if identity["bulk"] == "given":
            return identity["density"]
        if identity["bulk"] == "pellet":
            d, h, m = identity["pellet"]
            return m / (math.pi * (d / 20) ** 2 * (h / 10))
        dry, wet, rho_w = identity["arch"]
        return dry * rho_w / (dry - wet)

    def question(self, identity: dict[str, Any]) -> str:
        if "theory" in identity:
            theory = f"{identity['formula']} (theoretical density {identity['theory']:.3f} g/cm^3)"
        else:
            theory = (f"{identity['formula']} ({cell_text(identity['cell'])}, Z = {identity['z']}; "
                      f"{masses_text(identity['amounts'])}; N_A = 6.02214076e23 /mol)")
        if identity["bulk"] == "given":
            bulk = f"has a bulk density of {identity['density']:.3f} g/cm^3"
        elif identity["bulk"] == "pellet":
            d, h, m = identity["pellet"]
            bulk = f"is a cylindrical pellet {d:.2f} mm in diameter and {h:.2f} mm thick weighing {m:.4f} g"
        else:
            dry, wet, rho_w = identity["arch"]
            bulk = (f"weighs {dry:.4f} g dry and {wet:.4f} g suspended in water (density {rho_w} g/cm^3; the "
                    "surface is sealed, so the Archimedes volume includes every pore)")
        return (f"A sintered sample of {theory} {bulk}. What is its porosity, 100 × (1 - bulk density / theoretical "
                "density), in percent?")

    def value(self, identity: dict[str, Any]) -> float:
        return 100.0 * (1.0 - self._bulk(identity) / self._theory(identity))


class CellSites(IntegerTask):
    version = 1
    default_params = {"sets": 3}
    levels = ({"sets": 2}, {"sets": 3}, {"sets": 4}, {"sets": 5})
    default_level = 2
    description = "Atoms per conventional cell from the positions they occupy (corner, edge, face, interior)."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Site sets to count (each with its share)."""
        return float(len(identity["sites"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return random_sites(rng, self.params["sets"])

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A tetragonal conventional cell has {sites_text(identity)}. Counting each atom by the share of it "
                "that lies inside the cell, how many atoms does one cell contain?")

    def value(self, identity: dict[str, Any]) -> int:
        return int(round(sum(v for v in site_counts(identity).values())))


class CellFormula(FormulaTask):
    version = 1
    reduced = True
    default_params = {"sets": 3}
    levels = ({"sets": 2}, {"sets": 3}, {"sets": 4}, {"sets": 5})
    default_level = 2
    description = "The formula of a compound from the positions its atoms occupy in the cell."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Site sets to count (each with its share)."""
        return float(len(identity["sites"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            out = random_sites(rng, self.params["sets"])
            if len(site_counts(out)) >= 2:
                return out

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A tetragonal conventional cell has {sites_text(identity)}. Counting each atom by the share of it "
                "that lies inside the cell, what is the empirical formula of the compound?")

    def value(self, identity: dict[str, Any]) -> str:
        return formula_text({el: n for el, n in site_counts(identity).items()})


class PackingFromDensity(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.004, "species": 1}
    levels = ({"species": 1}, {"species": 2}, {"species": 3})
    default_level = 1
    description = "Hard-sphere packing fraction of a solid from its density, molar mass and atomic radii."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species whose sphere volumes and masses enter."""
        return float(len(identity["parts"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        els = rng.sample([el for el, _ in CATIONS], self.params["species"])
        cuts = sorted(round(rng.uniform(0.05, 0.95), 2) for _ in range(len(els) - 1))
        fr = [round(b - a, 2) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
        while min(fr) < 0.05:
            cuts = sorted(round(rng.uniform(0.05, 0.95), 2) for _ in range(len(els) - 1))
            fr = [round(b - a, 2) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
        parts = [[el, x, round(rng.uniform(1.1, 2.2), 3)] for el, x in zip(els, fr, strict=True)]
        pf = rng.uniform(0.45, 0.76)
        sphere = sum(x * 4 / 3 * math.pi * r**3 for _, x, r in parts)  # Å³ per atom
        m = sum(x * mass(el) for el, x, _ in parts)
        density = round(pf * m / (N_A * sphere * 1e-24), 4)
        return {"parts": parts, "density": density}

    def question(self, identity: dict[str, Any]) -> str:
        parts = identity["parts"]
        if len(parts) == 1:
            el, _, r = parts[0]
            what = f"A metal, {el} (atomic mass {mass(el):.3f} g/mol, atomic radius {r:.3f} Å),"
        else:
            comp = ", ".join(f"{el} {x:g} (atomic mass {mass(el):.3f} g/mol, radius {r:.3f} Å)" for el, x, r in parts)
            what = f"A random alloy with atomic fractions {comp}"
        return (f"{what} has a density of {identity['density']:.4f} g/cm^3 (N_A = 6.02214076e23 /mol). Treating the "
                "atoms as hard spheres of these radii, what fraction of space do they fill (the packing fraction)?")

    def value(self, identity: dict[str, Any]) -> float:
        sphere = sum(x * 4 / 3 * math.pi * r**3 for _, x, r in identity["parts"])
        m = sum(x * mass(el) for el, x, _ in identity["parts"])
        return identity["density"] * N_A / m * sphere * 1e-24


class IonicPacking(_CellTask, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.004, "system": "orthorhombic"}
    levels = SYSTEM_LEVELS[:5]
    description = "Packing fraction of an ionic crystal from its cell, Z and ionic radii."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        amounts = random_formula(rng, rng.randint(1, 2))
        radii = {el: round(rng.uniform(0.5, 1.2), 3) if el not in dict(ANIONS) else round(rng.uniform(1.3, 2.0), 3)
                 for el in amounts}
        z = rng.choice([1, 2, 3, 4, 6, 8])
        spheres = z * sum(n * 4 / 3 * math.pi * radii[el] ** 3 for el, n in amounts.items())
        cell = random_cell(rng, self.params["system"], spheres / rng.uniform(0.35, 0.75))
        return {"formula": formula_text(amounts), "amounts": amounts, "radii": radii, "z": z, "cell": cell}

    def question(self, identity: dict[str, Any]) -> str:
        radii = ", ".join(f"{el} {r:.3f} Å" for el, r in identity["radii"].items())
        return (f"{identity['formula']} has a {cell_text(identity['cell'])} cell with Z = {identity['z']} formula "
                f"units. Treating the ions as hard spheres with radii {radii}, what fraction of the cell volume do "
                "they fill (the ionic packing fraction)?")

    def value(self, identity: dict[str, Any]) -> float:
        spheres = identity["z"] * sum(n * 4 / 3 * math.pi * identity["radii"][el] ** 3
                                      for el, n in identity["amounts"].items())
        return spheres / cell_volume(identity["cell"])


def register(registry: Any) -> None:
    registry.register(DensityFromCell, "materials/density_from_cell")
    registry.register(FormulaUnits, "materials/formula_units_from_density")
    registry.register(MolarMassFromDensity, "materials/formula_mass_from_density")
    registry.register(CubicCellFromDensity, "materials/lattice_parameter_from_density")
    registry.register(Porosity, "materials/porosity_from_density")
    registry.register(CellSites, "materials/atoms_per_cell_from_sites")
    registry.register(CellFormula, "materials/formula_from_cell_sites")
    registry.register(PackingFromDensity, "materials/packing_fraction_from_density")
    registry.register(IonicPacking, "materials/ionic_packing_fraction")
    from tasks.materials._density_defects import DefectModel, Nonstoichiometry

    registry.register(DefectModel, "materials/defect_model_from_density")
    registry.register(Nonstoichiometry, "materials/nonstoichiometry_from_density")

