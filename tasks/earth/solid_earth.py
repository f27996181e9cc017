"""Solid earth and hydrology: earthquakes, dating, isostasy, plates, sediments, groundwater, streams."""

from __future__ import annotations

import math

from tasks.common.formula import Formula, Var, add_formulas, fmt

_G = "Use g = 9.81 m/s^2."
# isotope system: (parent, daughter, half-life in years)
SYSTEMS = {"U-238 -> Pb-206": 4.468e9, "K-40 -> Ar-40 (treat as single decay)": 1.248e9, "Rb-87 -> Sr-87": 4.97e10,
           "U-235 -> Pb-207": 7.04e8, "Sm-147 -> Nd-143": 1.06e11}


def _mw(m0: float) -> float:
    """Moment magnitude of a seismic moment in N m."""
    return 2 / 3 * (math.log10(m0) - 9.1)


def _moment_magnitude(v: dict) -> float:
    return _mw(v["mu"] * 1e9 * v["area"] * 1e6 * v["slip"])


def _manning(v: dict) -> float:
    area = v["w"] * v["d"]
    radius = area / (v["w"] + 2 * v["d"])
    return area * radius ** (2 / 3) * math.sqrt(v["S"]) / v["n"]


TABLE = {
    "earthquake_energy": Formula(
        "An earthquake has a seismic moment of {M0} N m. Using the moment magnitude Mw = (2/3)(log10 M0 - 9.1) "
        "(M0 in N m) and the Gutenberg-Richter energy relation log10(E) = 1.5 Mw + 4.8 (E in joules), how much "
        "energy does it release?",
        (Var("mant", 1, 9.99, 4), Var("exp", 13, 22, step=1)),
        lambda v: 10 ** (1.5 * _mw(v["mant"] * 10.0 ** v["exp"]) + 4.8), "J", rel_tol=0.02,
        extra=lambda v: {"M0": fmt(v["mant"] * 10.0 ** v["exp"])},
        description="Seismic energy from the seismic moment, through the moment magnitude."),
    "earthquake_energy_ratio": Formula(
        "Using log10(E) = 1.5 M + 4.8, how many times more energy does a magnitude {M1} earthquake release than a "
        "magnitude {M2} one?",
        (Var("M1", 5, 9.5), Var("M2", 2, 7)),
        lambda v: 10 ** (1.5 * (v["M1"] - v["M2"])), "", rel_tol=0.02,
        valid=lambda v: v["M1"] - v["M2"] >= 0.3, description="Energy ratio of two earthquakes."),
    "moment_magnitude": Formula(
        "A fault ruptures over an area of {area} km^2 with an average slip of {slip} m in rock with shear modulus "
        "{mu} GPa. Using M0 = μ A D (N m) and Mw = (2/3)(log10 M0 - 9.1), what is the moment magnitude?",
        (Var("area", 1, 50000), Var("slip", 0.05, 20), Var("mu", 20, 45)),
        _moment_magnitude, "", rel_tol=0.0, abs_tol=0.02, description="Moment magnitude from fault parameters."),
    "epicentre_distance": Formula(
        "At a seismometer the S wave arrives {dt} s after the P wave. Taking P and S speeds of {vp} km/s and "
        "{vs} km/s, how far away is the earthquake, in km?",
        (Var("dt", 2, 300), Var("vp", 5.5, 8), Var("vs", 3, 4.5)),
        lambda v: v["dt"] / (1 / v["vs"] - 1 / v["vp"]), "km", description="Distance from the S-P time."),
    "radiometric_age": Formula(
        "A mineral holds {ratio} atoms of radiogenic daughter per atom of parent in the {system} system (half-life "
        "{T} years, no initial daughter). How old is it, in millions of years?",
        (Var("system", choices=tuple(SYSTEMS)), Var("ratio", 0.001, 2, 4, log=True)),
        lambda v: SYSTEMS[v["system"]] / math.log(2) * math.log(1 + v["ratio"]) / 1e6, "", rel_tol=0.01,
        extra=lambda v: {"T": fmt(SYSTEMS[v["system"]])}, description="Radiometric age from a daughter/parent ratio."),
    "radiocarbon_age": Formula(
        "Charcoal from a hearth shows a carbon-14 activity of {a} decays per minute per gram of carbon, while living "
        "wood shows {a0} decays per minute per gram. Using a half-life of 5730 years, how old is the charcoal, in "
        "years?",
        (Var("a", 0.2, 15.5), Var("a0", 12, 16)),
        lambda v: 5730 * math.log2(v["a0"] / v["a"]), "", rel_tol=0.01, valid=lambda v: v["a"] < 0.98 * v["a0"],
        description="Radiocarbon age from measured and modern activities."),
    "airy_isostasy_root": Formula(
        "By Airy isostasy, a mountain range stands {h} km above the surrounding plain. With crust density {rc} "
        "kg/m^3 and mantle density {rm} kg/m^3, how deep is its crustal root below the normal crust, in km?",
        (Var("h", 0.5, 8), Var("rc", 2600, 2900), Var("rm", 3200, 3400)),
        lambda v: v["h"] * v["rc"] / (v["rm"] - v["rc"]), "km", description="Airy isostatic root depth."),
    "glacial_depression": Formula(
        "An ice sheet {h} m thick (density {ri} kg/m^3) rests on the crust. At isostatic equilibrium, how far is the "
        "crust pushed down, in m, if the displaced mantle has density {rm} kg/m^3?",
        (Var("h", 100, 4000), Var("ri", 900, 920, step=1), Var("rm", 3200, 3400)),
        lambda v: v["h"] * v["ri"] / v["rm"], "m", description="Isostatic depression under an ice sheet."),
    "plate_motion_rate": Formula(
        "A hotspot track shows that a volcano now {d} km from the hotspot formed {age} million years ago. What is "
        "the plate's average speed, in cm per year?",
        (Var("d", 50, 6000), Var("age", 1, 80)),
        lambda v: v["d"] * 1e5 / (v["age"] * 1e6), "", description="Plate speed from a hotspot track."),
    "seafloor_age": Formula(
        "A mid-ocean ridge spreads at a full (total) rate of {rate} cm per year, symmetrically. How old is the "
        "seafloor {d} km from the ridge axis, in millions of years?",
        (Var("rate", 1, 18), Var("d", 10, 3000)),
        lambda v: v["d"] * 1e5 / (v["rate"] / 2) / 1e6, "", description="Seafloor age from spreading rate."),
    "stokes_settling": Formula(
        "A spherical quartz grain of diameter {d} µm and density {rp} kg/m^3 settles in still water of density "
        "1000 kg/m^3 and dynamic viscosity {mu} mPa s. Using Stokes' law, what is its settling velocity, in mm/s? "
        + _G,
        (Var("d", 2, 100), Var("rp", 2500, 2800), Var("mu", 0.8, 1.8)),
        lambda v: (v["rp"] - 1000) * 9.81 * (v["d"] * 1e-6) ** 2 / (18 * v["mu"] * 1e-3) * 1000, "mm/s",
        description="Stokes settling velocity."),
    "darcy_discharge": Formula(
        "An aquifer has hydraulic conductivity {K} m/day and cross-sectional area {A} m^2. The hydraulic head drops "
        "{dh} m over a distance of {L} m. By Darcy's law, what is the discharge, in m^3 per day?",
        (Var("K", 0.01, 100), Var("A", 10, 10000), Var("dh", 0.1, 20), Var("L", 10, 5000)),
        lambda v: v["K"] * v["A"] * v["dh"] / v["L"], "", description="Groundwater discharge by Darcy's law."),
    "groundwater_velocity": Formula(
        "Groundwater flows through sand with hydraulic conductivity {K} m/day, effective porosity {n} and a "
        "hydraulic gradient of {i}. What is the average linear (seepage) velocity, in m/day?",
        (Var("K", 0.1, 100), Var("n", 0.1, 0.45, 2), Var("i", 0.001, 0.05)),
        lambda v: v["K"] * v["i"] / v["n"], "", description="Seepage velocity from Darcy flux and porosity."),
    "manning_discharge": Formula(
        "A rectangular channel {w} m wide carries water {d} m deep on a slope of {S}, with Manning roughness "
        "n = {n}. Using Manning's equation V = (1/n) R^(2/3) S^(1/2) (SI units, R = area / wetted perimeter), what is "
        "the discharge, in m^3/s?",
        (Var("w", 1, 50), Var("d", 0.2, 5), Var("S", 0.0001, 0.01), Var("n", 0.02, 0.06, 2)),
        _manning, "", description="Stream discharge from Manning's equation."),
    "geothermal_heat_flow": Formula(
        "Temperature in a borehole rises by {dT} °C between depths of {z1} m and {z2} m in rock of thermal "
        "conductivity {k} W/(m K). What is the conductive heat flow, in mW/m^2?",
        (Var("dT", 1, 60), Var("z1", 100, 900), Var("z2", 1000, 3000), Var("k", 1.5, 4.5)),
        lambda v: v["k"] * v["dT"] / (v["z2"] - v["z1"]) * 1000, "", fixed=("dT",), description="Geothermal heat flow."),
    "map_scale_distance": Formula(
        "On a map with scale 1:{N}, two towns are {d} cm apart. What is the real distance between them, in km?",
        (Var("N", 10000, 2000000, step=5000), Var("d", 0.5, 40)),
        lambda v: v["N"] * v["d"] / 1e5, "", description="Real distance from a map scale."),
    "sea_level_from_ice": Formula(
        "If {V} thousand km^3 of land ice of density {rho} kg/m^3 melted, how much would global sea level rise, in "
        "m? Take the ocean area as 3.61 × 10^14 m^2, the water density as 1000 kg/m^3, and ignore other effects.",
        (Var("V", 1, 3000, 4), Var("rho", 880, 925, step=1)),
        lambda v: v["V"] * 1e12 * v["rho"] / 1000 / 3.61e14, "", description="Sea-level rise from melted land ice."),
}

register = add_formulas("earth", TABLE)
