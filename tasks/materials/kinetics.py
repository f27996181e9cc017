"""Point defects and diffusion: vacancy equilibria, Arrhenius diffusion, Fick's second law, aliovalent doping."""

from __future__ import annotations

import math
import random
from typing import Any

from tasks.materials._common import NumericTask, pick

K_B = 8.617333262e-5  # eV/K
R_GAS = 8.314462618  # J/(mol K)
N_A = 6.02214076e23
EV_KJ = 96.485332  # kJ/mol per eV
KCAL = 4.184  # kJ per kcal

#: Conversion levels: how many of a problem's given quantities are stated in another unit than the
#: formula's (°C for K, kJ/mol for eV, cm^2/s for m^2/s, ...): each is one more step before the formula.
CONVERSION_LEVELS: tuple[dict[str, Any], ...] = ({"conversions": 0}, {"conversions": 1}, {"conversions": 2})


def _converted(rng: random.Random, groups: list[str], k: int) -> list[str]:
    """Which of ``groups`` (the given quantities that have another common unit) are stated in it."""
    return sorted(rng.sample(groups, min(k, len(groups))))


def _celsius(out: dict[str, Any], key: str) -> None:
    """Restate the temperature ``key`` (K) as a whole number of °C; the kelvin value follows exactly."""
    out[key] = round(round(out[key] - 273.15) + 273.15, 2)


def _temp(identity: dict[str, Any], key: str = "t") -> str:
    if key in identity.get("units", ()):
        return f"{identity[key] - 273.15:.0f} °C"
    return f"{identity[key]:g} K"


