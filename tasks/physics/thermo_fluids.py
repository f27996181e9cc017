"""Thermodynamics and fluids."""

from __future__ import annotations

import math

from tasks.common.formula import G_EARTH as g
from tasks.common.formula import R_GAS, Formula, Var, add_formulas

_R = "Use R = 8.314 J/(mol K)."
# gas: molar mass in g/mol
GASES = {"helium": 4.003, "neon": 20.18, "argon": 39.95, "nitrogen (N2)": 28.01, "oxygen (O2)": 32.00,
         "carbon dioxide": 44.01, "methane": 16.04}
# material: specific heat in J/(kg K)
METALS = {"aluminium": 900, "copper": 385, "iron": 450, "lead": 128, "silver": 235, "brass": 380}
_C_WATER = 4186
_L_FUSION = 3.34e5
_EXPANSION = {"aluminium": 23e-6, "copper": 17e-6, "steel": 12e-6, "brass": 19e-6, "invar": 1.2e-6}


def _mix_temperature(v: dict) -> float:
    cm = METALS[v["metal"]] * v["mm"] / 1000
    cw = _C_WATER * v["mw"] / 1000
    return (cm * v["tm"] + cw * v["tw"]) / (cm + cw)


def _bernoulli_drop(v: dict) -> float:
    v2 = v["v1"] * (v["d1"] / v["d2"]) ** 2
    return 0.5 * 1000 * (v2 ** 2 - v["v1"] ** 2) / 1000


