"""Space group of a generated crystal structure, found with ``pymatgen_symmetry``.

The structure is a known prototype (rock salt, perovskite, rutile, wurtzite...) in disguise: its origin
is shifted, and often a supercell is ordered by substituting one site with a dopant, which lowers the
symmetry to a group that is hard to work out by hand. The prompt gives the cell as the tool's JSON
(lattice vectors, species, fractional coordinates), so the policy can pass it straight on. The true
space group is computed with spglib (pymatgen's ``SpacegroupAnalyzer``) and kept only when it is the
same at tolerances 0.001, 0.01 and 0.1 Å, so the answer does not depend on the tool's tolerance.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import parse_integer

#: Most sites a generated cell may have (the prompt lists them all).
MAX_SITES = 24
_DOPANTS = ("Sc", "Y", "Ga", "In", "Ge", "Sn", "Nb", "Ta", "Mo", "W", "Rb", "Sr", "Ba", "Zr", "Hf", "La")


def _space_group(structure: Any, symprec: float) -> int:
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    return int(SpacegroupAnalyzer(structure, symprec=symprec).get_space_group_number())


def random_cell(rng: random.Random) -> dict[str, Any] | None:
    """A disguised prototype cell as the tool's JSON, or None when it is too big or its group is borderline."""
    from pymatgen.core import Structure

    from tasks.materials._structures import SMALL, random_crystal, structure

    crystal = random_crystal(rng, SMALL, jitter=0.03)
    s: Structure = structure(crystal).copy()
    if rng.random() < 0.7:
        if rng.random() < 0.5 and len(s) * 2 <= MAX_SITES:
            scale = [1, 1, 1]
            scale[rng.randrange(3)] = 2
            s.make_supercell(scale)
        present = {site.specie.symbol for site in s}
        dopant = rng.choice([d for d in _DOPANTS if d not in present])
        s.replace(rng.randrange(len(s)), dopant)
    if len(s) > MAX_SITES:
        return None
    shift = [rng.choice((0.0, 0.125, 0.25, 0.5)) for _ in range(3)]
    s.translate_sites(list(range(len(s))), shift, frac_coords=True, to_unit_cell=True)
    lattice = [[round(x, 4) for x in row] for row in s.lattice.matrix.tolist()]
    coords = [[round(x % 1.0, 4) % 1.0 for x in site.frac_coords] for site in s]
    species = [site.specie.symbol for site in s]
    rounded = Structure(lattice, species, coords)
    groups = {_space_group(rounded, p) for p in (0.001, 0.01, 0.1)}
    if len(groups) != 1:
        return None
    return {"structure": {"lattice": lattice, "species": species, "coords": coords}, "space_group": groups.pop()}


class SpaceGroup(Environment):
    """The international number of a disguised prototype's space group."""

    id = "materials/space_group_of_cell"
    description = "Space group number of a shifted, supercelled and doped prototype crystal (pymatgen symmetry tool)."
    tools = ("pymatgen_symmetry",)
    max_turns = 4
    max_tool_calls = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            cell = random_cell(rng)
            if cell is not None:
                return cell

    def prompt(self, identity: dict[str, Any]) -> str:
        import json

        return ("A crystal's unit cell (lattice vectors as rows in Å, species, fractional coordinates):\n"
                + json.dumps(identity["structure"], separators=(",", ":")) + "\n"
                "What is its space group? Give the international space-group number (1-230) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        number = parse_integer(answer)
        if number is None or not 1 <= number <= 230:
            return invalid("not a space-group number 1-230")
        return 1.0 if number == identity["space_group"] else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return str(identity["space_group"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("pymatgen_symmetry", {"structure": identity["structure"]})] if turn == 0 else []


register_env(SpaceGroup())
