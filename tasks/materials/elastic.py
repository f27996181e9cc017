"""Elasticity of cubic crystals from C11, C12, C44: moduli, anisotropy, sound velocities, Born stability."""

from __future__ import annotations

import functools
import math
import random
from typing import Any

import numpy as np

from bootcamp.answers import YesNoTask
from tasks.materials._common import NumericTask, pick

#: Cubic crystals: elastic constants C11, C12, C44 (GPa) and density (g/cm^3), roughly as measured.
CUBIC_ELASTIC = [
    ("Cu", 168, 121, 75, 8.96), ("Al", 107, 61, 28, 2.70), ("Ni", 247, 147, 125, 8.91), ("Fe", 230, 135, 117, 7.87),
    ("W", 523, 203, 160, 19.25), ("Si", 166, 64, 80, 2.33), ("MgO", 297, 95, 156, 3.58), ("NaCl", 49, 13, 13, 2.16),
    ("Au", 192, 163, 42, 19.3), ("Ag", 124, 93, 46, 10.49), ("Mo", 440, 172, 106, 10.28), ("Cr", 350, 58, 101, 7.19),
    ("GaAs", 119, 54, 60, 5.32), ("C (diamond)", 1076, 125, 577, 3.51), ("SrTiO3", 317, 103, 123, 5.12),
    ("LiF", 112, 46, 63, 2.64), ("Ge", 129, 48, 67, 5.32), ("KCl", 40, 6.6, 6.3, 1.99), ("Pb", 50, 42, 15, 11.34),
    ("Ta", 266, 158, 87, 16.65), ("Nb", 247, 135, 29, 8.57), ("V", 230, 120, 43, 6.11), ("Pt", 347, 251, 77, 21.45),
    ("Pd", 227, 176, 72, 12.02), ("CaF2", 165, 46, 34, 3.18), ("ZnS", 104, 65, 46, 4.09), ("TiC", 500, 113, 175, 4.93),
    ("InP", 101, 56, 46, 4.81), ("NiAl", 199, 137, 116, 5.91), ("Li", 13.4, 11.3, 9.6, 0.53),
]


def _voigt(c11: float, c12: float, c44: float) -> np.ndarray:
    m = np.zeros((6, 6))
    m[:3, :3] = c12
    for i in range(3):
        m[i, i] = c11
        m[i + 3, i + 3] = c44
    return m


def elastic_tensor(c11: float, c12: float, c44: float) -> Any:
    """pymatgen's ElasticTensor for these constants (the tests check the closed forms below against it)."""
    from pymatgen.analysis.elasticity.elastic import ElasticTensor  # 1.5 s to import; only the tests need it

    return ElasticTensor.from_voigt(_voigt(c11, c12, c44))


@functools.lru_cache(maxsize=2048)
def _props(c11: float, c12: float, c44: float) -> dict[str, float]:
    # Closed forms for cubic symmetry: the same numbers as ElasticTensor's k_voigt, g_reuss, ... at a
    # fraction of the cost (pymatgen takes ~40 ms per tensor).
    k = (c11 + 2 * c12) / 3
    gv = (c11 - c12 + 3 * c44) / 5
    gr = 5 * (c11 - c12) * c44 / (4 * c44 + 3 * (c11 - c12))
    g = (gv + gr) / 2
    s = np.linalg.inv(_voigt(c11, c12, c44))
    return {
        "k_voigt": k, "k_vrh": k, "g_voigt": gv, "g_reuss": gr, "g_vrh": g, "y_mod": 9 * k * g / (3 * k + g),
        "poisson": (3 * k - 2 * g) / (6 * k + 2 * g), "universal_anisotropy": 5 * gv / gr - 5,
        "zener": 2 * c44 / (c11 - c12), "s11": float(s[0, 0]), "s12": float(s[0, 1]), "s44": float(s[3, 3]),
    }


def _constants(rng: random.Random) -> dict[str, Any]:
    name, c11, c12, c44, rho = pick(rng, CUBIC_ELASTIC)
    j = lambda x: round(x * rng.uniform(0.95, 1.05), 1)  # noqa: E731 - vary the measured values a little
    return {"material": name, "c11": j(c11), "c12": j(c12), "c44": j(c44), "density": round(rho * rng.uniform(0.99, 1.01), 3)}


#: Stiffness units: name and value per GPa.
_C_UNITS = {"kbar": 10.0, "Mbar": 0.01, "×10^11 dyn/cm^2": 0.1}
#: Compliance units: name and value per TPa^-1 (TPa^-1 = 10^-12 Pa^-1 = 10^-13 cm^2/dyn).
_S_UNITS = {"TPa^-1": 1.0, "GPa^-1": 1e-3, "Mbar^-1": 0.1, "×10^-13 cm^2/dyn": 1.0, "Pa^-1": 1e-12}
#: Elastic levels: how the constants are given (GPa; other stiffness units; compliances; compliances in
#: mixed units). Each conversion is a step, and compliances must be inverted to stiffnesses first.
ELASTIC_LEVELS: tuple[dict[str, Any], ...] = (
    {"form": "gpa"}, {"form": "units"}, {"form": "compliance"}, {"form": "compliance_units"})


