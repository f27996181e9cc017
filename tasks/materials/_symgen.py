"""Random crystals of a chosen space group, so symmetry answers are drawn first and spread evenly.

A crystal is built by drawing a crystal system (uniformly over the seven), a point
group of that system, a space group of that point group, a lattice with that
system's metric, and a few Wyckoff orbits (one species each) of random or special
points. The crystal is kept only when spglib finds exactly the drawn space group at
two tolerances (so the answer does not hinge on a tolerance), and its lattice is
scaled so the shortest interatomic distance is a realistic 1.8-2.8 Å. An identity
lists every atom (rounded as the prompt shows it), so ``check`` and ``solve`` read
the same crystal the model sees. Not a task module.
"""

from __future__ import annotations

import functools
import json
import random
from typing import Any

import numpy as np
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
from pymatgen.symmetry.groups import SpaceGroup

from tasks.materials._common import frac_text

SYSTEMS = ("triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic")
_RANGES = {"triclinic": (1, 2), "monoclinic": (3, 15), "orthorhombic": (16, 74), "tetragonal": (75, 142),
           "trigonal": (143, 167), "hexagonal": (168, 194), "cubic": (195, 230)}
#: Elements an orbit may hold (one species per orbit, all distinct in a crystal).
ELEMENTS = ("Li", "Na", "K", "Rb", "Cs", "Be", "Mg", "Ca", "Sr", "Ba", "B", "Al", "Ga", "In", "C", "Si", "Ge",
            "Sn", "Pb", "N", "P", "As", "Sb", "Bi", "O", "S", "Se", "Te", "F", "Cl", "Br", "I", "Sc", "Y", "La",
            "Ti", "Zr", "Hf", "V", "Nb", "Ta", "Cr", "Mo", "W", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Cd", "Ag",
            "Au", "Pt", "Pd", "Ce", "Nd", "Gd")
#: Point templates: a letter is a random coordinate, a number is fixed ("x" repeated means equal coordinates).
_TEMPLATES = (("x", "y", "z"), ("x", "y", "z"), ("x", "y", "z"), ("x", "x", "x"), ("x", 0, 0), ("x", "x", 0),
              (0, "y", "z"), ("x", 0.25, 0.25), (0, 0, 0), (0.5, 0.5, 0.5), (0.25, 0.25, 0.25), (0, 0.5, 0.5),
              (0, 0, "z"), (0.5, 0.5, "z"), (1 / 3, 2 / 3, "z"), ("x", "y", 0), ("x", "y", 0.5), (0, 0.5, "z"),
              ("x", 0.5, 0), (0.125, 0.125, 0.125), (0.375, 0.375, 0.375), ("x", 0.25, 0))


@functools.lru_cache(maxsize=1)
def _settings() -> dict[int, dict[str, Any]]:
    """One tabulated setting per space group number (hexagonal axes for the R groups)."""
    out: dict[int, dict[str, Any]] = {}
    for g in SpaceGroup.SYMM_OPS:
        n = int(g["number"])
        if n not in out or (g["universal_h_m"].endswith(":H") and not out[n]["symbol"].endswith(":H")):
            out[n] = {"symbol": g["universal_h_m"], "point_group": g["point_group"], "ops": g["symops"]}
    return out


@functools.lru_cache(maxsize=1)
def _groups_by_system() -> dict[str, dict[str, list[int]]]:
    """Crystal system -> point group -> space group numbers."""
    out: dict[str, dict[str, list[int]]] = {}
    for system, (lo, hi) in _RANGES.items():
        for n in range(lo, hi + 1):
            out.setdefault(system, {}).setdefault(_settings()[n]["point_group"], []).append(n)
    return out


@functools.lru_cache(maxsize=256)
def _ops(n: int) -> tuple[np.ndarray, np.ndarray]:
    from pymatgen.core.operations import SymmOp

    ops = [SymmOp.from_xyz_str(x) for x in _settings()[n]["ops"]]
    return np.array([o.rotation_matrix for o in ops]), np.array([o.translation_vector for o in ops])


def _orbit(n: int, point: list[float]) -> np.ndarray:
    rot, trans = _ops(n)
    pts = (np.einsum("nij,j->ni", rot, np.array(point, dtype=float)) + trans) % 1.0
    grid = np.round(pts * 1e4).astype(np.int64) % 10_000
    _, first = np.unique(grid, axis=0, return_index=True)
    return pts[np.sort(first)]


def _system(n: int) -> str:
    return next(s for s, (lo, hi) in _RANGES.items() if lo <= n <= hi)


def _lattice(rng: random.Random, system: str) -> list[float]:
    a = rng.uniform(3.0, 8.0)
    b, c = a * rng.uniform(0.7, 1.5), a * rng.uniform(0.6, 1.8)
    if system == "triclinic":
        return [a, b, c, rng.uniform(75, 105), rng.uniform(75, 105), rng.uniform(75, 115)]
    if system == "monoclinic":
        return [a, b, c, 90.0, rng.uniform(95, 120), 90.0]
    if system == "orthorhombic":
        return [a, b, c, 90.0, 90.0, 90.0]
    if system == "tetragonal":
        return [a, a, c, 90.0, 90.0, 90.0]
    if system in ("trigonal", "hexagonal"):
        return [a, a, c, 90.0, 90.0, 120.0]
    return [a, a, a, 90.0, 90.0, 90.0]


