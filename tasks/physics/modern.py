"""Modern physics, plus unit conversions checked against ``sympy.physics.units``."""

from __future__ import annotations

import math

from bootcamp.verifiers.units import convert
from tasks.common.formula import C_LIGHT, E_CHARGE, H_PLANCK, M_E, M_P, Formula, Var, add_formulas

_HC = "Use h = 6.626 × 10^-34 J s, c = 2.998 × 10^8 m/s and e = 1.602 × 10^-19 C."
# metal: work function in eV
METALS = {"caesium": 2.14, "potassium": 2.30, "sodium": 2.36, "calcium": 2.87, "zinc": 4.33, "copper": 4.65,
          "silver": 4.73, "platinum": 5.65}
_METALS_TEXT = ", ".join(f"{k} {w}" for k, w in METALS.items())
_RYDBERG = 1.0968e7  # hydrogen, 1/m
# particle: rest energy in MeV
PARTICLES = {"an electron": 0.511, "a muon": 105.66, "a charged pion": 139.57, "a proton": 938.27}
_PARTICLES_TEXT = ", ".join(f"{k.split(' ', 1)[1]} {e} MeV" for k, e in PARTICLES.items())


def _work_function(v: dict) -> float:
    """Work function (eV) from a wavelength (nm) and the maximum kinetic energy (eV) it gives."""
    return H_PLANCK * C_LIGHT / (v["lam"] * 1e-9) / E_CHARGE - v["K"]


def _gamma(beta: float) -> float:
    return 1 / math.sqrt(1 - beta * beta)


# (from, to) pairs per quantity; the answer must be in the target unit.
CONVERSIONS = {
    "speed": (("km/h", "m/s"), ("mi/h", "km/h"), ("m/s", "mi/h"), ("ft/s", "m/s"), ("km/s", "mi/h")),
    "energy": (("kWh", "MJ"), ("eV", "aJ"), ("MeV", "pJ"), ("kJ", "Wh"), ("GJ", "kWh")),
    "pressure": (("atm", "kPa"), ("psi", "kPa"), ("mmHg", "Pa"), ("bar", "psi"), ("kPa", "atm")),
    "length_area_volume": (("mi", "km"), ("ft", "m"), ("in^3", "cm^3"), ("ft^2", "m^2"), ("L", "in^3"),
                           ("AU", "km"), ("ly", "AU")),
}


def _conversion(quantity: str, lo: float, hi: float, sig: int = 3, log: bool = False) -> Formula:
    return Formula(
        "Convert {x} {pair_from} to {pair_to} (answer with the number of {pair_to}).",
        (Var("x", lo, hi, sig, log=log), Var("pair", choices=tuple(f"{a}|{b}" for a, b in CONVERSIONS[quantity]))),
        lambda v: convert(v["x"], *v["pair"].split("|")), "", rel_tol=0.002,
        extra=lambda v: dict(zip(("pair_from", "pair_to"), v["pair"].split("|"), strict=False)),
        description=f"Unit conversion of a {quantity.replace('_', '/')} value.")


