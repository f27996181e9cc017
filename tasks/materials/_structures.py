"""Crystal prototypes with element substitutions, built as pymatgen structures, and cached analyses.

An identity names a prototype, its species and lattice parameters; every
analysis (symmetry, neighbours, XRD) is cached on the identity's JSON key so
``check`` and ``solve`` never recompute it. Not a task module.
"""

from __future__ import annotations

import functools
import json
import math
import random
from typing import Any

import numpy as np
from pymatgen.core import Element, Lattice, Structure
from pymatgen.core.operations import SymmOp
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
from pymatgen.symmetry.groups import SpaceGroup

from tasks.materials._common import frac_text, load_json, pick

_FCC = [(0, 0, 0), (0, 0.5, 0.5), (0.5, 0, 0.5), (0.5, 0.5, 0)]
_BCC = [(0, 0, 0), (0.5, 0.5, 0.5)]


def _shift(points: list[tuple[float, ...]], d: tuple[float, float, float]) -> list[tuple[float, ...]]:
    return [tuple((p[i] + d[i]) % 1.0 for i in range(3)) for p in points]


def _sites(proto: str, u: float) -> list[list[tuple[float, ...]]]:
    """Fractional coordinates of each species' sites in the conventional cell."""
    t = 1.0 / 3.0
    table: dict[str, Any] = {
        "fcc": lambda: [_FCC],
        "bcc": lambda: [_BCC],
        "hcp": lambda: [[(t, 2 * t, 0.25), (2 * t, t, 0.75)]],
        "diamond": lambda: [_FCC + _shift(_FCC, (0.25, 0.25, 0.25))],
        "rocksalt": lambda: [_FCC, _shift(_FCC, (0.5, 0.5, 0.5))],
        "cscl": lambda: [[(0, 0, 0)], [(0.5, 0.5, 0.5)]],
        "zincblende": lambda: [_FCC, _shift(_FCC, (0.25, 0.25, 0.25))],
        "fluorite": lambda: [_FCC, _shift(_FCC, (0.25, 0.25, 0.25)) + _shift(_FCC, (0.75, 0.75, 0.75))],
        "perovskite": lambda: [[(0, 0, 0)], [(0.5, 0.5, 0.5)], [(0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)]],
        "rutile": lambda: [[(0, 0, 0), (0.5, 0.5, 0.5)],
                           [(u, u, 0), (1 - u, 1 - u, 0), (0.5 + u, 0.5 - u, 0.5), (0.5 - u, 0.5 + u, 0.5)]],
        "wurtzite": lambda: [[(t, 2 * t, 0), (2 * t, t, 0.5)], [(t, 2 * t, u), (2 * t, t, 0.5 + u)]],
        "nias": lambda: [[(0, 0, 0), (0, 0, 0.5)], [(t, 2 * t, 0.25), (2 * t, t, 0.75)]],
        "cdi2": lambda: [[(0, 0, 0)], [(t, 2 * t, u), (2 * t, t, 1 - u)]],
        "cu3au": lambda: [[(0, 0, 0)], [(0, 0.5, 0.5), (0.5, 0, 0.5), (0.5, 0.5, 0)]],
        "reo3": lambda: [[(0, 0, 0)], [(0.5, 0, 0), (0, 0.5, 0), (0, 0, 0.5)]],
    }
    return table[proto]()


