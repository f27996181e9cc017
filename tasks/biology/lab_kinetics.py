"""Enzyme kinetics, laboratory arithmetic (dilutions, molarity, plating, spectrophotometry) and PCR."""

from __future__ import annotations

import math

from tasks.common.formula import Formula, Var, add_formulas

# compound: molar mass g/mol
COMPOUNDS = {"NaCl": 58.44, "glucose": 180.16, "Tris base": 121.14, "EDTA disodium dihydrate": 372.24,
             "KCl": 74.55, "MgCl2 hexahydrate": 203.30, "sucrose": 342.30, "HEPES": 238.30}


def _km_two_points(v: dict) -> float:
    # 1/v = (Km/Vmax)(1/S) + 1/Vmax through two exact Michaelis-Menten points.
    v1 = v["Vmax"] * v["S1"] / (v["Km"] + v["S1"])
    v2 = v["Vmax"] * v["S2"] / (v["Km"] + v["S2"])
    slope = (1 / v1 - 1 / v2) / (1 / v["S1"] - 1 / v["S2"])
    intercept = 1 / v1 - slope / v["S1"]
    return slope / intercept


def _two_point_rates(v: dict) -> dict:
    r1 = v["Vmax"] * v["S1"] / (v["Km"] + v["S1"])
    r2 = v["Vmax"] * v["S2"] / (v["Km"] + v["S2"])
    return {"v1": f"{r1:.6g}", "v2": f"{r2:.6g}"}


def _pcr_cycles(v: dict) -> float:
    return float(math.ceil(math.log(v["target"] / v["N0"]) / math.log(1 + v["E"]) - 1e-12))


