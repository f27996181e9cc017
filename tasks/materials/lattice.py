"""Lattice geometry: strained cells, d-spacings, angles between planes and directions, solid-solution lattices."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
from pymatgen.core import Lattice

from tasks.materials import _structures as S
from tasks.materials._common import NumericTask, pick

_AXES = "Use Cartesian axes with a along x, b in the x-y plane and c along z (so a = (a, 0, 0))."


def _matrix(crystal: dict[str, Any]) -> np.ndarray:
    a = crystal["a"]
    c = crystal.get("c", a)
    if S.PROTOTYPES[crystal["proto"]]["lattice"] == "hexagonal":
        return np.array([[a, 0, 0], [-a / 2, a * math.sqrt(3) / 2, 0], [0, 0, c]])
    return np.array([[a, 0, 0], [0, a, 0], [0, 0, c]])


def _matrix_text(m: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{x:g}" for x in row) + "]" for row in m) + "]"


class StrainedCell(NumericTask):
    """Lattice length, angle or volume after a small homogeneous strain."""

    default_params = {"rel_tol": 0.0, "abs_tol": 0.002, "quantity": "length"}
    _UNIT = {"length": "Å", "angle": "degrees", "volume": "Å^3"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNIT[self.params["quantity"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.SMALL)
        eps = [[0.0] * 3 for _ in range(3)]
        for i in range(3):
            eps[i][i] = round(rng.choice([-1, 1]) * rng.uniform(0.005, 0.03), 4)
        for i, j in ((0, 1), (0, 2), (1, 2)):
            eps[i][j] = eps[j][i] = round(rng.choice([-1, 1]) * rng.uniform(0.005, 0.025), 4)
        return {"crystal": crystal, "strain": eps, "which": rng.randrange(3)}

    def question(self, identity: dict[str, Any]) -> str:
        which = identity["which"]
        ask = {"length": f"What is the length of lattice vector {'abc'[which]} after the deformation?",
               "angle": f"What is the cell angle {'αβγ'[which]} (between {['b and c', 'a and c', 'a and b'][which]}) "
                        "after the deformation?",
               "volume": "What is the cell volume after the deformation?"}[self.params["quantity"]]
        return (f"{S.describe(identity, sites=False)} {_AXES} The cell is deformed by the symmetric strain "
                f"ε = {_matrix_text(identity['strain'])}: every lattice vector v becomes (I + ε) v. {ask}")

    def value(self, identity: dict[str, Any]) -> float:
        m = _matrix(identity["crystal"]) @ (np.eye(3) + np.array(identity["strain"])).T
        lat = Lattice(m)
        q, w = self.params["quantity"], identity["which"]
        if q == "length":
            return float(lat.abc[w])
        if q == "angle":
            return float(lat.angles[w])
        return float(lat.volume)


class EpitaxialStrain(NumericTask):
    description = "Out-of-plane lattice parameter of a biaxially strained epitaxial film."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001}
    unit = "Å"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, [p for p in S.SMALL if S.PROTOTYPES[p]["lattice"] != "hexagonal"])
        return {"crystal": crystal, "strain": round(rng.choice([-1, 1]) * rng.uniform(0.004, 0.03), 4),
                "nu": round(rng.uniform(0.2, 0.4), 2)}

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["crystal"]
        cval = c.get("c", c["a"])
        return (f"A thin film of {S.formula(c)} ({S.PROTOTYPES[c['proto']]['name']}, bulk a = {c['a']:.3f} Å, "
                f"c = {cval:.3f} Å) grows on a substrate that imposes an in-plane biaxial strain of "
                f"{identity['strain'] * 100:g}% along a and b. With Poisson ratio ν = {identity['nu']}, the "
                "out-of-plane strain is ε_zz = -2ν ε / (1 - ν). What is the film's c lattice parameter?")

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        nu, e = identity["nu"], identity["strain"]
        return c.get("c", c["a"]) * (1 - 2 * nu * e / (1 - nu))


def _random_lattice(rng: random.Random) -> dict[str, Any]:
    kind = pick(rng, ["cubic", "tetragonal", "orthorhombic", "hexagonal", "monoclinic"])
    a = round(rng.uniform(3.0, 9.0), 3)
    b = a if kind in ("cubic", "tetragonal", "hexagonal") else round(rng.uniform(3.0, 9.0), 3)
    c = a if kind == "cubic" else round(rng.uniform(3.0, 12.0), 3)
    beta = round(rng.uniform(95.0, 115.0), 2) if kind == "monoclinic" else 90.0
    gamma = 120.0 if kind == "hexagonal" else 90.0
    return {"kind": kind, "abc": [a, b, c], "angles": [90.0, beta, gamma]}


def _lattice(lat: dict[str, Any]) -> Lattice:
    return Lattice.from_parameters(*lat["abc"], *lat["angles"])


def _lattice_text(lat: dict[str, Any]) -> str:
    a, b, c = lat["abc"]
    _, beta, gamma = lat["angles"]
    article = "an" if lat["kind"][0] in "aeiou" else "a"
    return (f"{article} {lat['kind']} lattice with a = {a:.3f} Å, b = {b:.3f} Å, c = {c:.3f} Å, α = 90°, "
            f"β = {beta:g}°, γ = {gamma:g}°")


def _hkl(rng: random.Random, top: int = 3) -> list[int]:
    while True:
        v = [rng.randint(-top, top) for _ in range(3)]
        if any(v):
            return v


class LatticeGeometry(NumericTask):
    """d-spacing of a plane, or the angle between two planes or two directions, in a given lattice."""

    default_params = {"rel_tol": 0.0, "abs_tol": 0.1, "quantity": "d_spacing"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "Å" if self.params["quantity"] == "d_spacing" else "degrees"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lat = _random_lattice(rng)
        one = _hkl(rng)
        two = _hkl(rng)
        while np.linalg.matrix_rank(np.array([one, two])) < 2:
            two = _hkl(rng)
        return {"lattice": lat, "one": one, "two": two}

    def question(self, identity: dict[str, Any]) -> str:
        lat = _lattice_text(identity["lattice"])
        h1 = " ".join(map(str, identity["one"]))
        h2 = " ".join(map(str, identity["two"]))
        q = self.params["quantity"]
        if q == "d_spacing":
            return f"In {lat}, what is the interplanar spacing d of the ({h1}) planes?"
        if q == "plane_angle":
            return (f"In {lat}, what is the angle between the normals of the ({h1}) and ({h2}) planes "
                    "(between 0° and 180°)?")
        return f"In {lat}, what is the angle between the lattice directions [{h1}] and [{h2}] (between 0° and 180°)?"

    def value(self, identity: dict[str, Any]) -> float:
        lat = _lattice(identity["lattice"])
        q = self.params["quantity"]
        if q == "d_spacing":
            return float(lat.d_hkl(identity["one"]))
        m = lat.reciprocal_lattice.matrix if q == "plane_angle" else lat.matrix
        u, v = np.array(identity["one"]) @ m, np.array(identity["two"]) @ m
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
        return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


#: Solid-solution end members with their (cubic or a-axis) lattice parameters in Å.
_VEGARD = [
    ("InAs", 6.058, "GaAs", 5.653), ("Ge", 5.658, "Si", 5.431), ("InP", 5.869, "GaP", 5.451),
    ("ZnTe", 6.104, "ZnSe", 5.668), ("CdTe", 6.481, "ZnTe", 6.104), ("KBr", 6.600, "KCl", 6.293),
    ("KCl", 6.293, "NaCl", 5.640), ("Cu", 3.615, "Ni", 3.524), ("Ag", 4.086, "Pd", 3.890),
    ("InN", 3.545, "GaN", 3.189), ("GaN", 3.189, "AlN", 3.112), ("CeO2", 5.411, "ZrO2", 5.070),
    ("BaTiO3", 4.000, "SrTiO3", 3.905), ("InSb", 6.479, "GaSb", 6.096), ("PbTe", 6.462, "PbSe", 6.124),
    ("MgO", 4.212, "NiO", 4.177), ("Pt", 3.924, "Ni", 3.524), ("CsPbBr3", 5.874, "CsPbCl3", 5.605),
]


class Vegard(NumericTask):
    """Vegard's law: lattice parameter of a solid solution, or its composition from a measured lattice."""

    default_params = {"rel_tol": 0.0, "abs_tol": 0.001, "inverse": False}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "" if self.params["inverse"] else "Å"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a_name, a_val, b_name, b_val = pick(rng, _VEGARD)
        x = round(rng.uniform(0.03, 0.97), 3)
        out = {"A": a_name, "aA": a_val, "B": b_name, "aB": b_val, "x": x}
        if self.params["inverse"]:
            out["measured"] = round((1 - x) * a_val + x * b_val, 4)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        head = (f"{identity['A']} (a = {identity['aA']:.3f} Å) and {identity['B']} (a = {identity['aB']:.3f} Å) "
                f"form a continuous solid solution (1-x) {identity['A']} + x {identity['B']} obeying Vegard's law.")
        if self.params["inverse"]:
            return f"{head} A sample has a = {identity['measured']:.4f} Å. What is x?"
        return f"{head} What is the lattice parameter a at x = {identity['x']:g}?"

    def value(self, identity: dict[str, Any]) -> float:
        aa, ab = identity["aA"], identity["aB"]
        if self.params["inverse"]:
            return (identity["measured"] - aa) / (ab - aa)
        return (1 - identity["x"]) * aa + identity["x"] * ab