PROTOTYPES: dict[str, dict[str, Any]] = {
    "fcc": {"name": "face-centred cubic (fcc, Cu-type)", "lattice": "cubic"},
    "bcc": {"name": "body-centred cubic (bcc, W-type)", "lattice": "cubic"},
    "hcp": {"name": "hexagonal close-packed (hcp, Mg-type)", "lattice": "hexagonal"},
    "diamond": {"name": "diamond", "lattice": "cubic"},
    "rocksalt": {"name": "rock-salt (NaCl-type)", "lattice": "cubic"},
    "cscl": {"name": "caesium chloride (CsCl-type, B2)", "lattice": "cubic"},
    "zincblende": {"name": "zinc blende (sphalerite, ZnS-type)", "lattice": "cubic"},
    "fluorite": {"name": "fluorite (CaF2-type) / antifluorite", "lattice": "cubic"},
    "perovskite": {"name": "cubic perovskite (SrTiO3-type)", "lattice": "cubic"},
    "rutile": {"name": "rutile (TiO2-type)", "lattice": "tetragonal"},
    "wurtzite": {"name": "wurtzite (ZnO-type)", "lattice": "hexagonal"},
    "nias": {"name": "nickel arsenide (NiAs-type)", "lattice": "hexagonal"},
    "cdi2": {"name": "layered cadmium iodide (CdI2-type)", "lattice": "hexagonal"},
    "cu3au": {"name": "Cu3Au-type (L1_2 ordered fcc)", "lattice": "cubic"},
    "reo3": {"name": "rhenium trioxide (ReO3-type)", "lattice": "cubic"},
    "spinel": {"name": "normal spinel (MgAl2O4-type)", "lattice": "cubic"},
    "layered_rocksalt": {"name": "layered alpha-NaFeO2-type (LiCoO2-type, R-3m)", "lattice": "hexagonal"},
}

#: Prototypes whose conventional cell is small enough to list atom by atom in a prompt.
SMALL = [p for p in PROTOTYPES if p not in ("spinel", "layered_rocksalt")]
ALL = list(PROTOTYPES)
CUBIC = [p for p, v in PROTOTYPES.items() if v["lattice"] == "cubic"]
CUBIC_SMALL = [p for p in CUBIC if p in SMALL]


@functools.lru_cache(maxsize=1)
def examples() -> dict[str, list[dict[str, Any]]]:
    """Real compounds per prototype: species by site and lattice parameters (from data/prototypes.json)."""
    return load_json("prototypes.json")


def random_crystal(rng: random.Random, protos: list[str] | None = None, jitter: float = 0.03) -> dict[str, Any]:
    """An identity: a prototype with a real compound's species and lattice parameters varied by ``jitter``."""
    proto = pick(rng, protos or ALL)
    ex = pick(rng, examples()[proto])
    out: dict[str, Any] = {"proto": proto, "species": ex["species"],
                           "a": round(ex["a"] * rng.uniform(1 - jitter, 1 + jitter), 3)}
    if "c" in ex:
        out["c"] = round(ex["c"] * rng.uniform(1 - jitter, 1 + jitter), 3)
    if "u" in ex:
        out["u"] = round(ex["u"] + rng.uniform(-0.004, 0.004), 4)
    return out


#: Prototype tiers by difficulty (1 elements, 2 simple binaries, 4 ternaries and large cells); tier 3 is a
#: task's own pool. A task's pool is intersected with its tier's prototypes.
TIERS: dict[int, list[str]] = {
    1: ["fcc", "bcc", "hcp", "diamond"],
    2: ["cscl", "nias", "wurtzite", "cdi2", "cu3au", "reo3"],
    4: ["fluorite", "perovskite", "rutile", "layered_rocksalt", "spinel"],
}


def tier_pool(protos: list[str], tier: int | None) -> list[str]:
    """The prototypes of ``protos`` in difficulty tier ``tier`` (all of ``protos`` for tier 3 or None)."""
    if tier is None or tier not in TIERS:
        return list(protos)
    return [p for p in protos if p in TIERS[tier]] or list(TIERS[tier])


def tiered_crystal(rng: random.Random, protos: list[str], tier: int | None) -> dict[str, Any]:
    """:func:`random_crystal` drawn from the prototypes of ``protos`` in ``tier``."""
    return random_crystal(rng, tier_pool(protos, tier))


def complexity(crystal: dict[str, Any]) -> float:
    """Atoms in the conventional cell times the number of species: what a solver must track."""
    s = structure(crystal)
    return float(len(s) * len(s.composition.elements))


