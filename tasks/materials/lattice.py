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

    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.002, "quantity": "length", "shears": 3}
    #: Levels: shear components of the strain (the diagonal is always strained); 3 is the original.
    levels = ({"shears": 1}, {"shears": 2}, {"shears": 3})
    default_level = 3
    _UNIT = {"length": "Å", "angle": "degrees", "volume": "Å^3"}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Non-zero strain components: terms of the deformed lattice vectors."""
        eps = identity["strain"]
        return float(sum(1 for i in range(3) for j in range(i, 3) if eps[i][j] != 0))

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNIT[self.params["quantity"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.SMALL)
        eps = [[0.0] * 3 for _ in range(3)]
        for i in range(3):
            eps[i][i] = round(rng.choice([-1, 1]) * rng.uniform(0.005, 0.03), 4)
        pairs = [(0, 1), (0, 2), (1, 2)]
        if self.params["shears"] == 3:
            which = None
        else:  # the asked angle's own shear is always among the strained ones, so it is never just 90°
            which = rng.randrange(3)
            own = [(1, 2), (0, 2), (0, 1)][which]
            pairs = [own, *rng.sample([q for q in pairs if q != own], self.params["shears"] - 1)]
        for i, j in sorted(pairs) if which is not None else pairs:
            eps[i][j] = eps[j][i] = round(rng.choice([-1, 1]) * rng.uniform(0.005, 0.025), 4)
        return {"crystal": crystal, "strain": eps, "which": rng.randrange(3) if which is None else which}

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
    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001, "given": "strain"}
    #: Levels: the strain and ν given; the substrate's lattice parameter instead of the strain; and the
    #: elastic constants C11, C12 instead of ν as well.
    levels = ({"given": "strain"}, {"given": "substrate"}, {"given": "elastic"})
    default_level = 1
    unit = "Å"

    def complexity(self, identity: dict[str, Any]) -> float:
        """ε_zz and c, plus the misfit strain from the substrate, plus ν's ratio from C11 and C12."""
        return 2.0 + ("substrate" in identity) + ("c11" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, [p for p in S.SMALL if S.PROTOTYPES[p]["lattice"] != "hexagonal"])
        out = {"crystal": crystal, "strain": round(rng.choice([-1, 1]) * rng.uniform(0.004, 0.03), 4),
               "nu": round(rng.uniform(0.2, 0.4), 2)}
        if self.params["given"] != "strain":
            out["substrate"] = round(crystal["a"] * (1 + out["strain"]), 4)
            out["strain"] = (out["substrate"] - crystal["a"]) / crystal["a"]
        if self.params["given"] == "elastic":
            out["c11"] = round(rng.uniform(80.0, 400.0), 1)
            out["c12"] = round(out["c11"] * out["nu"] / (1 - out["nu"]), 1)
            out["nu"] = out["c12"] / (out["c11"] + out["c12"])  # the ν the given constants imply
        return out

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["crystal"]
        cval = c.get("c", c["a"])
        head = (f"A thin film of {S.formula(c)} ({S.PROTOTYPES[c['proto']]['name']}, bulk a = {c['a']:.3f} Å, "
                f"c = {cval:.3f} Å) grows")
        if "substrate" in identity:
            head += (f" coherently on a cubic substrate with a = {identity['substrate']:.4f} Å, which imposes the "
                     "in-plane biaxial strain ε = (a_substrate - a_film) / a_film along a and b.")
        else:
            head += (f" on a substrate that imposes an in-plane biaxial strain of {identity['strain'] * 100:g}% "
                     "along a and b.")
        if "c11" in identity:
            return (f"{head} Its elastic constants are C11 = {identity['c11']:g} GPa and C12 = {identity['c12']:g} "
                    "GPa, and the out-of-plane strain is ε_zz = -2 (C12 / C11) ε. What is the film's c lattice "
                    "parameter?")
        return (f"{head} With Poisson ratio ν = {identity['nu']}, the "
                "out-of-plane strain is ε_zz = -2ν ε / (1 - ν). What is the film's c lattice parameter?")

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        nu, e = identity["nu"], identity["strain"]
        return c.get("c", c["a"]) * (1 - 2 * nu * e / (1 - nu))