class ThermalExpansion(NumericTask):
    description = "Lattice parameter after heating, from the linear thermal expansion coefficient."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.0005}
    unit = "Å"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.CUBIC_SMALL)
        t1 = rng.choice([293, 298, 300])
        return {"crystal": crystal, "alpha": round(rng.uniform(2.0, 30.0), 1), "t1": t1,
                "t2": t1 + rng.randint(100, 1200)}

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["crystal"]
        return (f"Cubic {S.formula(c)} has a = {c['a']:.4f} Å at {identity['t1']} K and a linear thermal "
                f"expansion coefficient of {identity['alpha']} × 10^-6 K^-1 (constant). Using "
                f"a(T) = a(T1) (1 + α (T - T1)), what is a at {identity['t2']} K?")

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        return c["a"] * (1 + identity["alpha"] * 1e-6 * (identity["t2"] - identity["t1"]))


def register(registry: Any) -> None:
    registry.register(StrainedCell, "materials/strained_lattice_length", {"quantity": "length", "abs_tol": 0.002},
                      "Lattice vector length after a homogeneous strain.")
    registry.register(StrainedCell, "materials/strained_cell_angle", {"quantity": "angle", "abs_tol": 0.05},
                      "Cell angle after a homogeneous strain with shear components.")
    registry.register(StrainedCell, "materials/strained_cell_volume",
                      {"quantity": "volume", "abs_tol": 0.0, "rel_tol": 0.001},
                      "Cell volume after a homogeneous strain.")
    registry.register(EpitaxialStrain, "materials/epitaxial_c_parameter")
    registry.register(LatticeGeometry, "materials/interplanar_spacing",
                      {"quantity": "d_spacing", "abs_tol": 0.0, "rel_tol": 0.002},
                      "Interplanar spacing d_hkl in a general lattice.")
    registry.register(LatticeGeometry, "materials/plane_normal_angle", {"quantity": "plane_angle", "abs_tol": 0.1},
                      "Angle between the normals of two lattice planes.")
    registry.register(LatticeGeometry, "materials/direction_angle", {"quantity": "direction_angle", "abs_tol": 0.1},
                      "Angle between two lattice directions.")
    registry.register(Vegard, "materials/vegard_lattice_parameter", {"inverse": False, "abs_tol": 0.001},
                      "Lattice parameter of a solid solution from Vegard's law.")
    registry.register(Vegard, "materials/vegard_composition", {"inverse": True, "abs_tol": 0.005},
                      "Composition of a solid solution from its lattice parameter (Vegard's law).")
    registry.register(ThermalExpansion, "materials/thermal_expansion_lattice")

