"""Miller and Miller-Bravais indices, zone axes, planar and linear atom densities, interstitial sites."""

from __future__ import annotations

import math
import random
from typing import Any

from tasks.materials import _structures as S
from tasks.materials._common import IndicesTask, NumericTask, indices_text, pick, reduce_indices


def _nonzero(rng: random.Random, n: int = 3, top: int = 3) -> list[int]:
    while True:
        v = [rng.randint(-top, top) for _ in range(n)]
        if any(v):
            return reduce_indices(v)


def index_sum(*vectors: list[int]) -> float:
    """|h| + |k| + |l| summed over the vectors: larger indices are harder to find and to check."""
    return float(sum(abs(x) for v in vectors for x in v))


class MillerFromIntercepts(IndicesTask):
    description = "Miller indices of a plane from its axis intercepts."
    version = 2
    default_params = {"top": 3}
    #: Levels: the largest index of the plane (1 to 6); 3 is the original.
    levels = ({"top": 1}, {"top": 2}, {"top": 3}, {"top": 4}, {"top": 6})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """|h| + |k| + |l| of the plane."""
        return index_sum(identity["hkl"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        hkl = _nonzero(rng, top=self.params["top"])
        scale = rng.randint(1, 3)
        # The intercepts are lengths in an orthorhombic cell: each must be divided by its axis first.
        cell = [round(rng.uniform(3.0, 9.0), 3) for _ in range(3)]
        return {"hkl": hkl, "scale": scale, "cell": cell}

    def question(self, identity: dict[str, Any]) -> str:
        parts = []
        cell = identity["cell"]
        for axis, h, length in zip("abc", identity["hkl"], cell, strict=False):
            if h == 0:
                parts.append(f"parallel to {axis} (no intercept)")
            else:
                parts.append(f"{axis} at {identity['scale'] / h * length:.4f} Å")
        return (f"An orthorhombic crystal has a = {cell[0]:.3f} Å, b = {cell[1]:.3f} Å and c = {cell[2]:.3f} Å. A "
                f"crystal plane cuts the axes (from the origin) as follows: {'; '.join(parts)}. What are its Miller "
                "indices (hkl)?")

    def value(self, identity: dict[str, Any]) -> list[int]:
        return list(identity["hkl"])


def _to_four(uvw: list[int]) -> list[int]:
    u, v, w = uvw
    return reduce_indices([2 * u - v, 2 * v - u, -(u + v), 3 * w])


def _to_three(uvtw: list[int]) -> list[int]:
    u, v, t, w = uvtw
    return reduce_indices([u - t, v - t, w])


class MillerBravais(IndicesTask):
    """Conversions between three-index and four-index (Miller-Bravais) notation in hexagonal crystals."""

    default_params = {"conversion": "direction_3to4"}

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "()" if self.params["conversion"] == "plane_3to4" else "[]"

    @property
    def allow_negation(self) -> bool:  # type: ignore[override]
        return self.params["conversion"] == "plane_3to4"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        v = _nonzero(rng)
        if self.params["conversion"] == "direction_4to3":
            return {"given": _to_four(v)}
        return {"given": v}

    def question(self, identity: dict[str, Any]) -> str:
        g = identity["given"]
        conv = self.params["conversion"]
        if conv == "direction_3to4":
            return (f"In a hexagonal crystal, write the direction {indices_text(g, '[]')} (three-index, a1 a2 c) "
                    "in four-index Miller-Bravais notation [uvtw].")
        if conv == "direction_4to3":
            return (f"In a hexagonal crystal, write the Miller-Bravais direction {indices_text(g, '[]')} in "
                    "three-index notation [UVW] (axes a1, a2, c).")
        return (f"In a hexagonal crystal, write the plane {indices_text(g)} (three-index) in four-index "
                "Miller-Bravais notation (hkil).")

    def value(self, identity: dict[str, Any]) -> list[int]:
        g = identity["given"]
        conv = self.params["conversion"]
        if conv == "direction_3to4":
            return _to_four(g)
        if conv == "direction_4to3":
            return _to_three(g)
        h, k, ell = g
        return [h, k, -(h + k), ell]


class ZoneAxis(IndicesTask):
    description = "Zone axis (common direction) of two planes in a cubic crystal."
    version = 2
    kind = "[]"
    default_params = {"top": 3}
    #: Levels: the largest index of the two planes (indices up to 2 pose too few distinct pairs).
    levels = ({"top": 3}, {"top": 5}, {"top": 8})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """|h| + |k| + |l| of both planes (the terms of the cross product)."""
        return index_sum(identity["one"], identity["two"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        top = self.params["top"]
        while True:
            one, two = _nonzero(rng, top=top), _nonzero(rng, top=top)
            if any(self._cross(one, two)):
                return {"one": one, "two": two}

    @staticmethod
    def _cross(a: list[int], b: list[int]) -> list[int]:
        return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]

    def question(self, identity: dict[str, Any]) -> str:
        return (f"In a cubic crystal, which lattice direction [uvw] lies in both the {indices_text(identity['one'])} "
                f"and the {indices_text(identity['two'])} planes (their zone axis)?")

    def value(self, identity: dict[str, Any]) -> list[int]:
        return reduce_indices(self._cross(identity["one"], identity["two"]))


#: Atoms per unit area (in units of 1/a^2) and per unit length (1/a) for fcc and bcc.
_PLANAR = {"fcc": {"1 0 0": 2.0, "1 1 0": math.sqrt(2), "1 1 1": 4 / math.sqrt(3)},
           "bcc": {"1 0 0": 1.0, "1 1 0": math.sqrt(2), "1 1 1": 1 / math.sqrt(3)}}
_LINEAR = {"fcc": {"1 0 0": 1.0, "1 1 0": math.sqrt(2), "1 1 1": 1 / math.sqrt(3)},
           "bcc": {"1 0 0": 1.0, "1 1 0": 1 / math.sqrt(2), "1 1 1": 2 / math.sqrt(3)}}


class AtomDensity(NumericTask):
    """Planar density of a plane or linear density of a direction in an fcc or bcc metal."""

    version = 3
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "dimension": "planar",
                      "indices": ["1 0 0", "1 1 0", "1 1 1"], "radius": False}
    #: Levels: the (100) family only; all three (the original); the (111) family; the same from the
    #: atomic radius (a from touching spheres first).
    levels = ({"indices": ["1 0 0"], "radius": False}, {"indices": ["1 0 0", "1 1 0", "1 1 1"], "radius": False},
              {"indices": ["1 1 1"], "radius": False}, {"indices": ["1 1 1"], "radius": True})
    default_level = 2

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "atoms per nm^2" if self.params["dimension"] == "planar" else "atoms per nm"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Geometry steps of the family ((100) 1, (110) 2, (111) 4: a triangle in a tilted plane) plus two
        for a from the radius."""
        return float({1: 1, 2: 2, 3: 4}[identity["index"].count("1")] + 2 * ("radius" in identity))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, ["fcc", "bcc"])
        if len(self.params["indices"]) < 3:  # fewer families: a finer cell edge keeps the problems distinct
            crystal["a"] = round(crystal["a"] * rng.uniform(0.95, 1.05), 3)
        out = {"crystal": crystal, "index": pick(rng, list(self.params["indices"]))}
        if self.params["radius"]:
            out["radius"] = _radius(crystal)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        what = (f"the planar density of the ({identity['index']}) plane (atoms whose centres lie in the plane, "
                "per unit area)" if self.params["dimension"] == "planar" else
                f"the linear density along the [{identity['index']}] direction (atoms whose centres lie on the "
                "line, per unit length)")
        return f"{_crystal_text(identity)} What is {what}?"

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        a_nm = _a(identity) / 10.0
        if self.params["dimension"] == "planar":
            return _PLANAR[c["proto"]][identity["index"]] / a_nm**2
        return _LINEAR[c["proto"]][identity["index"]] / a_nm


#: Largest interstitial sphere radius over the host atom radius, for touching hard-sphere hosts.
_HOLES = {("fcc", "octahedral"): math.sqrt(2) - 1, ("fcc", "tetrahedral"): math.sqrt(1.5) - 1,
          ("bcc", "octahedral"): 2 / math.sqrt(3) - 1, ("bcc", "tetrahedral"): math.sqrt(5 / 3) - 1}


def _touching(proto: str) -> float:
    """Atomic radius over a for touching hard spheres (along a face diagonal in fcc, a body diagonal in bcc)."""
    return math.sqrt(2) / 4 if proto == "fcc" else math.sqrt(3) / 4


def _radius(crystal: dict[str, Any]) -> float:
    return round(crystal["a"] * _touching(crystal["proto"]), 4)


def _a(identity: dict[str, Any]) -> float:
    """The cell edge the prompt implies: given, from the atomic radius, or from the density."""
    c = identity["crystal"]
    if "radius" in identity:
        return identity["radius"] / _touching(c["proto"])
    if "density" in identity:
        atoms = 4 if c["proto"] == "fcc" else 2
        return (atoms * _molar(c["species"][0]) / (identity["density"] * 6.02214076e23)) ** (1 / 3) * 1e8
    return c["a"]


def _molar(symbol: str) -> float:
    from pymatgen.core import Element

    return float(Element(symbol).atomic_mass)


def _crystal_text(identity: dict[str, Any]) -> str:
    c = identity["crystal"]
    name = S.PROTOTYPES[c["proto"]]["name"]
    if "radius" in identity:
        return f"{c['species'][0]} crystallises in the {name} structure with atomic radius {identity['radius']:.4f} Å."
    if "density" in identity:
        return (f"{c['species'][0]} crystallises in the {name} structure with density {identity['density']:.4f} "
                f"g/cm^3 (molar mass {_molar(c['species'][0]):.3f} g/mol, N_A = 6.02214e23 /mol).")
    return S.describe(c, sites=False)


class InterstitialRadius(NumericTask):
    description = "Radius of the largest sphere fitting an interstitial site of an fcc or bcc metal."
    version = 3
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "given": "a"}
    #: Levels: the host's atomic radius given; its cell edge (the original); its density.
    levels = ({"given": "radius"}, {"given": "a"}, {"given": "density"})
    default_level = 2
    unit = "Å"

    def complexity(self, identity: dict[str, Any]) -> float:
        """The hole's ratio, plus r from a, plus a from the density (atoms per cell, molar mass, a cube root)."""
        return 1.0 + ("radius" not in identity) + 3.0 * ("density" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out: dict[str, Any] = {"crystal": S.random_crystal(rng, ["fcc", "bcc"]),
                               "site": pick(rng, ["octahedral", "tetrahedral"])}
        c = out["crystal"]
        if self.params["given"] == "radius":
            out["radius"] = _radius(c)
        elif self.params["given"] == "density":
            atoms = 4 if c["proto"] == "fcc" else 2
            out["density"] = round(atoms * _molar(c["species"][0]) / ((c["a"] * 1e-8) ** 3 * 6.02214076e23), 4)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{_crystal_text(identity)} Treat the atoms as touching hard spheres. "
                f"What is the radius of the largest sphere that fits in an {identity['site']} interstitial site?")

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        radius = _a(identity) * _touching(c["proto"])
        return radius * _HOLES[(c["proto"], identity["site"])]


def register(registry: Any) -> None:
    registry.register(MillerFromIntercepts, "materials/miller_indices_from_intercepts")
    registry.register(MillerBravais, "materials/miller_bravais_direction", {"conversion": "direction_3to4"},
                      "Three-index hexagonal direction to four-index Miller-Bravais notation.")
    registry.register(MillerBravais, "materials/three_index_direction", {"conversion": "direction_4to3"},
                      "Four-index Miller-Bravais direction to three-index notation.")
    registry.register(MillerBravais, "materials/miller_bravais_plane", {"conversion": "plane_3to4"},
                      "Three-index hexagonal plane to four-index (hkil) notation.")
    registry.register(ZoneAxis, "materials/zone_axis")
    registry.register(AtomDensity, "materials/planar_density", {"dimension": "planar"},
                      "Planar atom density of a low-index plane in an fcc or bcc metal.")
    registry.register(AtomDensity, "materials/linear_density", {"dimension": "linear"},
                      "Linear atom density along a low-index direction in an fcc or bcc metal.")
    registry.register(InterstitialRadius, "materials/interstitial_site_radius")
