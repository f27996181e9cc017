"""Generated formulas, cells and site sets for the density and packing tasks. Not a task module.

Formulas are charge-balanced ionic compounds; cells of every crystal system are scaled to 8-25 Å³
per atom, so X-ray densities ρ = Z M / (N_A V) are those of real solids. Atomic masses are the
standard atomic weights (pymatgen), rounded to 3 decimals as the prompts state them.
"""

from __future__ import annotations

import functools
import math
import random
from typing import Any

from pymatgen.core import Element, Lattice

from bootcamp.answers import formula_text

N_A = 6.02214076e23
CATIONS = [("Li", 1), ("Na", 1), ("K", 1), ("Rb", 1), ("Cs", 1), ("Ag", 1), ("Mg", 2), ("Ca", 2), ("Sr", 2), ("Ba", 2),
           ("Zn", 2), ("Ni", 2), ("Co", 2), ("Mn", 2), ("Fe", 2), ("Cu", 2), ("Cd", 2), ("Pb", 2), ("Al", 3), ("Ga", 3),
           ("In", 3), ("Sc", 3), ("Y", 3), ("La", 3), ("Cr", 3), ("Bi", 3), ("Ti", 4), ("Zr", 4), ("Hf", 4), ("Sn", 4),
           ("Ce", 4), ("Nb", 5), ("Ta", 5), ("W", 6), ("Mo", 6)]
ANIONS = [("O", -2), ("F", -1), ("Cl", -1), ("S", -2), ("N", -3), ("Se", -2), ("Br", -1)]
SYSTEMS = ("cubic", "tetragonal", "orthorhombic", "hexagonal", "monoclinic", "triclinic")
#: Steps of the cell-volume formula of each crystal system.
VOLUME_STEPS = {"cubic": 1, "tetragonal": 2, "orthorhombic": 3, "hexagonal": 4, "monoclinic": 5, "triclinic": 8}


@functools.lru_cache(maxsize=256)
def mass(el: str) -> float:
    """Standard atomic weight, 3 decimals (as the prompt states it)."""
    return round(float(Element(el).atomic_mass), 3)


