"""Point defects seen in the density: which defect model a doped fluorite follows, and oxygen nonstoichiometry.

Tasks registered by :mod:`tasks.materials.packing` (this module has a leading underscore, so it is
not discovered on its own). ρ = (Σ n_i m_i) / (N_A a³) over the atoms of one cubic cell, with
fractional site occupancies from charge balance.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import ChoiceTask
from tasks.materials._cells import N_A, mass, masses_text
from tasks.materials._common import NumericTask

#: Fluorite hosts MO2 with typical cubic lattice parameters (Å); dopant oxides with the dopant's charge.
FLUORITES = {"ZrO2": ("Zr", 5.13), "CeO2": ("Ce", 5.41), "ThO2": ("Th", 5.60), "HfO2": ("Hf", 5.08), "UO2": ("U", 5.47)}
DOPANTS = {"CaO": ("Ca", 2), "MgO": ("Mg", 2), "SrO": ("Sr", 2), "Y2O3": ("Y", 3), "Sc2O3": ("Sc", 3),
           "Gd2O3": ("Gd", 3), "Sm2O3": ("Sm", 3), "La2O3": ("La", 3), "Yb2O3": ("Yb", 3)}
MODELS = ["oxygen vacancies (every cation site filled, some oxygen sites empty)",
          "cation interstitials (every oxygen site filled, extra cations on interstitial sites)"]


def model_cell(host: str, dopant: str, x: float, model: int) -> dict[str, float]:
    """Atoms per fluorite cell (4 cation sites, 8 oxygen sites) of M(1-x)D(x) oxide under ``model``."""
    m, _ = FLUORITES[host]
    d, q = DOPANTS[dopant]
    if model == 0:  # the cation sublattice is full: charge balance empties oxygen sites
        return {m: 4 * (1 - x), d: 4 * x, "O": (16 * (1 - x) + 4 * q * x) / 2}
    cations = 16 / (4 * (1 - x) + q * x)  # eight O2- per cell, balanced by more cations
    return {m: cations * (1 - x), d: cations * x, "O": 8.0}


class DefectModel(ChoiceTask):
    version = 1
    default_params = {"form": "fraction2"}
    levels = ({"form": "fraction2"}, {"form": "fraction3"}, {"form": "mol_percent"})
    default_level = 1
    description = "Which defect model (oxygen vacancies or cation interstitials) a doped fluorite's density supports."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Two model cells to build, plus a step for an aliovalent 3+ dopant, plus one to convert mol% of oxide."""
        return 2.0 + (DOPANTS[identity["dopant"]][1] == 3) + 2.0 * ("mol_percent" in identity)

    def options(self, identity: dict[str, Any]) -> list[str]:
        return MODELS

    def generate(self, rng: random.Random) -> dict[str, Any]:
        model = rng.randrange(2)  # the answer first: both models equally often
        form = self.params["form"]
        charge = 2 if form == "fraction2" else 3 if form == "fraction3" else rng.choice([2, 3])
        host = sorted(FLUORITES)[rng.randrange(len(FLUORITES))]
        dopant = rng.choice(sorted(k for k, (_, q) in DOPANTS.items() if q == charge))
        while True:
            x = round(rng.uniform(0.08, 0.3), 3)
            a = round(FLUORITES[host][1] * rng.uniform(0.985, 1.015), 4)
            rho = [self._density(model_cell(host, dopant, x, k), a) for k in (0, 1)]
            if abs(rho[0] - rho[1]) / rho[0] >= 0.012:
                break
        out: dict[str, Any] = {"host": host, "dopant": dopant, "a": a,
                               "density": round(rho[model] * rng.uniform(0.9975, 1.0025), 3)}
        if form == "mol_percent":  # x cation fraction from m mol% of the dopant oxide DO or D2O3
            per = 2 if dopant.startswith(DOPANTS[dopant][0] + "2") else 1
            m = x / (per - (per - 1) * x)  # inverse of x = per m / (1 + (per - 1) m)
            out["mol_percent"] = round(100 * m, 2)
            m = out["mol_percent"] / 100
            x = per * m / (1 + (per - 1) * m)
        out["x"] = x
        return out

    @staticmethod
    def _density(cell: dict[str, float], a: float) -> float:
        return sum(n * mass(el) for el, n in cell.items()) / (N_A * a**3 * 1e-24)

    def question(self, identity: dict[str, Any]) -> str:
        host, dopant = identity["host"], identity["dopant"]
        m, d = FLUORITES[host][0], DOPANTS[dopant][0]
        if "mol_percent" in identity:
            amount = f"{identity['mol_percent']:g} mol% {dopant} dissolved in {host}"
        else:
            amount = f"{host} doped with {dopant} so that a fraction x = {identity['x']:g} of the cations are {d}"
        opts = "\n".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(MODELS))
        els = {m: None, d: None, "O": None}
        return (f"A cubic fluorite solid solution, {amount}, has lattice parameter a = {identity['a']:.4f} Å (4 cation "
                f"and 8 oxygen sites per cell) and a measured density of {identity['density']:.3f} g/cm^3 "
                f"({masses_text(els)}; N_A = 6.02214076e23 /mol). Which defect model does the density support?\n{opts}")

    def value(self, identity: dict[str, Any]) -> int:
        rho = [self._density(model_cell(identity["host"], identity["dopant"], identity["x"], k), identity["a"])
               for k in (0, 1)]
        return min((abs(r - identity["density"]), k) for k, r in enumerate(rho))[1]