def _sig(x: float, digits: int = 5) -> float:
    return float(f"{x:.{digits}g}")


def _given(rng: random.Random, out: dict[str, Any], form: str) -> dict[str, Any]:
    """Restate the constants of ``out`` as the level's ``form`` asks (``gpa`` leaves them as they are).

    For compliances, the stiffnesses are recomputed from the rounded compliances shown, so the
    answer follows exactly from the prompt.
    """
    if form == "gpa":
        return out
    if form == "units":
        units = [pick(rng, list(_C_UNITS)) for _ in range(3)]
        out["given"] = [[n, _sig(out[n] * _C_UNITS[u], 6), u] for n, u in zip(("c11", "c12", "c44"), units, strict=True)]
        return out
    m = _voigt(out["c11"], out["c12"], out["c44"])
    s = np.linalg.inv(m) * 1000.0  # TPa^-1
    shown = [_sig(float(s[0, 0])), _sig(float(s[0, 1])), _sig(float(s[3, 3]))]
    c = np.linalg.inv(_voigt(shown[0] / 1000.0, shown[1] / 1000.0, shown[2] / 1000.0))
    out["c11"], out["c12"], out["c44"] = float(c[0, 0]), float(c[0, 1]), float(c[3, 3])
    units = ["TPa^-1"] * 3 if form == "compliance" else [pick(rng, list(_S_UNITS)[1:]) for _ in range(3)]
    out["given"] = [[n, _sig(v * _S_UNITS[u], 5), u] for n, v, u in zip(("s11", "s12", "s44"), shown, units, strict=True)]
    return out


def elastic_steps(identity: dict[str, Any]) -> float:
    """Steps before the asked formula: a unit conversion per constant not in GPa / TPa^-1, six to invert
    compliances (S11 - S12, S11 + 2 S12, their inverses, C11 and C12, C44 = 1/S44), then the formula."""
    given = identity.get("given") or []
    steps = 1.0 + sum(u not in ("GPa", "TPa^-1") for _, _, u in given)
    return steps + (6.0 if any(n.startswith("s") for n, _, _ in given) else 0.0)


def _constants_text(identity: dict[str, Any]) -> str:
    given = identity.get("given")
    if not given:
        return (f"A cubic crystal ({identity['material']}-like) has elastic constants C11 = {identity['c11']:g} "
                f"GPa, C12 = {identity['c12']:g} GPa and C44 = {identity['c44']:g} GPa")
    kind = "elastic compliances" if given[0][0].startswith("s") else "elastic constants"
    parts = [f"{n.upper()} = {v:g} {u}" for n, v, u in given]
    return f"A cubic crystal ({identity['material']}-like) has {kind} {parts[0]}, {parts[1]} and {parts[2]}"


_DIRECTIONS = {"[100]": (1, 0, 0), "[110]": (1, 1, 0), "[111]": (1, 1, 1)}