def random_formula(rng: random.Random, n_cations: int) -> dict[str, int]:
    """A charge-balanced ionic formula with ``n_cations`` different cations and one anion."""
    anion, qa = ANIONS[rng.randrange(len(ANIONS))]
    cations = rng.sample(CATIONS, n_cations)
    amounts = {el: rng.randint(1, 3) for el, _ in cations}
    positive = sum(amounts[el] * q for el, q in cations)
    g = math.gcd(positive, -qa)
    scale = -qa // g
    out = {el: n * scale for el, n in amounts.items()}
    out[anion] = positive // g
    common = 0
    for v in out.values():
        common = math.gcd(common, v)
    return {el: v // common for el, v in out.items()}


def molar_mass(amounts: dict[str, int]) -> float:
    return sum(n * mass(el) for el, n in amounts.items())


def random_cell(rng: random.Random, system: str, volume: float) -> dict[str, float]:
    """Lattice parameters (Å, degrees; 4 and 2 decimals) of ``system`` with about ``volume`` Å³."""
    ratios = [1.0, rng.uniform(0.6, 1.7), rng.uniform(0.6, 1.7)]
    angles = [90.0, 90.0, 90.0]
    if system == "cubic":
        ratios = [1.0, 1.0, 1.0]
    elif system in ("tetragonal", "hexagonal"):
        ratios[1] = 1.0
        if system == "hexagonal":
            angles[2] = 120.0
    elif system == "monoclinic":
        angles[1] = round(rng.uniform(92.0, 125.0), 2)
    elif system == "triclinic":
        angles = [round(rng.uniform(70.0, 110.0), 2) for _ in range(3)]
    unit = Lattice.from_parameters(*ratios, *angles).volume
    scale = (volume / unit) ** (1 / 3)
    a, b, c = (round(r * scale, 4) for r in ratios)
    return {"system": system, "a": a, "b": b, "c": c, "alpha": angles[0], "beta": angles[1], "gamma": angles[2]}


def cell_volume(cell: dict[str, Any]) -> float:
    """V in Å³."""
    return float(Lattice.from_parameters(cell["a"], cell["b"], cell["c"], cell["alpha"], cell["beta"],
                                         cell["gamma"]).volume)


def cell_text(cell: dict[str, Any]) -> str:
    s = cell["system"]
    if s == "cubic":
        return f"cubic, a = {cell['a']:.4f} Å"
    if s in ("tetragonal", "hexagonal"):
        return f"{s}, a = {cell['a']:.4f} Å, c = {cell['c']:.4f} Å"
    lengths = f"a = {cell['a']:.4f} Å, b = {cell['b']:.4f} Å, c = {cell['c']:.4f} Å"
    if s == "orthorhombic":
        return f"orthorhombic, {lengths}"
    if s == "monoclinic":
        return f"monoclinic, {lengths}, β = {cell['beta']:.2f}°"
    return f"triclinic, {lengths}, α = {cell['alpha']:.2f}°, β = {cell['beta']:.2f}°, γ = {cell['gamma']:.2f}°"


def masses_text(amounts: dict[str, Any]) -> str:
    return "atomic masses " + ", ".join(f"{el} {mass(el):.3f}" for el in amounts) + " g/mol"


def crystal(rng: random.Random, system: str, n_cations: int) -> dict[str, Any]:
    amounts = random_formula(rng, n_cations)
    z = rng.choice([1, 2, 3, 4, 6, 8])
    volume = z * sum(amounts.values()) * rng.uniform(8.0, 25.0)
    return {"formula": formula_text(amounts), "amounts": amounts, "z": z, "cell": random_cell(rng, system, volume)}


def x_ray_density(identity: dict[str, Any]) -> float:
    """Z M / (N_A V) in g/cm³."""
    return identity["z"] * molar_mass(identity["amounts"]) / (N_A * cell_volume(identity["cell"]) * 1e-24)


#: Disjoint site sets of a tetragonal conventional cell: (description, positions, atoms they contribute).
SITE_SETS = [("the 8 corners", 8, 1.0), ("the centres of the 4 edges parallel to c", 4, 1.0),
             ("the centres of the 8 edges normal to c", 8, 2.0), ("the centres of the 2 faces normal to c", 2, 1.0),
             ("the centres of the 4 faces parallel to c", 4, 2.0), ("the body centre", 1, 1.0),
             ("the 8 points (0 0 1/4), (0 0 3/4) on each of the 4 edges parallel to c", 8, 2.0),
             ("the 16 points (1/2 0 1/4), (1/2 0 3/4), (0 1/2 1/4), (0 1/2 3/4) and their equivalents on all 4 faces "
              "parallel to c", 16, 4.0),
             ("the 2 points (1/2 1/2 1/4) and (1/2 1/2 3/4) inside the cell", 2, 2.0),
             ("the 8 points (1/4 1/4 0), (3/4 3/4 0), (1/4 3/4 0), (3/4 1/4 0) and their equivalents at z = 1 on the 2 "
              "faces normal to c", 8, 4.0)]


def random_sites(rng: random.Random, sets: int) -> dict[str, Any]:
    """Species on distinct site sets plus, sometimes, atoms at general interior positions."""
    n_species = rng.randint(2, min(3, sets))
    species = rng.sample([el for el, _ in CATIONS] + ["O", "F", "Cl", "S", "N"], n_species)
    chosen = rng.sample(range(len(SITE_SETS)), sets)
    sites = []
    for i, s in enumerate(chosen):
        sp = species[i] if i < n_species else species[rng.randrange(n_species)]
        sites.append([sp, s])
    interior = [[species[rng.randrange(n_species)], rng.randint(1, 6)] for _ in range(rng.randint(0, 1))]
    return {"sites": sites, "interior": interior}


def sites_text(identity: dict[str, Any]) -> str:
    parts = [f"{el} atoms at {SITE_SETS[s][0]}" if SITE_SETS[s][1] > 1 else f"one {el} atom at {SITE_SETS[s][0]}"
             for el, s in identity["sites"]]
    parts += [f"{n} {el} atom{'s' if n > 1 else ''} at general positions wholly inside the cell"
              for el, n in identity["interior"]]
    return "; ".join(parts)


def site_counts(identity: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for el, s in identity["sites"]:
        out[el] = out.get(el, 0.0) + SITE_SETS[s][2]
    for el, n in identity["interior"]:
        out[el] = out.get(el, 0.0) + n
    return out