def key(crystal: dict[str, Any]) -> str:
    return json.dumps({k: crystal[k] for k in ("proto", "species", "a", "c", "u") if k in crystal}, sort_keys=True)


def crystal_of(identity: dict[str, Any]) -> dict[str, Any]:
    return identity["crystal"] if "crystal" in identity else identity


@functools.lru_cache(maxsize=8)
def _ops(symbol: str) -> tuple[np.ndarray, np.ndarray]:
    # Parse the tabulated operations directly: SpaceGroup(symbol) takes over a second for Fd-3m.
    spg = next(g for g in SpaceGroup.SYMM_OPS if g["universal_h_m"] == symbol)
    ops = [SymmOp.from_xyz_str(x) for x in spg["symops"]]
    return np.array([o.rotation_matrix for o in ops]), np.array([o.translation_vector for o in ops])


def _orbit(symbol: str, point: tuple[float, ...]) -> list[tuple[float, ...]]:
    """Distinct images of a fractional point under a space group (its Wyckoff orbit)."""
    rot, trans = _ops(symbol)
    pts = (np.einsum("nij,j->ni", rot, np.array(point, dtype=float)) + trans) % 1.0
    grid = np.round(pts * 1e4).astype(np.int64) % 10_000
    _, first = np.unique(grid, axis=0, return_index=True)
    return [tuple(float(x) for x in pts[i]) for i in sorted(first)]


@functools.lru_cache(maxsize=1024)
def _build(k: str) -> Structure:
    c = json.loads(k)
    proto, sp = c["proto"], c["species"]
    a = c["a"]
    lat = PROTOTYPES[proto]["lattice"]
    if lat == "cubic":
        lattice = Lattice.cubic(a)
    elif lat == "tetragonal":
        lattice = Lattice.tetragonal(a, c["c"])
    else:
        lattice = Lattice.hexagonal(a, c["c"])
    if proto == "spinel":
        groups = [_orbit("Fd-3m:1", p) for p in ((0, 0, 0), (0.625, 0.625, 0.625), (c["u"],) * 3)]
    elif proto == "layered_rocksalt":
        groups = [_orbit("R-3m:H", p) for p in ((0, 0, 0.5), (0, 0, 0), (0, 0, c["u"]))]
    else:
        groups = _sites(proto, c.get("u", 0.0))
    species: list[str] = []
    coords: list[tuple[float, ...]] = []
    for el, pts in zip(sp, groups, strict=False):
        species += [el] * len(pts)
        coords += pts
    return Structure(lattice, species, coords)


def structure(crystal: dict[str, Any]) -> Structure:
    """The conventional cell of a crystal identity (cached; do not mutate it)."""
    return _build(key(crystal_of(crystal)))


def formula(crystal: dict[str, Any]) -> str:
    """Reduced formula written in the prototype's site order (e.g. ZnFe2O4, not Zn(FeO2)2)."""
    comp = structure(crystal).composition.reduced_composition
    out = []
    c = crystal_of(crystal)
    order = list(dict.fromkeys(c["species"]))
    # Anti-structures (Li2O in antifluorite, Cu3N in anti-ReO3) list the anion site first: write it last.
    if c["proto"] in ("fluorite", "reo3", "cu3au") and float(Element(order[0]).X) > float(Element(order[1]).X):
        order = order[1:] + order[:1]
    for el in order:
        n = int(round(comp[el]))
        out.append(el if n == 1 else f"{el}{n}")
    return "".join(out)


def lattice_text(crystal: dict[str, Any]) -> str:
    c = crystal_of(crystal)
    lat = PROTOTYPES[c["proto"]]["lattice"]
    if lat == "cubic":
        return f"cubic, a = {c['a']:.3f} Å"
    if lat == "tetragonal":
        return f"tetragonal, a = {c['a']:.3f} Å, c = {c['c']:.3f} Å"
    return f"hexagonal, a = {c['a']:.3f} Å, c = {c['c']:.3f} Å (γ = 120°)"


