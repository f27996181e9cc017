"""Point defects and diffusion: vacancy equilibria, Arrhenius diffusion, Fick's second law, aliovalent doping."""

from __future__ import annotations

import math
import random
from typing import Any

from tasks.materials._common import NumericTask, pick

K_B = 8.617333262e-5  # eV/K
R_GAS = 8.314462618  # J/(mol K)
N_A = 6.02214076e23

#: Metals: (symbol, density g/cm^3, molar mass g/mol, typical vacancy formation energy eV).
_METALS = [("Cu", 8.96, 63.546, 0.9), ("Al", 2.70, 26.982, 0.68), ("Ni", 8.91, 58.693, 1.6), ("Ag", 10.49, 107.87, 1.1),
           ("Au", 19.3, 196.97, 0.93), ("Pt", 21.45, 195.08, 1.35), ("Fe", 7.87, 55.845, 1.6), ("Pb", 11.34, 207.2, 0.58),
           ("W", 19.25, 183.84, 3.6), ("Mo", 10.28, 95.95, 3.0), ("Zn", 7.14, 65.38, 0.54), ("Mg", 1.74, 24.305, 0.79)]
#: Diffusion couples: (solute, host, D0 m^2/s, Q kJ/mol).
_DIFFUSION = [("C", "γ-Fe", 2.3e-5, 148.0), ("C", "α-Fe", 1.1e-6, 87.0), ("Fe", "γ-Fe", 2.5e-5, 284.0),
              ("Cu", "Cu", 7.8e-5, 211.0), ("Zn", "Cu", 2.4e-5, 189.0), ("Al", "Al", 2.3e-4, 144.0),
              ("Cu", "Al", 6.5e-5, 136.0), ("Mg", "Al", 1.2e-4, 130.0), ("Ni", "Ni", 1.9e-4, 285.0),
              ("N", "α-Fe", 5.0e-7, 77.0), ("H", "α-Fe", 1.0e-7, 13.4), ("B", "Si", 1.0e-3, 335.0)]