#: Nonstoichiometric hosts: formula pattern, sites per cell, the element whose sites are partly empty.
_NONSTOICH = {
    "rock-salt": [("Fe", 4.30), ("Mn", 4.44), ("Ni", 4.18), ("Co", 4.26)],
    "fluorite": [("Ce", 5.41), ("U", 5.47), ("Pr", 5.39), ("Tb", 5.22)],
    "perovskite": [("SrFe", 3.87), ("SrCo", 3.84), ("BaFe", 4.01), ("LaNi", 3.84), ("CaMn", 3.73)],
}


class Nonstoichiometry(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.005, "kind": "rock-salt"}
    levels = ({"kind": "rock-salt"}, {"kind": "fluorite"}, {"kind": "perovskite"})
    default_level = 1
    description = "The deviation from stoichiometry of a cubic oxide from its density and lattice parameter."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species in the cell whose masses enter, plus the vacant sublattice's count."""
        return float(len(identity["cations"]) + 1 + (identity["kind"] != "rock-salt"))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        kind = self.params["kind"]
        pool = _NONSTOICH[kind]
        name, a0 = pool[rng.randrange(len(pool))]
        cations = [name] if kind != "perovskite" else [name[:2], name[2:]]
        x = round(rng.uniform(0.01, 0.15 if kind == "rock-salt" else 0.3 if kind == "fluorite" else 0.5), 3)
        out = {"kind": kind, "cations": cations, "a": round(a0 * rng.uniform(0.99, 1.01), 4)}
        out["density"] = round(sum(n * mass(el) for el, n in self._cell(out, x).items())
                               / (N_A * out["a"] ** 3 * 1e-24), 4)
        return out

    @staticmethod
    def _cell(identity: dict[str, Any], x: float) -> dict[str, float]:
        c = identity["cations"]
        if identity["kind"] == "rock-salt":  # M(1-x)O: cation vacancies, 4 O per cell
            return {c[0]: 4 * (1 - x), "O": 4.0}
        if identity["kind"] == "fluorite":  # MO(2-x): oxygen vacancies, 4 M per cell
            return {c[0]: 4.0, "O": 4 * (2 - x)}
        return {c[0]: 1.0, c[1]: 1.0, "O": 3 - x}  # ABO(3-δ), one formula unit per cell

    def question(self, identity: dict[str, Any]) -> str:
        c = identity["cations"]
        if identity["kind"] == "rock-salt":
            formula, what = f"{c[0]}(1-x)O", "4 oxygen sites, all filled, and 4 cation sites"
        elif identity["kind"] == "fluorite":
            formula, what = f"{c[0]}O(2-x)", "4 cation sites, all filled, and 8 oxygen sites"
        else:
            formula, what = f"{c[0]}{c[1]}O(3-x)", "one A and one B site, both filled, and 3 oxygen sites"
        els = {el: None for el in [*c, "O"]}
        return (f"The cubic {identity['kind']} oxide {formula} (per cell: {what}) has a = {identity['a']:.4f} Å and a "
                f"measured density of {identity['density']:.4f} g/cm^3 ({masses_text(els)}; N_A = 6.02214076e23 /mol). "
                "What is x?")

    def value(self, identity: dict[str, Any]) -> float:
        total = identity["density"] * N_A * identity["a"] ** 3 * 1e-24
        c = identity["cations"]
        if identity["kind"] == "rock-salt":
            return 1 - (total - 4 * mass("O")) / (4 * mass(c[0]))
        if identity["kind"] == "fluorite":
            return 2 - (total - 4 * mass(c[0])) / (4 * mass("O"))
        return 3 - (total - mass(c[0]) - mass(c[1])) / mass("O")
