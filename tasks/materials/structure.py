"""Crystal structure properties of prototype crystals: density, volumes, distances, symmetry, coordination."""

from __future__ import annotations

import functools
import random
import re
from typing import Any

from pymatgen.core import Element
from pymatgen.symmetry.groups import SpaceGroup

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask
from tasks.materials import _structures as S
from tasks.materials import _symgen as G
from tasks.materials._common import NumericTask, pick

_POOLS = {"all": S.ALL, "small": S.SMALL + ["layered_rocksalt"], "cubic": S.CUBIC,
          "compounds": [p for p in S.SMALL if p not in ("fcc", "bcc", "hcp", "diamond")]}


def _crystal(rng: random.Random, pool: str, tier: int | None = None) -> dict[str, Any]:
    return S.tiered_crystal(rng, _POOLS[pool], tier)


#: Crystal levels: elements, simple binaries, the task's own pool, ternaries and large cells.
_TIER_LEVELS = ({"tier": 1}, {"tier": 2}, {"tier": 3}, {"tier": 4})
#: Generated-crystal levels: (Wyckoff orbits, most atoms in the cell); more atoms to sort by symmetry.
_ORBIT_LEVELS = ((2, 12), (3, 20), (4, 28), (5, 40), (6, 52))


def _symmetric(rng: random.Random, params: dict[str, Any]) -> dict[str, Any]:
    return G.random_symmetric(rng, params["orbits"], params["max_atoms"])


def _sym_complexity(crystal: dict[str, Any]) -> float:
    return float(G.atoms(crystal) * len({el for el, _ in crystal["sites"]}))


def _radius(el: str) -> float:
    return float(Element(el).atomic_radius)