def sites_text(crystal: dict[str, Any]) -> str:
    s = structure(crystal)
    groups: dict[str, list[str]] = {}
    for site in s:
        xyz = ", ".join(frac_text(round(float(x) % 1.0, 6) % 1.0) for x in site.frac_coords)
        groups.setdefault(site.specie.symbol, []).append(f"({xyz})")
    return "; ".join(f"{el} at {' '.join(v)}" for el, v in groups.items())


def describe(crystal: dict[str, Any], name: bool = True, sites: bool = True) -> str:
    """Prompt text for a crystal: formula, prototype name, lattice and (optionally) every atom."""
    c = crystal_of(crystal)
    f = formula(c)
    parts = [f"{f} in the {PROTOTYPES[c['proto']]['name']} structure" if name else f"A crystal of {f}"]
    parts.append(f"with a conventional cell that is {lattice_text(c)}")
    text = " ".join(parts) + "."
    if sites and c["proto"] == "spinel":
        a, b, x = c["species"]
        text += (f" Space group Fd-3m (origin choice 1): {a} on 8a (0, 0, 0), {b} on 16d (5/8, 5/8, 5/8), "
                 f"{x} on 32e (x, x, x) with x = {c['u']:.4f}; 56 atoms in the conventional cell.")
    elif sites:
        text += f" Atoms in the conventional cell (fractional coordinates): {sites_text(c)}."
    elif "u" in c:
        text += f" The internal coordinate parameter is {c['u']:.4f}."
    return text


@functools.lru_cache(maxsize=1024)
def _symmetry(k: str) -> dict[str, Any]:
    s = _build(k)
    sga = SpacegroupAnalyzer(s, symprec=0.01)
    return {
        "number": sga.get_space_group_number(),
        "symbol": sga.get_space_group_symbol(),
        "crystal_system": sga.get_crystal_system(),
        "point_group": sga.get_point_group_symbol(),
        "primitive_sites": len(sga.find_primitive()),
    }


def symmetry(crystal: dict[str, Any]) -> dict[str, Any]:
    """Space group number and symbol, crystal system, point group, primitive cell size (cached)."""
    return _symmetry(key(crystal_of(crystal)))


@functools.lru_cache(maxsize=1024)
def _distances(k: str) -> dict[str, Any]:
    """Per species: sorted distinct neighbour distances (to any atom) and the shortest per partner species."""
    s = _build(k)
    out: dict[str, Any] = {}
    for site in s:
        el = site.specie.symbol
        if el in out:
            continue
        neigh = s.get_neighbors(site, 8.0)
        dists = sorted(round(n.nn_distance, 5) for n in neigh)
        by_partner: dict[str, list[float]] = {}
        for n in neigh:
            by_partner.setdefault(n.specie.symbol, []).append(n.nn_distance)
        out[el] = {"all": dists, "partners": {p: sorted(v) for p, v in by_partner.items()}}
    return out


def distances(crystal: dict[str, Any]) -> dict[str, Any]:
    return _distances(key(crystal_of(crystal)))


def coordination(crystal: dict[str, Any], centre: str, partner: str, tol: float = 0.1) -> int:
    """Number of ``partner`` atoms within (1 + tol) of the shortest centre-partner distance."""
    d = distances(crystal)[centre]["partners"][partner]
    return sum(x <= d[0] * (1 + tol) for x in d)


def shortest_distance(crystal: dict[str, Any]) -> float:
    return min(v["all"][0] for v in distances(crystal).values())


def strained(crystal: dict[str, Any], strain: list[list[float]]) -> Structure:
    """The structure deformed by F = I + strain (strain given as a 3x3 matrix)."""
    s = structure(crystal)
    f = np.eye(3) + np.array(strain)
    new = Lattice(np.dot(s.lattice.matrix, f.T))
    return Structure(new, s.species, s.frac_coords)


def sphere_volume(r: float) -> float:
    return 4.0 / 3.0 * math.pi * r**3