#: Lattice kinds by difficulty: more independent parameters in the metric.
_KIND_TIER = {"cubic": 1, "tetragonal": 2, "orthorhombic": 3, "hexagonal": 4, "monoclinic": 5}


def _random_lattice(rng: random.Random, kinds: list[str] | None = None) -> dict[str, Any]:
    kind = pick(rng, kinds or ["cubic", "tetragonal", "orthorhombic", "hexagonal", "monoclinic"])
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

    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.1, "quantity": "d_spacing", "kinds": None, "top": 3}
    #: Levels: orthogonal lattices with indices up to 2; every kind up to 3 (the original); then hexagonal
    #: and monoclinic metrics with indices up to 4.
    levels = ({"kinds": ["cubic", "tetragonal", "orthorhombic"], "top": 2}, {"kinds": None, "top": 3},
              {"kinds": ["hexagonal", "monoclinic"], "top": 4})
    default_level = 2

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "Å" if self.params["quantity"] == "d_spacing" else "degrees"

    def complexity(self, identity: dict[str, Any]) -> float:
        """The metric's tier (cubic 1 ... monoclinic 5) plus the index magnitudes, |h|+|k|+|l|, averaged."""
        idx = sum(abs(x) for x in identity["one"]) + sum(abs(x) for x in identity["two"])
        return _KIND_TIER[identity["lattice"]["kind"]] + idx / 2

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lat = _random_lattice(rng, self.params["kinds"])
        top = self.params["top"]
        one = _hkl(rng, top)
        two = _hkl(rng, top)
        while np.linalg.matrix_rank(np.array([one, two])) < 2:
            two = _hkl(rng, top)
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

    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001, "inverse": False, "given": "a", "bowing": False}
    #: Levels: Vegard's law on the lattice parameters; the end members given by a d-spacing of an indexed
    #: reflection; and a bowing term (a quadratic to solve for the inverse question) as well.
    levels = ({"given": "a", "bowing": False}, {"given": "d", "bowing": False}, {"given": "d", "bowing": True})
    default_level = 1

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "" if self.params["inverse"] else "Å"

    def complexity(self, identity: dict[str, Any]) -> float:
        """The interpolation, plus a step per end member given by a d-spacing, plus two for the bowing."""
        return 1.0 + 2.0 * ("hklA" in identity) + 2.0 * ("bow" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pool = _VEGARD if self.params["given"] == "a" else [v for v in _VEGARD if v[0] not in ("InN", "GaN")]
        a_name, a_val, b_name, b_val = pick(rng, pool)
        x = round(rng.uniform(0.03, 0.97), 3)
        out: dict[str, Any] = {"A": a_name, "aA": a_val, "B": b_name, "aB": b_val, "x": x}
        if self.params["given"] == "d":
            for end in ("A", "B"):
                hkl = pick(rng, [[1, 1, 1], [2, 0, 0], [2, 2, 0], [3, 1, 1], [2, 2, 2], [4, 0, 0], [3, 3, 1]])
                d = round(out["a" + end] / math.sqrt(sum(h * h for h in hkl)), 4)
                out["hkl" + end], out["d" + end] = hkl, d
                out["a" + end] = d * math.sqrt(sum(h * h for h in hkl))
        if self.params["bowing"]:
            span = abs(out["aB"] - out["aA"])
            out["bow"] = round(rng.choice([-1, 1]) * rng.uniform(0.05, 0.3) * span, 4)
        if self.params["inverse"]:
            out["measured"] = round(self._a(out, x), 4)
        return out

    @staticmethod
    def _a(identity: dict[str, Any], x: float) -> float:
        return (1 - x) * identity["aA"] + x * identity["aB"] - identity.get("bow", 0.0) * x * (1 - x)

    def question(self, identity: dict[str, Any]) -> str:
        if "hklA" in identity:
            ends = [f"{identity[e]} (cubic, d({''.join(map(str, identity['hkl' + e]))}) = {identity['d' + e]:.4f} Å)"
                    for e in ("A", "B")]
        else:
            ends = [f"{identity['A']} (a = {identity['aA']:.3f} Å)", f"{identity['B']} (a = {identity['aB']:.3f} Å)"]
        law = "obeying Vegard's law"
        if "bow" in identity:
            law = (f"whose lattice parameter follows a(x) = (1-x) a_A + x a_B - b x (1-x) with b = {identity['bow']:g} "
                   "Å (Vegard's law with bowing)")
        head = (f"{ends[0]} and {ends[1]} form a continuous solid solution (1-x) {identity['A']} + x {identity['B']} "
                f"{law}.")
        if self.params["inverse"]:
            return f"{head} A sample has a = {identity['measured']:.4f} Å. What is x?"
        return f"{head} What is the lattice parameter a at x = {identity['x']:g}?"

    def value(self, identity: dict[str, Any]) -> float:
        aa, ab = identity["aA"], identity["aB"]
        if not self.params["inverse"]:
            return self._a(identity, identity["x"])
        if "bow" not in identity:
            return (identity["measured"] - aa) / (ab - aa)
        lo, hi = 0.0, 1.0  # a(x) is monotonic here (|b| < |a_B - a_A|): bisect
        up = self._a(identity, 1.0) > self._a(identity, 0.0)
        for _ in range(60):
            mid = (lo + hi) / 2
            if (self._a(identity, mid) < identity["measured"]) == up:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


class ThermalExpansion(NumericTask):
    description = "Lattice parameter after heating, from the linear thermal expansion coefficient."
    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.0005, "form": "linear"}
    #: Levels: a constant linear α in K; the volumetric coefficient β = 3α with temperatures in °F; then an
    #: α that rises linearly with temperature (integrate it) as well.
    levels = ({"form": "linear"}, {"form": "volumetric"}, {"form": "varying"})
    default_level = 1
    unit = "Å"

    def complexity(self, identity: dict[str, Any]) -> float:
        """a(T) itself, plus β to α and °F to K, plus integrating a varying α."""
        return 1.0 + 2.0 * ("fahrenheit" in identity) + 2.0 * ("alpha1" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.CUBIC_SMALL)
        if self.params["form"] == "linear":
            t1 = rng.choice([293, 298, 300])
            return {"crystal": crystal, "alpha": round(rng.uniform(2.0, 30.0), 1), "t1": t1,
                    "t2": t1 + rng.randint(100, 1200)}
        f1 = rng.randint(50, 90)
        f2 = f1 + rng.randint(150, 2000)
        out: dict[str, Any] = {"crystal": crystal, "alpha": round(rng.uniform(2.0, 30.0), 1), "fahrenheit": [f1, f2],
                               "t1": (f1 - 32) * 5 / 9 + 273.15, "t2": (f2 - 32) * 5 / 9 + 273.15}
        if self.params["form"] == "varying":
            out["alpha1"] = round(rng.uniform(0.002, 0.02), 4)  # 10^-6 K^-2
        return out

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["crystal"]
        if "fahrenheit" not in identity:
            return (f"Cubic {S.formula(c)} has a = {c['a']:.4f} Å at {identity['t1']} K and a linear thermal "
                    f"expansion coefficient of {identity['alpha']} × 10^-6 K^-1 (constant). Using "
                    f"a(T) = a(T1) (1 + α (T - T1)), what is a at {identity['t2']} K?")
        f1, f2 = identity["fahrenheit"]
        beta = f"{3 * identity['alpha']:.1f} × 10^-6 K^-1"
        if "alpha1" in identity:
            law = (f"Its volumetric thermal expansion coefficient is β(T) = {beta} + {3 * identity['alpha1']:.4f} × "
                   "10^-6 K^-2 × (T - T1), with the linear coefficient α = β/3 (isotropic). Using "
                   "a(T) = a(T1) (1 + ∫ α dT) from T1,")
        else:
            law = (f"Its volumetric thermal expansion coefficient is β = {beta} (constant; the linear coefficient "
                   "is α = β/3 for a cubic crystal). Using a(T) = a(T1) (1 + α (T - T1)),")
        return f"Cubic {S.formula(c)} has a = {c['a']:.4f} Å at {f1} °F. {law} what is a at {f2} °F?"

    def value(self, identity: dict[str, Any]) -> float:
        c = identity["crystal"]
        dt = identity["t2"] - identity["t1"]
        return c["a"] * (1 + identity["alpha"] * 1e-6 * dt + identity.get("alpha1", 0.0) * 1e-6 * dt * dt / 2)


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