def _point(rng: random.Random) -> list[float]:
    tpl = _TEMPLATES[rng.randrange(len(_TEMPLATES))]
    free = {"x": rng.uniform(0.03, 0.97), "y": rng.uniform(0.03, 0.97), "z": rng.uniform(0.03, 0.97)}
    return [round(free[v], 4) if isinstance(v, str) else float(v) for v in tpl]


def _spg(s: Structure, symprec: float) -> int | None:
    try:
        return int(SpacegroupAnalyzer(s, symprec=symprec).get_space_group_number())
    except Exception:  # noqa: BLE001 - spglib gives up on degenerate cells: treat as a failed draw
        return None


def _attempt(rng: random.Random, n: int, orbits: int, max_atoms: int) -> dict[str, Any] | None:
    system = _system(n)
    abc = _lattice(rng, system)
    species = rng.sample(ELEMENTS, orbits)
    sites: list[list[Any]] = []
    for el in species:
        for _ in range(12):  # find a point whose orbit still fits the atom budget
            pts = _orbit(n, _point(rng))
            if len(sites) + len(pts) <= max_atoms - (orbits - 1 - species.index(el)):
                sites += [[el, [float(x) for x in p]] for p in pts]
                break
        else:
            return None
    lattice = Lattice.from_parameters(*abc)
    s = Structure(lattice, [x[0] for x in sites], [x[1] for x in sites])
    dmin = float(np.min(s.distance_matrix + np.eye(len(s)) * 1e9)) if len(s) > 1 else min(abc[:3])
    if dmin < 0.04 * min(abc[:3]):  # atoms nearly on top of each other: a degenerate draw
        return None
    scale = rng.uniform(1.8, 2.8) / dmin
    abc = [round(x * scale, 3) for x in abc[:3]] + [round(x, 2) for x in abc[3:]]
    crystal = {"lattice": abc, "sites": [[el, [round(x % 1.0, 4) % 1.0 for x in p]] for el, p in sites]}
    s = build(crystal)
    if s.volume / len(s) > 120.0:  # too open to pass for a crystal
        return None
    if _spg(s, 0.01) != n or _spg(s, 0.1) != n:
        return None
    return crystal


def random_symmetric(rng: random.Random, orbits: int = 3, max_atoms: int = 24) -> dict[str, Any]:
    """A crystal drawn answer-first: system, point group and space group uniform in that order.

    Args:
        rng: the problem's random stream.
        orbits: number of Wyckoff orbits, each of its own element.
        max_atoms: most atoms the conventional cell may hold.

    Returns:
        ``{"lattice": [a, b, c, alpha, beta, gamma], "sites": [[element, [x, y, z]], ...]}``.
    """
    system = SYSTEMS[rng.randrange(len(SYSTEMS))]
    pgs = _groups_by_system()[system]
    pg = sorted(pgs)[rng.randrange(len(pgs))]
    numbers = pgs[pg]
    n = numbers[rng.randrange(len(numbers))]
    for tries in range(2000):
        if tries and tries % 40 == 0:  # this group resists the budget: another of the same point group
            n = numbers[rng.randrange(len(numbers))]
        if tries and tries % 400 == 0:  # the whole point group does: another of the same system
            numbers = list(pgs.values())[rng.randrange(len(pgs))]
        crystal = _attempt(rng, n, orbits, max_atoms)
        if crystal is not None:
            return crystal
    raise RuntimeError(f"no {system} crystal within {max_atoms} atoms")


def key(crystal: dict[str, Any]) -> str:
    return json.dumps({"lattice": crystal["lattice"], "sites": crystal["sites"]}, sort_keys=True)


@functools.lru_cache(maxsize=2048)
def _build(k: str) -> Structure:
    c = json.loads(k)
    return Structure(Lattice.from_parameters(*c["lattice"]), [x[0] for x in c["sites"]], [x[1] for x in c["sites"]])


def build(crystal: dict[str, Any]) -> Structure:
    """The crystal's cell as a pymatgen structure (cached; do not mutate it)."""
    return _build(key(crystal))


@functools.lru_cache(maxsize=2048)
def _symmetry(k: str) -> dict[str, Any]:
    sga = SpacegroupAnalyzer(_build(k), symprec=0.01)
    return {"number": sga.get_space_group_number(), "symbol": sga.get_space_group_symbol(),
            "crystal_system": sga.get_crystal_system(), "point_group": sga.get_point_group_symbol(),
            "primitive_sites": len(sga.find_primitive())}


def symmetry(crystal: dict[str, Any]) -> dict[str, Any]:
    """Space group number and symbol, crystal system, point group, primitive cell size (cached)."""
    return _symmetry(key(crystal))


def describe(crystal: dict[str, Any]) -> str:
    """Prompt text: formula, cell parameters and every atom of the cell."""
    s = build(crystal)
    a, b, c, al, be, ga = crystal["lattice"]
    groups: dict[str, list[str]] = {}
    for el, p in crystal["sites"]:
        groups.setdefault(el, []).append("(" + ", ".join(frac_text(x) for x in p) + ")")
    atoms = "; ".join(f"{el} at {' '.join(v)}" for el, v in groups.items())
    return (f"A crystal of {s.composition.reduced_formula} has a unit cell with a = {a:.3f} Å, b = {b:.3f} Å, "
            f"c = {c:.3f} Å, α = {al:g}°, β = {be:g}°, γ = {ga:g}°, holding {len(s)} atoms at these fractional "
            f"coordinates: {atoms}.")


def atoms(crystal: dict[str, Any]) -> int:
    return len(crystal["sites"])