class CubicElastic(NumericTask):
    """A polycrystalline or directional elastic property of a cubic crystal."""

    version = 3
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "quantity": "k_voigt", "form": "gpa"}
    levels = ELASTIC_LEVELS
    default_level = 1
    _ASK = {
        "k_voigt": ("What is its bulk modulus (Voigt average, equal to the Reuss average for cubic symmetry)?", "GPa"),
        "g_voigt": ("What is its Voigt shear modulus G_V = (C11 - C12 + 3 C44) / 5?", "GPa"),
        "g_reuss": ("What is its Reuss (lower-bound) shear modulus?", "GPa"),
        "g_vrh": ("What is its Voigt-Reuss-Hill average shear modulus?", "GPa"),
        "y_mod": ("What is its isotropic Young's modulus E = 9 K G / (3 K + G) from the Voigt-Reuss-Hill "
                  "averages K and G?", "GPa"),
        "poisson": ("What is its isotropic Poisson ratio ν = (3K - 2G) / (2 (3K + G)) from the Voigt-Reuss-Hill "
                    "averages K and G?", ""),
        "zener": ("What is its Zener anisotropy ratio A = 2 C44 / (C11 - C12)?", ""),
        "universal_anisotropy": ("What is its universal anisotropy index A^U = 5 G_V / G_R + K_V / K_R - 6?", ""),
        "e_dir": ("", "GPa"),
        "v_long": ("", "km/s"),
        "v_shear": ("", "km/s"),
    }

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._ASK[self.params["quantity"]][1]

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps from the constants as given to the asked property (:func:`elastic_steps`)."""
        return elastic_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out = _constants(rng)
        if self.params["quantity"] == "e_dir":
            out["direction"] = pick(rng, list(_DIRECTIONS))
        return _given(rng, out, self.params["form"])

    def question(self, identity: dict[str, Any]) -> str:
        q = self.params["quantity"]
        head = _constants_text(identity)
        if q == "e_dir":
            return (f"{head}. What is its Young's modulus along the {identity['direction']} direction (single "
                    "crystal, uniaxial stress along that direction)?")
        if q in ("v_long", "v_shear"):
            kind = "longitudinal" if q == "v_long" else "transverse (shear)"
            formula = "v_L = sqrt((K + 4G/3) / ρ)" if q == "v_long" else "v_T = sqrt(G / ρ)"
            return (f"{head} and density {identity['density']} g/cm^3. Using the Voigt-Reuss-Hill averages K and "
                    f"G, what is the isotropic {kind} sound velocity {formula}?")
        return f"{head}. {self._ASK[q][0]}"

    def value(self, identity: dict[str, Any]) -> float:
        p = _props(identity["c11"], identity["c12"], identity["c44"])
        q = self.params["quantity"]
        if q == "e_dir":
            l1, l2, l3 = (x / math.sqrt(sum(y * y for y in _DIRECTIONS[identity["direction"]]))
                          for x in _DIRECTIONS[identity["direction"]])
            inv = p["s11"] - 2 * (p["s11"] - p["s12"] - p["s44"] / 2) * (l1**2 * l2**2 + l2**2 * l3**2 + l3**2 * l1**2)
            return 1.0 / inv
        if q in ("v_long", "v_shear"):
            modulus = p["k_vrh"] + 4 * p["g_vrh"] / 3 if q == "v_long" else p["g_vrh"]
            return math.sqrt(modulus * 1e9 / (identity["density"] * 1000.0)) / 1000.0
        return p[q]


class BornStable(YesNoTask):
    version = 3
    description = "Born mechanical stability of a cubic crystal from its elastic constants."
    default_params = {"form": "gpa"}
    levels = ELASTIC_LEVELS
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps from the constants as given to the three criteria (:func:`elastic_steps`)."""
        return elastic_steps(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return _given(rng, self._draw(rng), self.params["form"])

    def _draw(self, rng: random.Random) -> dict[str, Any]:
        out = _constants(rng)
        if rng.random() < 0.5:
            broken = rng.randrange(3)
            if broken == 0:
                out["c12"] = round(out["c11"] * rng.uniform(1.05, 1.4), 1)
            elif broken == 1:
                out["c44"] = round(-out["c44"] * rng.uniform(0.05, 0.5), 1)
            else:
                out["c12"] = round(-out["c11"] * rng.uniform(0.55, 0.9), 1)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{_constants_text(identity)}. Is it mechanically stable according to the Born stability criteria "
                "for cubic crystals?")

    def value(self, identity: dict[str, Any]) -> bool:
        c11, c12, c44 = identity["c11"], identity["c12"], identity["c44"]
        return c11 - c12 > 0 and c11 + 2 * c12 > 0 and c44 > 0


def register(registry: Any) -> None:
    for q, tol, name, desc in [
        ("k_voigt", (0.005, 0.0), "bulk_modulus", "Bulk modulus of a cubic crystal from its elastic constants."),
        ("g_voigt", (0.005, 0.0), "shear_modulus_voigt", "Voigt shear modulus of a cubic crystal."),
        ("g_reuss", (0.005, 0.0), "shear_modulus_reuss", "Reuss shear modulus of a cubic crystal."),
        ("g_vrh", (0.005, 0.0), "shear_modulus_vrh", "Voigt-Reuss-Hill shear modulus of a cubic crystal."),
        ("y_mod", (0.005, 0.0), "youngs_modulus", "Isotropic (VRH) Young's modulus of a cubic crystal."),
        ("poisson", (0.0, 0.003), "poisson_ratio", "Isotropic (VRH) Poisson ratio of a cubic crystal."),
        ("zener", (0.005, 0.0), "zener_anisotropy", "Zener anisotropy ratio of a cubic crystal."),
        ("universal_anisotropy", (0.01, 0.003), "universal_anisotropy_index",
         "Universal elastic anisotropy index of a cubic crystal."),
        ("e_dir", (0.005, 0.0), "directional_youngs_modulus",
         "Young's modulus of a cubic single crystal along a given direction."),
        ("v_long", (0.005, 0.0), "longitudinal_sound_velocity", "Isotropic longitudinal sound velocity."),
        ("v_shear", (0.005, 0.0), "transverse_sound_velocity", "Isotropic transverse sound velocity."),
    ]:
        registry.register(CubicElastic, f"materials/{name}", {"quantity": q, "rel_tol": tol[0], "abs_tol": tol[1]},
                          desc)
    registry.register(BornStable, "materials/born_stability")