class VacancyEquilibrium(NumericTask):
    """Equilibrium vacancies: site fraction, number per m^3, or the formation energy from a measured fraction."""

    default_params = {"rel_tol": 0.02, "abs_tol": 0.0, "quantity": "fraction"}
    _UNITS = {"fraction": "", "per_m3": "vacancies per m^3", "energy": "eV"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNITS[self.params["quantity"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        el, rho, m, qv = pick(rng, _METALS)
        out: dict[str, Any] = {"metal": el, "density": rho, "molar_mass": m, "qv": round(qv * rng.uniform(0.9, 1.1), 3),
                               "t": rng.randint(500, 1400)}
        if self.params["quantity"] == "energy":
            out["fraction"] = float(f"{math.exp(-out['qv'] / (K_B * out['t'])):.4g}")
        return out

    def question(self, identity: dict[str, Any]) -> str:
        el, t = identity["metal"], identity["t"]
        q = self.params["quantity"]
        if q == "energy":
            return (f"The equilibrium vacancy site fraction in {el} at {t} K is {identity['fraction']:.4g}. Assuming "
                    "n_v/N = exp(-Q_v / (k_B T)) with k_B = 8.617333e-5 eV/K, what is the vacancy formation energy Q_v?")
        head = (f"The vacancy formation energy of {el} is {identity['qv']} eV. Assume n_v/N = exp(-Q_v / (k_B T)) "
                "with k_B = 8.617333e-5 eV/K.")
        if q == "fraction":
            return f"{head} What is the equilibrium vacancy site fraction n_v/N at {t} K?"
        return (f"{head} {el} has density {identity['density']} g/cm^3 and molar mass {identity['molar_mass']} g/mol "
                f"(N_A = 6.02214e23 /mol). How many vacancies per cubic metre are there at {t} K?")

    def value(self, identity: dict[str, Any]) -> float:
        q = self.params["quantity"]
        if q == "energy":
            return -K_B * identity["t"] * math.log(identity["fraction"])
        frac = math.exp(-identity["qv"] / (K_B * identity["t"]))
        if q == "fraction":
            return frac
        sites = N_A * identity["density"] * 1e6 / identity["molar_mass"]
        return sites * frac


class Diffusion(NumericTask):
    """Arrhenius diffusion: D at T, the activation energy from two D values, or a diffusion length."""

    default_params = {"rel_tol": 0.01, "abs_tol": 0.0, "quantity": "d"}
    _UNITS = {"d": "m^2/s", "q": "kJ/mol", "length": "micrometres", "carburize": "hours"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNITS[self.params["quantity"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # Carburising is carbon into austenite; the other questions use any diffusion couple.
        solute, host, d0, q = _DIFFUSION[0] if self.params["quantity"] == "carburize" else pick(rng, _DIFFUSION)
        t1 = rng.randint(600, 1400)
        out: dict[str, Any] = {"solute": solute, "host": host, "d0": d0, "q": round(q * rng.uniform(0.95, 1.05), 1),
                               "t": t1}
        if self.params["quantity"] == "q":
            t2 = t1 + rng.randint(80, 400)
            out["t2"] = t2
            out["d1"] = float(f"{d0 * math.exp(-out['q'] * 1000 / (R_GAS * t1)):.4g}")
            out["d2"] = float(f"{d0 * math.exp(-out['q'] * 1000 / (R_GAS * t2)):.4g}")
        if self.params["quantity"] == "length":
            out["hours"] = round(rng.uniform(0.5, 48.0), 1)
        if self.params["quantity"] == "carburize":
            out["c0"] = round(rng.uniform(0.05, 0.3), 2)
            out["cs"] = round(rng.uniform(0.9, 1.3), 2)
            out["cx"] = round(rng.uniform(out["c0"] + 0.15, out["cs"] - 0.15), 2)
            out["x_mm"] = round(rng.uniform(0.2, 2.0), 2)
            out["t"] = rng.randint(1150, 1350)
        return out

    def _d(self, identity: dict[str, Any]) -> float:
        return identity["d0"] * math.exp(-identity["q"] * 1000 / (R_GAS * identity["t"]))

    def question(self, identity: dict[str, Any]) -> str:
        pair = f"{identity['solute']} in {identity['host']}"
        arr = (f"For diffusion of {pair}, D0 = {identity['d0']:.3g} m^2/s and Q = {identity['q']} kJ/mol "
               "(D = D0 exp(-Q / (R T)), R = 8.314 J/(mol K)).")
        q = self.params["quantity"]
        if q == "d":
            return f"{arr} What is D at {identity['t']} K?"
        if q == "q":
            return (f"The diffusion coefficient of {pair} is {identity['d1']:.4g} m^2/s at {identity['t']} K and "
                    f"{identity['d2']:.4g} m^2/s at {identity['t2']} K. Assuming Arrhenius behaviour "
                    "(R = 8.314 J/(mol K)), what is the activation energy Q?")
        if q == "length":
            return f"{arr} What is the diffusion length x = sqrt(D t) after {identity['hours']} h at {identity['t']} K?"
        return (f"{arr} A steel with {identity['c0']} wt% C is carburised at {identity['t']} K with the surface held "
                f"at {identity['cs']} wt% C. Using the semi-infinite solution (C_s - C_x)/(C_s - C_0) = "
                f"erf(x / (2 sqrt(D t))), how long does it take to reach {identity['cx']} wt% C at a depth of "
                f"{identity['x_mm']} mm?")

    def value(self, identity: dict[str, Any]) -> float:
        q = self.params["quantity"]
        if q == "d":
            return self._d(identity)
        if q == "q":
            t1, t2 = identity["t"], identity["t2"]
            return R_GAS * math.log(identity["d2"] / identity["d1"]) / (1 / t1 - 1 / t2) / 1000.0
        if q == "length":
            return math.sqrt(self._d(identity) * identity["hours"] * 3600.0) * 1e6
        target = (identity["cs"] - identity["cx"]) / (identity["cs"] - identity["c0"])
        lo, hi = 0.0, 6.0
        for _ in range(100):  # invert erf by bisection
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if math.erf(mid) < target else (lo, mid)
        z = (lo + hi) / 2
        x = identity["x_mm"] / 1000.0
        return (x / (2 * z)) ** 2 / self._d(identity) / 3600.0


#: Host oxides AO2 (cation +4) and dopant oxides with their cation charge.
_HOSTS = ["ZrO2", "CeO2", "ThO2", "HfO2"]
_DOPANTS = [("Y2O3", "Y", 3), ("Gd2O3", "Gd", 3), ("Sm2O3", "Sm", 3), ("Sc2O3", "Sc", 3), ("CaO", "Ca", 2),
            ("MgO", "Mg", 2), ("La2O3", "La", 3), ("Yb2O3", "Yb", 3)]


class DopingVacancies(NumericTask):
    description = "Oxygen vacancies created by aliovalent doping of a fluorite oxide."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001}
    unit = "oxygen vacancies per cation"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        oxide, cation, q = pick(rng, _DOPANTS)
        return {"host": pick(rng, _HOSTS), "dopant": oxide, "cation": cation, "charge": q,
                "mol_percent": round(rng.uniform(2.0, 20.0), 1)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{identity['host']} is doped with {identity['mol_percent']} mol% {identity['dopant']} (i.e. "
                f"{identity['mol_percent']} moles of {identity['dopant']} per 100 moles of {identity['dopant']} + "
                f"{identity['host']}). The {identity['cation']}{identity['charge']}+ ions replace the +4 cations and "
                "the charge is compensated by oxygen vacancies only. How many oxygen vacancies are there per cation "
                "(the δ in M1-x D_x O2-δ)?")

    def value(self, identity: dict[str, Any]) -> float:
        y = identity["mol_percent"] / 100.0
        per_formula = 2 if identity["dopant"].startswith(identity["cation"] + "2") else 1
        dopant_cations = y * per_formula
        cations = dopant_cations + (1 - y)
        x = dopant_cations / cations
        return x * (4 - identity["charge"]) / 2


def register(registry: Any) -> None:
    registry.register(VacancyEquilibrium, "materials/vacancy_fraction", {"quantity": "fraction"},
                      "Equilibrium vacancy site fraction of a metal.")
    registry.register(VacancyEquilibrium, "materials/vacancy_concentration", {"quantity": "per_m3"},
                      "Equilibrium vacancies per cubic metre in a metal.")
    registry.register(VacancyEquilibrium, "materials/vacancy_formation_energy",
                      {"quantity": "energy", "rel_tol": 0.0, "abs_tol": 0.005},
                      "Vacancy formation energy from a measured vacancy fraction.")
    registry.register(Diffusion, "materials/diffusion_coefficient", {"quantity": "d", "rel_tol": 0.02},
                      "Arrhenius diffusion coefficient at a temperature.")
    registry.register(Diffusion, "materials/diffusion_activation_energy", {"quantity": "q", "rel_tol": 0.01},
                      "Activation energy of diffusion from two diffusion coefficients.")
    registry.register(Diffusion, "materials/diffusion_length", {"quantity": "length", "rel_tol": 0.01},
                      "Diffusion length sqrt(Dt).")
    registry.register(Diffusion, "materials/carburizing_time", {"quantity": "carburize", "rel_tol": 0.02},
                      "Carburising time from Fick's second law (erf solution).")
    registry.register(DopingVacancies, "materials/doping_oxygen_vacancies")