class StructureQuantity(NumericTask):
    """A number computed from one crystal structure."""

    version = 2
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "quantity": "density", "pool": "all", "sites": False,
                      "tier": 3}
    levels = _TIER_LEVELS
    default_level = 3
    _TEXT = {
        "density": ("What is its density?", "g/cm^3"),
        "volume": ("What is the volume of the conventional unit cell?", "Å^3"),
        "volume_per_atom": ("What is the volume per atom?", "Å^3 per atom"),
        "nn_distance": ("What is the shortest interatomic distance in the crystal?", "Å"),
        "cell_mass": ("What is the total mass of the atoms in the conventional cell? Use standard atomic "
                      "weights.", "daltons (g/mol)"),
        "number_density": ("What is the atomic number density?", "atoms per nm^3"),
        "packing_fraction": ("", ""),
    }

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._TEXT[self.params["quantity"]][1]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = _crystal(rng, self.params["pool"], self.params["tier"])
        out: dict[str, Any] = {"crystal": crystal}
        if self.params["quantity"] == "packing_fraction":
            out["radii"] = {el: _radius(el) for el in crystal["species"]}
        return out

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the conventional cell times species."""
        return S.complexity(identity["crystal"])

    def question(self, identity: dict[str, Any]) -> str:
        text = S.describe(identity, sites=self.params["sites"])
        if self.params["quantity"] == "packing_fraction":
            radii = ", ".join(f"{el} {r:.2f} Å" for el, r in identity["radii"].items())
            return (f"{text} Treat the atoms as hard spheres with radii {radii}. What fraction of the cell "
                    "volume do the spheres fill (the packing fraction, a number between 0 and 1, ignoring "
                    "any overlap)?")
        return f"{text} {self._TEXT[self.params['quantity']][0]}"

    def value(self, identity: dict[str, Any]) -> float:
        s = S.structure(identity)
        q = self.params["quantity"]
        if q == "density":
            return float(s.density)
        if q == "volume":
            return float(s.volume)
        if q == "volume_per_atom":
            return float(s.volume) / len(s)
        if q == "nn_distance":
            return S.shortest_distance(identity)
        if q == "cell_mass":
            return float(s.composition.weight)
        if q == "number_density":
            return len(s) / float(s.volume) * 1000.0
        filled = sum(S.sphere_volume(identity["radii"][site.specie.symbol]) for site in s)
        return filled / float(s.volume)


class StructureCount(IntegerTask):
    """An integer property of one crystal structure."""

    version = 3

    default_params = {"quantity": "z", "pool": "all", "sites": False, "name": True, "tier": 3, "orbits": 4,
                      "max_atoms": 28}
    # ``tier`` sets the prototype crystals, ``orbits``/``max_atoms`` the generated ones (space group number).
    # No levels yet: at the element and binary tiers the counts concentrate on 1 and 2 (a constant guess
    # of 2 earns 0.5-0.66), so they need their own level design.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the cell times species."""
        if "sym" in identity:
            return _sym_complexity(identity["sym"])
        return S.complexity(identity["crystal"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["quantity"] == "sg_number":  # drawn answer-first so the numbers spread
            return {"sym": _symmetric(rng, self.params)}
        crystal = _crystal(rng, self.params["pool"], self.params["tier"])
        out: dict[str, Any] = {"crystal": crystal}
        if self.params["quantity"] == "cn":
            els = sorted(set(crystal["species"]))
            centre = pick(rng, els)
            partners = [e for e in els if e != centre] or [centre]
            partner = pick(rng, partners)
            d = S.distances(crystal)[centre]["partners"][partner]
            if any(1.06 < x / d[0] < 1.14 for x in d):  # a shell near the 10% cut-off is ambiguous
                return self.generate(rng)
            out["centre"], out["partner"] = centre, partner
        return out

    def question(self, identity: dict[str, Any]) -> str:
        q = self.params["quantity"]
        if "sym" in identity:
            return (f"{G.describe(identity['sym'])} What is the number (1-230) of its space group in the "
                    "International Tables?")
        text = S.describe(identity, name=self.params["name"], sites=self.params["sites"])
        if q == "z":
            return f"{text} How many formula units of {S.formula(identity)} does the conventional cell contain?"
        if q == "primitive_sites":
            return f"{text} How many atoms does the primitive unit cell of this crystal contain?"
        if q == "conventional_sites":
            return f"{text} How many atoms does the conventional unit cell contain?"
        if q == "sg_number":
            return f"{text} What is the number (1-230) of its space group in the International Tables?"
        c, p = identity["centre"], identity["partner"]
        return (f"{text} What is the coordination number of {c} by {p} atoms, i.e. how many {p} atoms lie at "
                f"(within 10% of) the shortest {c}-{p} distance?")

    def value(self, identity: dict[str, Any]) -> int:
        q = self.params["quantity"]
        if q == "z":
            s = S.structure(identity)
            return int(round(len(s) / s.composition.reduced_composition.num_atoms))
        if q == "primitive_sites":
            return int(S.symmetry(identity)["primitive_sites"])
        if q == "conventional_sites":
            return len(S.structure(identity))
        if q == "sg_number":
            return int(G.symmetry(identity["sym"])["number"])
        return S.coordination(identity, identity["centre"], identity["partner"])


_WRAP = re.compile(r"\\(?:mathrm|text|textrm|rm|mathit)\s*\{([^{}]*)\}")
_BAR = re.compile(r"\\(?:bar|overline)\s*\{?\s*(\d)\s*\}?")


def _clean_symbol(answer: str) -> str:
    t = answer.strip().strip("$").strip()
    for _ in range(3):
        t = _WRAP.sub(r"\1", t)
    t = _BAR.sub(r"-\1", t)
    t = re.sub(r"(\d)\u0304", r"-\1", t)  # 3̄ written with a combining overline
    t = re.sub(r"_\{(\d)\}", r"_\1", t).replace("−", "-").replace("{", "").replace("}", "")
    return t


@functools.lru_cache(maxsize=1)
def _symbol_numbers() -> dict[str, int]:
    # pymatgen's own symbol lookup (SpaceGroup.__init__) without building the symmetry operations,
    # which takes up to a second and a half for cubic groups.
    out: dict[str, int] = {}
    for spg in SpaceGroup.SYMM_OPS:
        for k in ("hermann_mauguin", "universal_h_m", "hermann_mauguin_u"):
            out.setdefault(spg[k].replace(" ", ""), int(spg["number"]))
    return out


def space_group_number(symbol: str) -> int | None:
    """The International Tables number of a Hermann-Mauguin symbol (short or full), or None."""
    t = symbol.replace(" ", "")
    t = SpaceGroup.abbrev_sg_mapping.get(t, SpaceGroup.full_sg_mapping.get(t, t))
    return _symbol_numbers().get(t.replace(" ", ""))


_POINT_FULL = {"4/m-32/m": "m-3m", "6/m2/m2/m": "6/mmm", "4/m2/m2/m": "4/mmm", "-32/m": "-3m", "-3m1": "-3m",
               "-32/m1": "-3m", "-31m": "-3m", "2/m-3": "m-3", "-6m2": "-6m2", "-62m": "-6m2", "-4m2": "-42m",
               "321": "32", "312": "32", "3m1": "3m", "31m": "3m", "2/m2/m2/m": "mmm", "2mm": "mm2", "m2m": "mm2",
               "6/m2/m2/m1": "6/mmm", "4/m2/m2/m1": "4/mmm", "-31m1": "-3m", "-3/m": "-6"}
_SYSTEMS = ("triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic")


class SymmetryName(Task):
    """A symmetry label of a crystal given atom by atom: space group symbol, crystal system or point group."""

    version = 2
    default_params = {"quantity": "sg_symbol", "orbits": 4, "max_atoms": 28}
    levels = tuple({"orbits": o, "max_atoms": m} for o, m in _ORBIT_LEVELS)
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the cell times species: what must be sorted into orbits to find the symmetry."""
        return _sym_complexity(identity["sym"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # Drawn answer-first (system, then point group, then space group), so no label dominates.
        return {"sym": _symmetric(rng, self.params)}

    def prompt(self, identity: dict[str, Any]) -> str:
        text = G.describe(identity["sym"])
        q = self.params["quantity"]
        if q == "sg_symbol":
            ask = ("What is its space group? Give the Hermann-Mauguin short symbol (e.g. Pm-3m or P6_3/mmc) "
                   "in \\boxed{}.")
        elif q == "crystal_system":
            ask = f"What is its crystal system? Answer with one of: {', '.join(_SYSTEMS)}, in \\boxed{{}}."
        else:
            ask = "What is its crystallographic point group? Give the short Hermann-Mauguin symbol (e.g. 4/mmm) in \\boxed{}."
        return f"{text}\n\n{ask}"

    def _truth(self, identity: dict[str, Any]) -> str:
        sym = G.symmetry(identity["sym"])
        return {"sg_symbol": sym["symbol"], "crystal_system": sym["crystal_system"],
                "point_group": sym["point_group"]}[self.params["quantity"]]

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 40:
            return invalid("not a symmetry label")
        t = _clean_symbol(answer)
        q = self.params["quantity"]
        if q == "sg_symbol":
            if not re.fullmatch(r"[PIFCABR][-0-9a-z_/ ]{1,20}", t):
                return invalid("not a space group symbol")
            n = space_group_number(t)
            if n is None:
                return invalid("not a space group symbol")
            return 1.0 if n == G.symmetry(identity["sym"])["number"] else Score(0.0, "wrong")
        if q == "crystal_system":
            word = t.lower().strip(". ")
            if word not in _SYSTEMS:
                return invalid("not a crystal system")
            return 1.0 if word == self._truth(identity) else Score(0.0, "wrong")
        compact = t.replace(" ", "")
        if not re.fullmatch(r"[-0-9m/]{1,12}", compact):
            return invalid("not a point group symbol")
        compact = _POINT_FULL.get(compact, compact)
        return 1.0 if compact == self._truth(identity) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return self._truth(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        wrong = {"sg_symbol": ["Fm-3m", "Pm-3m", "P6_3/mmc", "P4/mmm", "Im-3m", "F-43m"],
                 "crystal_system": list(_SYSTEMS), "point_group": ["m-3m", "6/mmm", "4/mmm", "-43m", "6mm", "mmm"]}
        truth = self._truth(identity)
        return [w for w in wrong[self.params["quantity"]] if w != truth][:5]


def register(registry: Any) -> None:
    for q, pool, sites, tol, desc in [
        ("density", "all", False, 0.005, "Density of a crystal from its structure and lattice parameters."),
        ("volume", "all", False, 0.005, "Volume of the conventional unit cell."),
        ("volume_per_atom", "all", False, 0.005, "Volume per atom of a crystal."),
        ("nn_distance", "small", True, 0.005, "Shortest interatomic (nearest-neighbour) distance in a crystal."),
        ("cell_mass", "small", True, 0.002, "Mass of the atoms in a conventional cell listed atom by atom."),
        ("number_density", "all", False, 0.005, "Number of atoms per cubic nanometre in a crystal."),
    ]:
        name = {"cell_mass": "unit_cell_mass", "number_density": "atomic_number_density",
                "nn_distance": "nearest_neighbor_distance", "volume": "cell_volume"}.get(q, q)
        registry.register(StructureQuantity, f"materials/{name}",
                          {"quantity": q, "pool": pool, "sites": sites, "rel_tol": tol}, desc)
    registry.register(StructureQuantity, "materials/packing_fraction",
                      {"quantity": "packing_fraction", "pool": "small", "sites": True, "rel_tol": 0.0,
                       "abs_tol": 0.004}, "Packing fraction of a crystal with given hard-sphere radii.")
    for q, pool, sites, name, desc in [
        ("z", "all", False, True, "Formula units per conventional cell of a named structure type."),
        ("primitive_sites", "small", True, False, "Number of atoms in the primitive cell of a crystal."),
        ("conventional_sites", "all", False, True, "Number of atoms in the conventional cell of a named structure."),
        ("sg_number", "small", True, False, "Space group number of a crystal given atom by atom."),
        ("cn", "small", True, True, "Coordination number of one species by another in a crystal."),
    ]:
        tid = {"z": "formula_units_per_cell", "primitive_sites": "primitive_cell_atoms",
               "conventional_sites": "conventional_cell_atoms",
               "sg_number": "space_group_number", "cn": "coordination_number"}[q]
        registry.register(StructureCount, f"materials/{tid}", {"quantity": q, "pool": pool, "sites": sites,
                                                                "name": name}, desc)
    registry.register(SymmetryName, "materials/space_group_symbol", {"quantity": "sg_symbol"},
                      "Hermann-Mauguin symbol of the space group of a crystal given atom by atom.")
    registry.register(SymmetryName, "materials/crystal_system", {"quantity": "crystal_system"},
                      "Crystal system of a crystal given atom by atom.")
    registry.register(SymmetryName, "materials/point_group", {"quantity": "point_group"},
                      "Crystallographic point group of a crystal given atom by atom.")