TABLE = {
    "photon_energy": Formula(
        "What is the energy of a photon of wavelength {lam} nm, in eV? " + _HC,
        (Var("lam", 50, 3000, 5),),
        lambda v: H_PLANCK * C_LIGHT / (v["lam"] * 1e-9) / E_CHARGE, "eV", description="Photon energy from wavelength."),
    "de_broglie_electron": Formula(
        "An electron, initially at rest, is accelerated through a potential difference of {V} V "
        "(non-relativistic). What is its de Broglie wavelength, in nm? Use m_e = 9.109 × 10^-31 kg, "
        "h = 6.626 × 10^-34 J s and e = 1.602 × 10^-19 C.",
        (Var("V", 1, 20000, 4, log=True),),
        lambda v: H_PLANCK / math.sqrt(2 * M_E * E_CHARGE * v["V"]) * 1e9, "nm",
        description="de Broglie wavelength of an accelerated electron."),
    "de_broglie_proton": Formula(
        "What is the de Broglie wavelength of a proton moving at {v} m/s (non-relativistic), in pm? Use "
        "m_p = 1.673 × 10^-27 kg and h = 6.626 × 10^-34 J s.",
        (Var("v", 1e3, 3e7, 4, log=True),),
        lambda v: H_PLANCK / (M_P * v["v"]) * 1e12, "pm", description="de Broglie wavelength of a proton."),
    "photoelectric_max_ke": Formula(
        "Light of wavelength {lam} nm shines on clean {metal}. What is the maximum kinetic energy of the emitted "
        "photoelectrons, in eV? Work functions (eV): " + _METALS_TEXT + ". " + _HC,
        (Var("lam", 100, 500, 4), Var("metal", choices=tuple(METALS))),
        lambda v: H_PLANCK * C_LIGHT / (v["lam"] * 1e-9) / E_CHARGE - METALS[v["metal"]], "eV",
        valid=lambda v: H_PLANCK * C_LIGHT / (v["lam"] * 1e-9) / E_CHARGE - METALS[v["metal"]] > 0.2,
        description="Photoelectric effect, maximum kinetic energy."),
    "photoelectric_threshold": Formula(
        "Light of wavelength {lam} nm ejects photoelectrons from a metal with a maximum kinetic energy of {K} eV. "
        "What is the longest wavelength of light that can eject photoelectrons from this metal, in nm? " + _HC,
        (Var("lam", 100, 500), Var("K", 0.1, 4)),
        lambda v: H_PLANCK * C_LIGHT / (_work_function(v) * E_CHARGE) * 1e9, "nm",
        valid=lambda v: 1.5 < _work_function(v) < 6.5,
        description="Photoelectric threshold wavelength, through the work function."),
    "half_life_remaining": Formula(
        "A sample contains {m0} mg of an isotope with a half-life of {T} days. How much of the isotope remains "
        "after {t} days, in mg?",
        (Var("m0", 1, 1000), Var("T", 0.5, 100), Var("t", 1, 400)),
        lambda v: v["m0"] * 0.5 ** (v["t"] / v["T"]), "mg",
        valid=lambda v: v["t"] / v["T"] < 10, description="Radioactive decay, amount remaining."),
    "decay_time_for_activity": Formula(
        "An isotope has a half-life of {T} hours. How long does it take for the activity of a sample to fall from "
        "{a0} kBq to {a} kBq, in hours?",
        (Var("T", 0.5, 200), Var("a0", 10, 1000), Var("a", 0.5, 900)),
        lambda v: v["T"] * math.log2(v["a0"] / v["a"]), "h",
        valid=lambda v: v["a"] < 0.9 * v["a0"], description="Radioactive decay, time to a given activity."),
    "activity_from_mass": Formula(
        "What is the activity, in Bq, of {m} µg of a radioisotope with molar mass {M} g/mol and half-life {T} "
        "years? Use N_A = 6.022 × 10^23 /mol and 1 year = 3.156 × 10^7 s.",
        (Var("m", 0.01, 100), Var("M", 3, 240, step=1), Var("T", 1, 10000)),
        lambda v: math.log(2) / (v["T"] * 3.156e7) * v["m"] * 1e-6 / v["M"] * 6.022e23, "Bq",
        description="Activity from mass and half-life."),
    "time_dilation": Formula(
        "A clock on a spacecraft moving at {beta}c records {t0} s. How much time passes in the frame in which the "
        "spacecraft moves?",
        (Var("beta", 0.1, 0.995), Var("t0", 1, 1000)),
        lambda v: v["t0"] * _gamma(v["beta"]), "s", rel_tol=0.005, description="Special-relativistic time dilation."),
    "length_contraction": Formula(
        "A rod has proper length {L0} m. What length does an observer measure when it moves along its length at "
        "{beta}c?",
        (Var("L0", 0.5, 500), Var("beta", 0.1, 0.995)),
        lambda v: v["L0"] / _gamma(v["beta"]), "m", rel_tol=0.005, description="Length contraction."),
    "relativistic_kinetic_energy": Formula(
        "What is the kinetic energy of {particle} moving at {beta}c, in MeV? Rest energies: " + _PARTICLES_TEXT
        + ".",
        (Var("particle", choices=tuple(PARTICLES)), Var("beta", 0.1, 0.999, 4)),
        lambda v: (_gamma(v["beta"]) - 1) * PARTICLES[v["particle"]], "MeV", rel_tol=0.005,
        description="Relativistic kinetic energy."),
    "hydrogen_spectral_line": Formula(
        "Hydrogen in a galaxy at redshift z = {z} emits a photon as an atom drops from level n = {n2} to n = {n1}. "
        "What wavelength, in nm, is observed on Earth (λ_observed = (1 + z) λ_emitted)? Use the Rydberg constant "
        "for hydrogen R_H = 1.0968 × 10^7 m^-1.",
        (Var("n1", 1, 5, step=1), Var("n2", 2, 12, step=1), Var("z", 0.001, 3, 4, log=True)),
        lambda v: (1 + v["z"]) * 1e9 / (_RYDBERG * (1 / v["n1"] ** 2 - 1 / v["n2"] ** 2)), "nm", rel_tol=0.003,
        valid=lambda v: v["n2"] > v["n1"],
        description="Redshifted hydrogen spectral line wavelength (Rydberg formula)."),
    "compton_shift": Formula(
        "An X-ray photon of wavelength {lam} pm is Compton-scattered by a free electron through {th} degrees. What "
        "is the wavelength of the scattered photon, in pm? Use a Compton wavelength of 2.426 pm.",
        (Var("lam", 1, 100), Var("th", 10, 180)),
        lambda v: v["lam"] + 2.426 * (1 - math.cos(math.radians(v["th"]))), "pm", rel_tol=0.002,
        description="Compton scattering."),
    "wien_peak": Formula(
        "A black body is at {T} K. At what wavelength does its spectral radiance (per unit wavelength) peak, in nm? "
        "Use Wien's constant b = 2.898 × 10^-3 m K.",
        (Var("T", 300, 30000, 5, log=True),),
        lambda v: 2.898e-3 / v["T"] * 1e9, "nm", description="Wien's displacement law."),
    "mass_defect_energy": Formula(
        "A nuclear reaction converts {dm} u of rest mass into energy. How much energy is released, in MeV? Use "
        "1 u = 931.494 MeV/c^2.",
        (Var("dm", 0.0005, 0.5, 5, log=True),),
        lambda v: v["dm"] * 931.494, "MeV", rel_tol=0.002, description="Energy from a mass defect."),
    "convert_speed": _conversion("speed", 0.5, 500, 4, log=True),
    "convert_energy": _conversion("energy", 0.01, 1000),
    "convert_pressure": _conversion("pressure", 0.1, 1000, 5, log=True),
    "convert_length_area_volume": _conversion("length_area_volume", 0.1, 1000),
}

register = add_formulas("physics", TABLE)
