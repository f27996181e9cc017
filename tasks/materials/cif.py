"""CIF files: read properties from a CIF, and write CIFs of described, substituted or strained crystals."""

from __future__ import annotations

import functools
import random
import warnings
from typing import Any

import numpy as np
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

from bootcamp import Task
from bootcamp.answers import FormulaTask, IntegerTask
from bootcamp.verifiers.formula import check_structure
from tasks.materials import _structures as S
from tasks.materials import _symgen as G
from tasks.materials._common import NumericTask, pick

#: StructureMatcher tolerances for CIF answers: tight enough that a 2% wrong lattice fails.
_MATCH = {"ltol": 0.01, "stol": 0.1, "angle_tol": 1.0}
_POOL = S.SMALL + ["layered_rocksalt"]


def cif_text(s: Structure) -> str:
    return str(CifWriter(s))


@functools.lru_cache(maxsize=1024)
def _crystal_cif(k: str) -> str:
    return cif_text(S._build(k))


#: Crystal levels: elements, simple binaries, the original pool, ternaries and large cells.
_TIER_LEVELS = ({"tier": 1}, {"tier": 2}, {"tier": 3}, {"tier": 4})


class _Tiered:
    """Levels over the prototype tiers of :mod:`tasks.materials._structures`."""

    params: dict[str, Any]
    levels = _TIER_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the conventional cell times species."""
        return S.complexity(identity.get("crystal") or identity["target"])

    def _crystal(self, rng: random.Random) -> dict[str, Any]:
        return S.tiered_crystal(rng, _POOL, self.params["tier"])


@functools.lru_cache(maxsize=1024)
def _sym_cif(k: str) -> str:
    return cif_text(G._build(k))


def crystal_cif(crystal: dict[str, Any]) -> str:
    """The CIF (P1 setting, pymatgen CifWriter) of a crystal identity (cached)."""
    if "sites" in crystal:  # a generated crystal of a drawn space group
        return _sym_cif(G.key(crystal))
    return _crystal_cif(S.key(crystal))


class CifProperty(_Tiered, NumericTask):
    """A number read off a structure given as a CIF."""

    version = 2
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "quantity": "density", "tier": 3}
    _TEXT = {"density": ("What is the density of this crystal?", "g/cm^3"),
             "nn_distance": ("What is the shortest interatomic distance in this crystal?", "Å"),
             "volume_per_atom": ("What is the volume per atom of this crystal?", "Å^3 per atom")}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._TEXT[self.params["quantity"]][1]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"crystal": self._crystal(rng)}

    def question(self, identity: dict[str, Any]) -> str:
        return f"Here is a crystal structure in CIF format:\n\n{crystal_cif(identity['crystal'])}\n{self._TEXT[self.params['quantity']][0]}"

    def value(self, identity: dict[str, Any]) -> float:
        s = S.structure(identity)
        q = self.params["quantity"]
        if q == "density":
            return float(s.density)
        if q == "nn_distance":
            return S.shortest_distance(identity)
        return float(s.volume) / len(s)


class CifCount(_Tiered, IntegerTask):
    """An integer read off a CIF: space group number or formula units per cell."""

    version = 3

    default_params = {"quantity": "sg_number", "tier": 3, "orbits": 4, "max_atoms": 28}
    # ``tier`` sets the prototypes (formula units), ``orbits``/``max_atoms`` the generated crystals (space group).
    # No levels yet: at the element and binary tiers formula units concentrate on 1 and 2 (a constant
    # guess of 2 earns 0.6), so the counts need their own level design.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the cell times species."""
        if "sites" in identity["crystal"]:
            c = identity["crystal"]
            return float(G.atoms(c) * len({el for el, _ in c["sites"]}))
        return S.complexity(identity["crystal"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["quantity"] == "sg_number":  # drawn answer-first so the numbers spread
            return {"crystal": G.random_symmetric(rng, self.params["orbits"], self.params["max_atoms"])}
        return {"crystal": self._crystal(rng)}

    def question(self, identity: dict[str, Any]) -> str:
        ask = ("What is the number (1-230) of its space group?" if self.params["quantity"] == "sg_number" else
               "How many formula units (of the reduced formula) does this cell contain?")
        return f"Here is a crystal structure in CIF format (written in P1):\n\n{crystal_cif(identity['crystal'])}\n{ask}"

    def value(self, identity: dict[str, Any]) -> int:
        if self.params["quantity"] == "sg_number":
            return int(G.symmetry(identity["crystal"])["number"])
        s = S.structure(identity)
        return int(round(len(s) / s.composition.reduced_composition.num_atoms))


class CifFormula(_Tiered, FormulaTask):
    version = 2
    default_params = {"tier": 3}
    description = "Reduced formula of a structure given as a CIF."
    reduced = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"crystal": self._crystal(rng)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"Here is a crystal structure in CIF format (written in P1):\n\n{crystal_cif(identity['crystal'])}\n"
                "What is its reduced chemical formula?")

    def value(self, identity: dict[str, Any]) -> str:
        return S.formula(identity["crystal"])


def _strained_key(k: str, strain: tuple[float, float, float]) -> str:
    s = S._build(k)
    m = np.diag([1 + x for x in strain]) @ np.array(s.lattice.matrix)  # scales each lattice vector
    return cif_text(Structure(Lattice(m), s.species, s.frac_coords))


_strained_cif = functools.lru_cache(maxsize=512)(_strained_key)


class WriteCif(_Tiered, Task):
    """Write the CIF of a crystal: from a description, after an element substitution, or after a strain."""

    version = 2
    default_params = {"mode": "describe", "tier": 3}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = self._crystal(rng)
        mode = self.params["mode"]
        if mode == "substitute":
            proto = crystal["proto"]
            new = crystal["species"]
            # No chains like "replace A by B, B by C": the new elements must not sit elsewhere in the source.
            others = [e for e in S.examples()[proto] if e["species"] != new and
                      not any(x in new and new.index(x) != i for i, x in enumerate(e["species"]))]
            other = pick(rng, others)
            src = dict(crystal)
            src["species"] = other["species"]
            for k in ("a", "c"):
                if k in other:
                    src[k] = round(other[k] * rng.uniform(0.98, 1.02), 3)
            # The substituted crystal keeps the source's fractional coordinates; the new lattice is given.
            return {"source": src, "target": crystal}
        if mode == "strain":
            strain = [round(rng.choice([-1, 1]) * rng.uniform(0.02, 0.06), 3) if rng.random() < 0.7 else 0.0
                      for _ in range(3)]
            if not any(strain):
                strain[2] = 0.04
            return {"crystal": crystal, "strain": strain}
        return {"crystal": crystal}

    def _truth(self, identity: dict[str, Any]) -> str:
        if self.params["mode"] == "substitute":
            return crystal_cif(identity["target"])
        if self.params["mode"] == "strain":
            return _strained_cif(S.key(identity["crystal"]), tuple(identity["strain"]))
        return crystal_cif(identity["crystal"])

    def prompt(self, identity: dict[str, Any]) -> str:
        mode = self.params["mode"]
        if mode == "describe":
            head = f"Write a CIF file for {S.describe(identity['crystal'], sites=True)}"
        elif mode == "substitute":
            src, tgt = identity["source"], identity["target"]
            mapping = ", ".join(f"{a} by {b}" for a, b in zip(src["species"], tgt["species"], strict=False) if a != b)
            lat = S.lattice_text(tgt).split(", ", 1)[1]
            head = (f"Here is a CIF:\n\n{crystal_cif(src)}\nReplace {mapping} (keeping every fractional coordinate) "
                    f"and set the lattice parameters to {lat}, angles unchanged. Write the CIF of the new crystal.")
        else:
            e = identity["strain"]
            strains = ", ".join(f"{x * 100:+g}% along {ax}" for x, ax in zip(e, "abc", strict=False))
            head = (f"Here is a CIF:\n\n{crystal_cif(identity['crystal'])}\nApply a homogeneous normal strain of "
                    f"{strains} (lattice vectors a, b, c scaled by 1 + strain, fractional coordinates and angles "
                    "unchanged). Write the CIF of the strained crystal.")
        return (f"{head}\n\nPut the complete CIF (with data_ block, _cell_length_a/b/c, _cell_angle_alpha/beta/gamma "
                "and an _atom_site_ loop with fractional coordinates) inside <answer></answer> tags; writing it in "
                "space group P1 with every atom of the cell listed is safest (a CIF may expand to at most 200 "
                "atoms). Lattice lengths must be within 1%.")

    def format_answer(self, answer: str) -> str:
        return f"<answer>\n{answer}\n</answer>"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_structure(answer, self._truth(identity), **_MATCH)

    def solve(self, identity: dict[str, Any]) -> str:
        return self._truth(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        truth = self._truth(identity)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = Structure.from_str(truth, fmt="cif")
        scaled = s.copy()
        scaled.scale_lattice(s.volume * 1.08)
        fewer = s.copy()
        fewer.remove_sites([0])
        swapped = s.copy()
        el = s[0].specie.symbol
        swapped.replace_species({el: "Sc" if el != "Sc" else "Y"})
        out = [cif_text(scaled), cif_text(swapped)]
        if len(fewer):
            out.append(cif_text(fewer))
        return out


def register(registry: Any) -> None:
    registry.register(CifProperty, "materials/cif_density", {"quantity": "density"},
                      "Density of a crystal given as a CIF.")
    registry.register(CifProperty, "materials/cif_nearest_neighbor_distance", {"quantity": "nn_distance"},
                      "Shortest interatomic distance in a crystal given as a CIF.")
    registry.register(CifProperty, "materials/cif_volume_per_atom", {"quantity": "volume_per_atom"},
                      "Volume per atom of a crystal given as a CIF.")
    registry.register(CifCount, "materials/cif_space_group_number", {"quantity": "sg_number"},
                      "Space group number of a crystal given as a P1 CIF.")
    registry.register(CifCount, "materials/cif_formula_units", {"quantity": "z"},
                      "Formula units in the cell of a crystal given as a CIF.")
    registry.register(CifFormula, "materials/cif_formula")
    registry.register(WriteCif, "materials/write_cif", {"mode": "describe"},
                      "Write the CIF of a crystal described by prototype, lattice and atoms.")
    registry.register(WriteCif, "materials/cif_substitution", {"mode": "substitute"},
                      "Write the CIF of a crystal after an element substitution and a new lattice.")
    registry.register(WriteCif, "materials/cif_strain", {"mode": "strain"},
                      "Write the CIF of a crystal after a homogeneous normal strain.")

