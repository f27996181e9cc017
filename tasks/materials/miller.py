"""Miller and Miller-Bravais indices, zone axes, planar and linear atom densities, interstitial sites."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from tasks.materials import _structures as S
from tasks.materials._common import IndicesTask, NumericTask, indices_text, pick, reduce_indices


def _nonzero(rng: random.Random, n: int = 3, top: int = 3) -> list[int]:
    while True:
        v = [rng.randint(-top, top) for _ in range(n)]
        if any(v):
            return reduce_indices(v)


class MillerFromIntercepts(IndicesTask):
    description = "Miller indices of a plane from its axis intercepts."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        hkl = _nonzero(rng)
        scale = rng.randint(1, 3)
        return {"hkl": hkl, "scale": scale}

    def question(self, identity: dict[str, Any]) -> str:
        parts = []
        for axis, h in zip("abc", identity["hkl"], strict=False):
            if h == 0:
                parts.append(f"parallel to {axis} (no intercept)")
            else:
                f = Fraction(identity["scale"], h)
                parts.append(f"{axis} at {f}{axis}" if f.denominator == 1 else f"{axis} at ({f}){axis}")
        return f"A crystal plane cuts the axes as follows: {'; '.join(parts)}. What are its Miller indices (hkl)?"

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
    kind = "[]"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            one, two = _nonzero(rng, top=2), _nonzero(rng, top=2)
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

    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "dimension": "planar"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "atoms per nm^2" if self.params["dimension"] == "planar" else "atoms per nm"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, ["fcc", "bcc"])
        return {"crystal": crystal, "index": pick(rng, ["1 0 0", "1 1 0", "1 1 1"])}

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["crystal"]
        what = (f"the planar density of the ({identity['index']}) plane (atoms whose centres lie in the plane, "
                "per unit area)" if self.params["dimension"] == "planar" else
                f"the linear density along the [{identity['index']}] direction (atoms whose centres lie on the "
                "line, per unit length)")
        return f"{S.describe(c, sites=False)} What is {what}?"

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        a_nm = c["a"] / 10.0
        if self.params["dimension"] == "planar":
            return _PLANAR[c["proto"]][identity["index"]] / a_nm**2
        return _LINEAR[c["proto"]][identity["index"]] / a_nm


#: Largest interstitial sphere radius over the host atom radius, for touching hard-sphere hosts.
_HOLES = {("fcc", "octahedral"): math.sqrt(2) - 1, ("fcc", "tetrahedral"): math.sqrt(1.5) - 1,
          ("bcc", "octahedral"): 2 / math.sqrt(3) - 1, ("bcc", "tetrahedral"): math.sqrt(5 / 3) - 1}


class InterstitialRadius(NumericTask):
    description = "Radius of the largest sphere fitting an interstitial site of an fcc or bcc metal."
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0}
    unit = "Å"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"crystal": S.random_crystal(rng, ["fcc", "bcc"]), "site": pick(rng, ["octahedral", "tetrahedral"])}


    def question(self, identity: dict[str, Any]) -> str:
        return (f"{S.describe(identity['crystal'], sites=False)} Treat the atoms as touching hard spheres. "
                f"What is the radius of the largest sphere that fits in an {identity['site']} interstitial site?")

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        radius = c["a"] * (math.sqrt(2) / 4 if c["proto"] == "fcc" else math.sqrt(3) / 4)
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