def conversion_steps(identity: dict[str, Any]) -> float:
    """The formula plus one step per quantity given in another unit."""
    return 1.0 + len(identity.get("units", ()))

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

    version = 3
    default_params = {"rel_tol": 0.02, "abs_tol": 0.0, "quantity": "fraction", "conversions": 0}
    levels = CONVERSION_LEVELS
    default_level = 1
    _UNITS = {"fraction": "", "per_m3": "vacancies per m^3", "energy": "eV"}
    _GROUPS = {"fraction": ["t", "qv"], "per_m3": ["t", "qv", "density", "molar_mass"], "energy": ["t", "fraction"]}

    def complexity(self, identity: dict[str, Any]) -> float:
        """The Boltzmann factor plus one step per unit conversion."""
        return conversion_steps(identity)

    @property
    def unit(self) -> str:  # type: ignore[override]
        return self._UNITS[self.params["quantity"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        el, rho, m, qv = pick(rng, _METALS)
        out: dict[str, Any] = {"metal": el, "density": rho, "molar_mass": m, "qv": round(qv * rng.uniform(0.9, 1.1), 3),
                               "t": rng.randint(500, 1400)}
        units = _converted(rng, self._GROUPS[self.params["quantity"]], self.params["conversions"])
        if "t" in units:
            _celsius(out, "t")
        if "qv" in units:  # the shown kJ/mol value is the given one
            out["qv"] = round(round(out["qv"] * EV_KJ, 1) / EV_KJ, 6)
        if self.params["quantity"] == "energy":
            out["fraction"] = float(f"{math.exp(-out['qv'] / (K_B * out['t'])):.4g}")
        if units:
            out["units"] = units
        return out

    def question(self, identity: dict[str, Any]) -> str:
        el, t = identity["metal"], _temp(identity)
        q = self.params["quantity"]
        units = identity.get("units", ())
        if q == "energy":
            frac = (f"{identity['fraction'] * 1e6:.4g} ppm (parts per million of lattice sites)" if "fraction" in units
                    else f"{identity['fraction']:.4g}")
            return (f"The equilibrium vacancy site fraction in {el} at {t} is {frac}. Assuming "
                    "n_v/N = exp(-Q_v / (k_B T)) with k_B = 8.617333e-5 eV/K, what is the vacancy formation energy Q_v?")
        qv = (f"{identity['qv'] * EV_KJ:.1f} kJ per mole of vacancies (1 eV = 96.4853 kJ/mol)" if "qv" in units
              else f"{identity['qv']} eV")
        head = (f"The vacancy formation energy of {el} is {qv}. Assume n_v/N = exp(-Q_v / (k_B T)) "
                "with k_B = 8.617333e-5 eV/K.")
        if q == "fraction":
            return f"{head} What is the equilibrium vacancy site fraction n_v/N at {t}?"
        rho = f"{identity['density'] * 1000:g} kg/m^3" if "density" in units else f"{identity['density']} g/cm^3"
        m = f"{identity['molar_mass'] / 1000:g} kg/mol" if "molar_mass" in units else f"{identity['molar_mass']} g/mol"
        return (f"{head} {el} has density {rho} and molar mass {m} "
                f"(N_A = 6.02214e23 /mol). How many vacancies per cubic metre are there at {t}?")

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

    version = 3
    default_params = {"rel_tol": 0.01, "abs_tol": 0.0, "quantity": "d", "conversions": 0}
    levels = (*CONVERSION_LEVELS, {"conversions": 3})
    default_level = 1
    _UNITS = {"d": "m^2/s", "q": "kJ/mol", "length": "micrometres", "carburize": "hours"}
    _GROUPS = {"d": ["t", "d0", "q"], "q": ["t", "t2", "d12"], "length": ["t", "d0", "q", "hours"],
               "carburize": ["t", "d0", "q", "x"]}

    def complexity(self, identity: dict[str, Any]) -> float:
        """The formula plus one step per unit conversion."""
        return conversion_steps(identity)

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
        units = _converted(rng, self._GROUPS[self.params["quantity"]], self.params["conversions"])
        if units:
            self._restate(out, units)
            out["units"] = units
        return out

    @staticmethod
    def _restate(out: dict[str, Any], units: list[str]) -> None:
        """Round the quantities stated in other units so the shown values are exactly the given ones."""
        if "t" in units:
            _celsius(out, "t")
        if "t2" in units:
            _celsius(out, "t2")
        if "q" in units:  # shown in kcal/mol
            out["q"] = round(round(out["q"] / KCAL, 2) * KCAL, 6)
        if "q" in out and "d1" in out and ("t" in units or "t2" in units):  # keep D1, D2 Arrhenius-consistent
            out["d1"] = float(f"{out['d0'] * math.exp(-out['q'] * 1000 / (R_GAS * out['t'])):.4g}")
            out["d2"] = float(f"{out['d0'] * math.exp(-out['q'] * 1000 / (R_GAS * out['t2'])):.4g}")

    def _d(self, identity: dict[str, Any]) -> float:
        return identity["d0"] * math.exp(-identity["q"] * 1000 / (R_GAS * identity["t"]))

    def question(self, identity: dict[str, Any]) -> str:
        pair = f"{identity['solute']} in {identity['host']}"
        units = identity.get("units", ())
        d0 = f"{identity['d0'] * 1e4:.3g} cm^2/s" if "d0" in units else f"{identity['d0']:.3g} m^2/s"
        qa = (f"{identity['q'] / KCAL:.2f} kcal/mol (1 kcal = 4.184 kJ)" if "q" in units
              else f"{identity['q']} kJ/mol")
        arr = f"For diffusion of {pair}, D0 = {d0} and Q = {qa} (D = D0 exp(-Q / (R T)), R = 8.314 J/(mol K))."
        q = self.params["quantity"]
        t = _temp(identity)
        if q == "d":
            return f"{arr} What is D at {t}?"
        if q == "q":
            d1, d2 = ((f"{identity['d1'] * 1e4:.4g} cm^2/s", f"{identity['d2'] * 1e4:.4g} cm^2/s") if "d12" in units
                      else (f"{identity['d1']:.4g} m^2/s", f"{identity['d2']:.4g} m^2/s"))
            return (f"The diffusion coefficient of {pair} is {d1} at {t} and {d2} at {_temp(identity, 't2')}. "
                    "Assuming Arrhenius behaviour (R = 8.314 J/(mol K)), what is the activation energy Q?")
        if q == "length":
            dur = f"{identity['hours'] * 3600:.0f} s" if "hours" in units else f"{identity['hours']} h"
            return f"{arr} What is the diffusion length x = sqrt(D t) after {dur} at {t}?"
        depth = f"{identity['x_mm'] * 1000:.0f} µm" if "x" in units else f"{identity['x_mm']} mm"
        return (f"{arr} A steel with {identity['c0']} wt% C is carburised at {t} with the surface held "
                f"at {identity['cs']} wt% C. Using the semi-infinite solution (C_s - C_x)/(C_s - C_0) = "
                f"erf(x / (2 sqrt(D t))), how long does it take to reach {identity['cx']} wt% C at a depth of "
                f"{depth}?")

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


#: Doping levels: the dopant given as a cation fraction, as mol% oxide (the original), as wt% oxide (molar
#: masses first), then two dopants in mol% and in wt%.
DOPING_LEVELS: tuple[dict[str, Any], ...] = (
    {"basis": "cation", "dopants": 1}, {"basis": "mol", "dopants": 1}, {"basis": "wt", "dopants": 1},
    {"basis": "mol", "dopants": 2}, {"basis": "wt", "dopants": 2})
_BASIS_STEPS = {"cation": 1, "mol": 3, "wt": 5}


def _oxide_mass(formula: str) -> float:
    from tasks.materials.composition import comp

    return float(comp(formula).weight)


class DopingVacancies(NumericTask):
    description = "Oxygen vacancies created by aliovalent doping of a fluorite oxide."
    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001, "basis": "mol", "dopants": 1}
    levels = DOPING_LEVELS
    default_level = 2
    unit = "oxygen vacancies per cation"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps per dopant: to moles of oxide (wt%), to cations, to vacancies (a cation fraction needs one)."""
        if "dopants" not in identity:
            return float(_BASIS_STEPS["mol"])
        return float(_BASIS_STEPS[identity["basis"]] * len(identity["dopants"]) + len(identity["dopants"]) - 1)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = pick(rng, _HOSTS)
        if self.params["basis"] == "mol" and self.params["dopants"] == 1:
            oxide, cation, q = pick(rng, _DOPANTS)
            return {"host": host, "dopant": oxide, "cation": cation, "charge": q,
                    "mol_percent": round(rng.uniform(2.0, 20.0), 1)}
        chosen = rng.sample(_DOPANTS, self.params["dopants"])
        top = 20.0 / len(chosen)
        return {"host": host, "basis": self.params["basis"],
                "dopants": [[o, c, q, round(rng.uniform(1.0, top), 1 if self.params["basis"] == "mol" else 2)]
                            for o, c, q in chosen]}

    def question(self, identity: dict[str, Any]) -> str:
        if "dopants" in identity:
            return self._multi_question(identity)
        return (f"{identity['host']} is doped with {identity['mol_percent']} mol% {identity['dopant']} (i.e. "
                f"{identity['mol_percent']} moles of {identity['dopant']} per 100 moles of {identity['dopant']} + "
                f"{identity['host']}). The {identity['cation']}{identity['charge']}+ ions replace the +4 cations and "
                "the charge is compensated by oxygen vacancies only. How many oxygen vacancies are there per cation "
                "(the δ in M1-x D_x O2-δ)?")

    def _multi_question(self, identity: dict[str, Any]) -> str:
        host, basis = identity["host"], identity["basis"]
        if basis == "cation":
            parts = [f"{a}% of the cation sites are {c}{q}+" for _, c, q, a in identity["dopants"]]
            return (f"In doped {host}, {' and '.join(parts)}; they replace the +4 cations and the charge is "
                    "compensated by oxygen vacancies only. How many oxygen vacancies are there per cation (the δ "
                    "in M1-x D_x O2-δ)?")
        what = ("mol% (moles per 100 moles of all the oxides together)" if basis == "mol"
                else "wt% (grams per 100 g of the doped oxide; standard atomic weights)")
        parts = [f"{a} {basis}% {o}" for o, _, _, a in identity["dopants"]]
        return (f"{host} is doped with {' and '.join(parts)}, in {what}. The dopant cations ("
                + ", ".join(f"{c}{q}+" for _, c, q, _ in identity["dopants"])
                + ") replace the +4 cations and the charge is compensated by oxygen vacancies only. How many oxygen "
                "vacancies are there per cation (the δ in M1-x D_x O2-δ)?")

    def value(self, identity: dict[str, Any]) -> float:
        if "dopants" not in identity:
            y = identity["mol_percent"] / 100.0
            per_formula = 2 if identity["dopant"].startswith(identity["cation"] + "2") else 1
            dopant_cations = y * per_formula
            cations = dopant_cations + (1 - y)
            x = dopant_cations / cations
            return x * (4 - identity["charge"]) / 2
        dopants, basis = identity["dopants"], identity["basis"]
        if basis == "cation":
            return sum(a / 100.0 * (4 - q) / 2 for _, _, q, a in dopants)
        if basis == "mol":
            moles = [a / 100.0 for _, _, _, a in dopants]
            host = 1.0 - sum(moles)
        else:
            moles = [a / _oxide_mass(o) for o, _, _, a in dopants]
            host = (100.0 - sum(a for _, _, _, a in dopants)) / _oxide_mass(identity["host"])
        cats = [n * (2 if o.startswith(c + "2") else 1) for n, (o, c, _, _) in zip(moles, dopants, strict=True)]
        vacancies = sum(n * (4 - q) / 2 for n, (_, _, q, _) in zip(cats, dopants, strict=True))
        return vacancies / (sum(cats) + host)


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