TABLE = {
    "ideal_gas_pressure": Formula(
        "{m} g of {gas} is held in a {V} L container at {T} °C. Treating it as an ideal gas, what is its pressure, "
        "in kPa? " + _R + " Molar masses: He 4.003, Ne 20.18, Ar 39.95, N2 28.01, O2 32.00, CO2 44.01, "
        "CH4 16.04 g/mol.",
        (Var("m", 1, 100), Var("gas", choices=tuple(GASES)), Var("V", 1, 100), Var("T", -50, 300)),
        lambda v: v["m"] / GASES[v["gas"]] * R_GAS * (v["T"] + 273.15) / (v["V"] / 1000) / 1000, "kPa",
        description="Ideal gas law, pressure from mass of a named gas."),
    "ideal_gas_moles": Formula(
        "A gas at {P} kPa and {T} K fills {V} L. How many moles of gas are there (ideal gas)? " + _R,
        (Var("P", 10, 1000), Var("T", 100, 900), Var("V", 0.5, 200)),
        lambda v: v["P"] * 1000 * v["V"] / 1000 / (R_GAS * v["T"]), "mol",
        description="Ideal gas law, amount of gas."),
    "heat_to_warm": Formula(
        "How much heat is needed to warm {m} kg of {metal} from {t1} °C to {t2} °C? Specific heats (J/(kg K)): "
        "aluminium 900, copper 385, iron 450, lead 128, silver 235, brass 380.",
        (Var("m", 0.1, 50), Var("metal", choices=tuple(METALS)), Var("t1", -20, 40), Var("t2", 50, 500)),
        lambda v: v["m"] * METALS[v["metal"]] * (v["t2"] - v["t1"]), "J",
        description="Heat from specific heat capacity."),
    "calorimetry_final_temperature": Formula(
        "A {mm} g block of {metal} at {tm} °C is dropped into {mw} g of water at {tw} °C in an insulated container "
        "of negligible heat capacity. What is the final temperature, in °C? Specific heats (J/(kg K)): water 4186, "
        "aluminium 900, copper 385, iron 450, lead 128, silver 235, brass 380.",
        (Var("mm", 50, 1000), Var("metal", choices=tuple(METALS)), Var("tm", 60, 400), Var("mw", 100, 1000),
         Var("tw", 5, 30)),
        _mix_temperature, "", rel_tol=0.0, abs_tol=0.1, description="Final temperature in calorimetry."),
    "melt_and_warm_ice": Formula(
        "How much heat is needed to turn {m} g of ice at 0 °C into water at {t} °C? Use a latent heat of fusion of "
        "334 kJ/kg and a specific heat of water of 4186 J/(kg K).",
        (Var("m", 10, 5000), Var("t", 1, 100)),
        lambda v: v["m"] / 1000 * (_L_FUSION + _C_WATER * v["t"]), "J",
        description="Latent plus sensible heat for melting ice."),
    "carnot_efficiency": Formula(
        "A Carnot engine works between reservoirs at {th} °C and {tc} °C. What is its efficiency, in percent?",
        (Var("th", 100, 1200), Var("tc", -20, 90)),
        lambda v: 100 * (1 - (v["tc"] + 273.15) / (v["th"] + 273.15)), "", rel_tol=0.0, abs_tol=0.2,
        description="Carnot efficiency from temperatures in Celsius."),
    "carnot_refrigerator_cop": Formula(
        "An ideal (Carnot) refrigerator keeps its interior at {tc} °C in a room at {th} °C. What is its coefficient "
        "of performance?",
        (Var("tc", -30, 10), Var("th", 15, 45)),
        lambda v: (v["tc"] + 273.15) / (v["th"] - v["tc"]), "", description="Coefficient of performance of a Carnot refrigerator."),
    "entropy_heating_water": Formula(
        "{m} kg of water is heated reversibly from {t1} °C to {t2} °C. What is its entropy change? Use a specific "
        "heat of 4186 J/(kg K).",
        (Var("m", 0.1, 20), Var("t1", 0, 50), Var("t2", 55, 100)),
        lambda v: v["m"] * _C_WATER * math.log((v["t2"] + 273.15) / (v["t1"] + 273.15)), "J/K",
        description="Entropy change on heating."),
    "entropy_isothermal_expansion": Formula(
        "{n} mol of ideal gas expands isothermally from {V1} L to {V2} L. What is its entropy change? " + _R,
        (Var("n", 0.1, 10), Var("V1", 1, 20), Var("V2", 21, 200)),
        lambda v: v["n"] * R_GAS * math.log(v["V2"] / v["V1"]), "J/K",
        description="Entropy change in isothermal expansion."),
    "isothermal_work": Formula(
        "{n} mol of ideal gas at {T} K is compressed isothermally and reversibly from {V1} L to {V2} L. How much "
        "work is done on the gas? " + _R,
        (Var("n", 0.1, 10), Var("T", 200, 800), Var("V1", 21, 200), Var("V2", 1, 20)),
        lambda v: v["n"] * R_GAS * v["T"] * math.log(v["V1"] / v["V2"]), "J",
        description="Work in a reversible isothermal process."),
    "adiabatic_temperature": Formula(
        "A diatomic ideal gas (γ = 1.4) at {T1} K is compressed adiabatically and reversibly to 1/{r} of its "
        "volume. What is its final temperature?",
        (Var("T1", 250, 400), Var("r", 1.5, 20)),
        lambda v: v["T1"] * v["r"] ** 0.4, "K", convert=False, description="Adiabatic compression temperature."),
    "adiabatic_pressure": Formula(
        "A monatomic ideal gas (γ = 5/3) at {P1} kPa expands adiabatically and reversibly from {V1} L to {V2} L. "
        "What is its final pressure?",
        (Var("P1", 100, 2000), Var("V1", 1, 10), Var("V2", 11, 100)),
        lambda v: v["P1"] * (v["V1"] / v["V2"]) ** (5 / 3), "kPa", description="Adiabatic expansion pressure."),
    "rms_speed": Formula(
        "What is the root-mean-square speed of {gas} molecules at {T} K? " + _R + " Molar masses: He 4.003, "
        "Ne 20.18, Ar 39.95, N2 28.01, O2 32.00, CO2 44.01, CH4 16.04 g/mol.",
        (Var("gas", choices=tuple(GASES)), Var("T", 50, 2000, 4)),
        lambda v: math.sqrt(3 * R_GAS * v["T"] / (GASES[v["gas"]] / 1000)), "m/s",
        description="RMS molecular speed."),
    "thermal_expansion": Formula(
        "A {metal} rod is {L} m long at 20 °C. How much longer is it at {t} °C? Linear expansion coefficients "
        "(1/K): aluminium 23e-6, copper 17e-6, steel 12e-6, brass 19e-6, invar 1.2e-6.",
        (Var("metal", choices=tuple(_EXPANSION)), Var("L", 0.5, 100), Var("t", 40, 500)),
        lambda v: _EXPANSION[v["metal"]] * v["L"] * (v["t"] - 20) * 1000, "mm",
        description="Linear thermal expansion."),
    "conduction_rate": Formula(
        "A slab of material with thermal conductivity {k} W/(m K), area {A} m^2 and thickness {d} cm has faces at "
        "{t1} °C and {t2} °C. At what rate does heat flow through it (steady state)?",
        (Var("k", 0.02, 400), Var("A", 0.1, 20), Var("d", 0.5, 30), Var("t1", 20, 200), Var("t2", -20, 15)),
        lambda v: v["k"] * v["A"] * (v["t1"] - v["t2"]) / (v["d"] / 100), "W", description="Fourier's law of conduction."),
    "hydrostatic_pressure": Formula(
        "What is the absolute pressure {h} m below the surface of a lake, if the atmospheric pressure is {p0} kPa? "
        "Take the density of water as 1000 kg/m^3 and g = 9.81 m/s^2.",
        (Var("h", 0.5, 200, 4), Var("p0", 95, 105)),
        lambda v: v["p0"] + 1000 * g * v["h"] / 1000, "kPa", rel_tol=0.002, description="Hydrostatic pressure."),
    "buoyancy_apparent_weight": Formula(
        "A solid object of mass {m} kg and density {rho} kg/m^3 hangs from a spring scale, fully submerged in a "
        "liquid of density {rf} kg/m^3. What does the scale read (the apparent weight), in newtons? Use g = 9.81 m/s^2.",
        (Var("m", 0.1, 50), Var("rho", 2000, 20000), Var("rf", 700, 1300)),
        lambda v: v["m"] * g * (1 - v["rf"] / v["rho"]), "N", description="Apparent weight from Archimedes' principle."),
    "floating_fraction": Formula(
        "A block of density {rho} kg/m^3 floats in a liquid of density {rf} kg/m^3. What percentage of its volume "
        "is submerged?",
        (Var("rho", 100, 990), Var("rf", 1000, 1400)),
        lambda v: 100 * v["rho"] / v["rf"], "", rel_tol=0.0, abs_tol=0.1, description="Floating fraction submerged."),
    "continuity_speed": Formula(
        "Water flows at {v1} m/s in a pipe of diameter {d1} cm that narrows to {d2} cm. What is the speed in the "
        "narrow section (incompressible flow)?",
        (Var("v1", 0.2, 5), Var("d1", 2, 30), Var("d2", 0.5, 20)),
        lambda v: v["v1"] * (v["d1"] / v["d2"]) ** 2, "m/s",
        valid=lambda v: 0.3 * v["d1"] < v["d2"] < 0.9 * v["d1"], description="Continuity equation."),
    "bernoulli_pressure_drop": Formula(
        "Water (density 1000 kg/m^3) flows at {v1} m/s through a horizontal pipe of diameter {d1} cm that narrows "
        "to {d2} cm. By Bernoulli's equation, how much lower is the pressure in the narrow section, in kPa?",
        (Var("v1", 0.2, 4), Var("d1", 2, 30), Var("d2", 0.5, 20)),
        _bernoulli_drop, "kPa", valid=lambda v: 0.3 * v["d1"] < v["d2"] < 0.9 * v["d1"], description="Bernoulli pressure drop."),
    "torricelli_jet_range": Formula(
        "An open tank holds water to a depth of {H} m. A small hole is made in its side {h} m above the floor the "
        "tank stands on. How far from the tank wall does the jet hit the floor?",
        (Var("H", 0.5, 10), Var("h", 0.1, 9.5)),
        lambda v: 2 * math.sqrt(v["h"] * (v["H"] - v["h"])), "m",
        valid=lambda v: 0.05 * v["H"] < v["h"] < 0.95 * v["H"], description="Torricelli's law and jet range."),
}

register = add_formulas("physics", TABLE)