TABLE = {
    "michaelis_menten_rate": Formula(
        "An enzyme has Vmax = {Vmax} µM/s and Km = {Km} µM. What is the initial rate at a substrate concentration "
        "of {S} µM, in µM/s?",
        (Var("Vmax", 0.1, 100), Var("Km", 0.5, 500), Var("S", 0.1, 2000)),
        lambda v: v["Vmax"] * v["S"] / (v["Km"] + v["S"]), "", description="Michaelis-Menten rate."),
    "km_from_rate": Formula(
        "An enzyme with Vmax = {Vmax} µmol/min reaches a rate of {r} µmol/min at {S} mM substrate. What is its Km, "
        "in mM?",
        (Var("Vmax", 1, 100), Var("frac", 0.1, 0.9, 2), Var("S", 0.05, 50)),
        lambda v: v["S"] * (1 - v["frac"]) / v["frac"], "",
        extra=lambda v: {"r": f"{v['frac'] * v['Vmax']:.6g}"}, description="Km from a single rate."),
    "km_from_two_rates": Formula(
        "A Michaelis-Menten enzyme gives initial rates of {v1} µM/s at {S1} µM and {v2} µM/s at {S2} µM substrate. "
        "What is Km, in µM (e.g. from a Lineweaver-Burk line through the two points)?",
        (Var("Vmax", 1, 100), Var("Km", 1, 500), Var("S1", 0.5, 100), Var("S2", 101, 2000)),
        _km_two_points, "", rel_tol=0.02, extra=_two_point_rates, description="Km from two rate measurements."),
    "competitive_inhibition_rate": Formula(
        "An enzyme has Vmax = {Vmax} µM/s and Km = {Km} µM. With {I} µM of a competitive inhibitor (Ki = {Ki} µM) "
        "and {S} µM substrate, what is the initial rate, in µM/s?",
        (Var("Vmax", 0.1, 100), Var("Km", 0.5, 500), Var("I", 0.1, 200), Var("Ki", 0.05, 100), Var("S", 0.1, 2000)),
        lambda v: v["Vmax"] * v["S"] / (v["Km"] * (1 + v["I"] / v["Ki"]) + v["S"]), "",
        description="Rate under competitive inhibition."),
    "noncompetitive_inhibition_rate": Formula(
        "An enzyme has Vmax = {Vmax} µM/s and Km = {Km} µM. With {I} µM of a pure noncompetitive inhibitor "
        "(Ki = {Ki} µM, Km unchanged) and {S} µM substrate, what is the initial rate, in µM/s?",
        (Var("Vmax", 0.1, 100), Var("Km", 0.5, 500), Var("I", 0.1, 200), Var("Ki", 0.05, 100), Var("S", 0.1, 2000)),
        lambda v: v["Vmax"] / (1 + v["I"] / v["Ki"]) * v["S"] / (v["Km"] + v["S"]), "",
        description="Rate under noncompetitive inhibition."),
    "catalytic_efficiency": Formula(
        "An enzyme at {E} nM gives Vmax = {Vmax} µM/s, and its Km is {Km} µM. What is its catalytic efficiency "
        "kcat/Km, in M^-1 s^-1?",
        (Var("E", 0.1, 100), Var("Vmax", 0.01, 50), Var("Km", 0.5, 5000)),
        lambda v: (v["Vmax"] * 1e-6 / (v["E"] * 1e-9)) / (v["Km"] * 1e-6), "", description="kcat/Km."),
    "dilution_volume": Formula(
        "How many µL of a {C1} mM stock solution are needed to make {V2} mL of a {C2} µM solution?",
        (Var("C1", 1, 1000), Var("V2", 1, 1000), Var("C2", 1, 900)),
        lambda v: v["C2"] * 1e-3 * v["V2"] * 1000 / v["C1"], "", valid=lambda v: v["C2"] / 1000 < v["C1"] / 2,
        description="Volume of stock for a dilution (C1V1 = C2V2)."),
    "mass_for_solution": Formula(
        "What mass of {compound} (molar mass {M} g/mol), in grams, is needed to make {V} mL of a {C} mM solution?",
        (Var("compound", choices=tuple(COMPOUNDS)), Var("V", 10, 2000), Var("C", 1, 2000)),
        lambda v: COMPOUNDS[v["compound"]] * v["C"] / 1000 * v["V"] / 1000, "",
        extra=lambda v: {"M": str(COMPOUNDS[v["compound"]])}, description="Mass of solute for a molar solution."),
    "serial_dilution": Formula(
        "A {C0} mg/mL solution is serially diluted {n} times, each time transferring {a} µL into {b} µL of diluent. "
        "What is the final concentration, in µg/mL?",
        (Var("C0", 0.1, 100), Var("n", 2, 8, step=1), Var("a", 10, 200, step=10), Var("b", 90, 990, step=10)),
        lambda v: v["C0"] * 1000 * (v["a"] / (v["a"] + v["b"])) ** v["n"], "", description="Serial dilution."),
    "cfu_per_ml": Formula(
        "{c} colonies grow after plating {vol} µL of a 10^-{d} dilution of a culture. What was the culture's "
        "concentration, in CFU per mL?",
        (Var("c", 20, 300, step=1), Var("vol", 10, 250, step=1), Var("d", 3, 8, step=1)),
        lambda v: v["c"] / (v["vol"] / 1000) * 10 ** v["d"], "", description="Viable count from a plate."),
    "dna_concentration_a260": Formula(
        "A dsDNA sample diluted 1:{f} reads A260 = {A} in a 1 cm cuvette. Using 1 A260 unit = 50 µg/mL of dsDNA, "
        "what is the concentration of the undiluted sample, in µg/mL?",
        (Var("f", 2, 200, step=1), Var("A", 0.05, 1.5)),
        lambda v: v["A"] * 50 * v["f"], "", description="DNA concentration from absorbance."),
    "beer_lambert_concentration": Formula(
        "A protein solution has absorbance {A} at 280 nm in a {l} cm cuvette. Its molar extinction coefficient is "
        "{eps} M^-1 cm^-1. What is its concentration, in µM?",
        (Var("A", 0.05, 2), Var("l", 0.1, 1, 1), Var("eps", 5000, 200000, step=10)),
        lambda v: v["A"] / (v["eps"] * v["l"]) * 1e6, "", description="Concentration by the Beer-Lambert law."),
    "pcr_copies": Formula(
        "A PCR starts from {N0} copies of template and runs {n} cycles with an amplification efficiency of {Epct}% "
        "per cycle (each cycle multiplies the copies by 1 + efficiency). How many copies are there at the end?",
        (Var("N0", 1, 10000, step=1), Var("n", 10, 40, step=1), Var("E", 0.6, 1.0, 2)),
        lambda v: v["N0"] * (1 + v["E"]) ** v["n"], "", extra=lambda v: {"Epct": f"{v['E'] * 100:g}"},
        description="Copies after PCR cycles."),
    "pcr_cycles_needed": Formula(
        "A PCR starts from {N0} template copies with {Epct}% efficiency per cycle (copies multiply by 1 + "
        "efficiency each cycle). What is the smallest number of cycles that gives at least {target} copies?",
        (Var("N0", 1, 10000, step=1), Var("E", 0.6, 1.0, 2), Var("target", 1e8, 1e12)),
        _pcr_cycles, "", integer=True, extra=lambda v: {"Epct": f"{v['E'] * 100:g}"},
        description="PCR cycles needed to reach a copy number."),
}

register = add_formulas("biology", TABLE)
