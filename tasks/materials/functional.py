"""Functional materials: battery electrode capacities and energy densities, band gaps and absorption edges."""

from __future__ import annotations

import random
from typing import Any

from tasks.materials._common import NumericTask, pick
from tasks.materials.composition import comp

FARADAY = 96485.33212  # C/mol
HC_EV_NM = 1239.84198  # h c in eV nm

#: Electrodes: (host formula as weighed, electrons (Li+ or Na+) exchanged per formula unit, typical voltage V).
ELECTRODES = [("LiCoO2", 1, 3.9), ("LiFePO4", 1, 3.4), ("LiMn2O4", 1, 4.0), ("Li4Ti5O12", 3, 1.55), ("LiNiO2", 1, 3.8),
              ("NaFePO4", 1, 2.9), ("LiMnPO4", 1, 4.1), ("LiCoPO4", 1, 4.8), ("Li2MnO3", 2, 3.6), ("S", 2, 2.1),
              ("Si", 3.75, 0.4), ("C6", 1, 0.1), ("Sn", 4.4, 0.5), ("TiS2", 1, 2.1), ("V2O5", 1, 3.2),
              ("LiNi0.8Co0.1Mn0.1O2", 1, 3.8), ("LiNi0.33Co0.33Mn0.33O2", 1, 3.7), ("FeS2", 4, 1.6), ("MoS2", 4, 1.2),
              ("Na3V2(PO4)3", 2, 3.4), ("Li2FeSiO4", 2, 3.0), ("NaCrO2", 0.5, 3.0), ("Nb2O5", 2, 1.6), ("Sb", 3, 0.9)]
#: Semiconductors with band gaps near room temperature (eV).
GAPS = [("Si", 1.12), ("GaAs", 1.42), ("GaN", 3.4), ("ZnO", 3.37), ("CdTe", 1.5), ("InP", 1.34), ("GaP", 2.26),
        ("Ge", 0.66), ("CdS", 2.42), ("AlN", 6.2), ("TiO2 (anatase)", 3.2), ("InAs", 0.36), ("ZnSe", 2.7),
        ("CH3NH3PbI3", 1.55), ("Cu2O", 2.17), ("MoS2 (monolayer)", 1.8), ("SiC (4H)", 3.26), ("InN", 0.7),
        ("GaSb", 0.73), ("CdSe", 1.74), ("Fe2O3", 2.1), ("BiVO4", 2.4), ("SnO2", 3.6), ("CsPbBr3", 2.3)]


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


class ElectrodeCapacity(NumericTask):
    """Theoretical specific capacity (mAh/g) or specific energy (Wh/kg) of an electrode material."""

    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "quantity": "capacity"}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "mAh/g" if self.params["quantity"] == "capacity" else "Wh/kg"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        formula, n, v = pick(rng, ELECTRODES)
        return {"formula": formula, "n": n, "voltage": round(v * rng.uniform(0.95, 1.05), 2)}

    def question(self, identity: dict[str, Any]) -> str:
        base = (f"An electrode material {identity['formula']} exchanges {identity['n']:g} electron(s) (with as many "
                "alkali ions) per formula unit. Taking the mass of the formula unit as written, with standard atomic "
                "weights and F = 96485 C/mol,")
        if self.params["quantity"] == "capacity":
            return f"{base} what is its theoretical specific capacity?"
        return (f"{base} and an average voltage of {identity['voltage']} V, what is its theoretical specific energy "
                "(capacity times voltage, per mass of this material only)?")

    def value(self, identity: dict[str, Any]) -> float:
        capacity = identity["n"] * FARADAY / (3.6 * _mass(identity["formula"]))
        return capacity if self.params["quantity"] == "capacity" else capacity * identity["voltage"]


class LithiumContent(NumericTask):
    description = "Remaining lithium x in LixMO2-type cathodes after a given charge is extracted."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.005}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        formula = pick(rng, ["LiCoO2", "LiNiO2", "LiFePO4", "LiMn2O4", "LiMnPO4", "LiNi0.8Co0.1Mn0.1O2"])
        full = 96485.33212 / (3.6 * _mass(formula))
        return {"formula": formula, "charge": round(full * rng.uniform(0.05, 0.95), 1)}

    def question(self, identity: dict[str, Any]) -> str:
        f = identity["formula"]
        return (f"A {f} cathode is charged (delithiated) by {identity['charge']} mAh per gram of {f} (standard atomic "
                f"weights, F = 96485 C/mol, one electron per Li removed). What is x in the resulting Li_x "
                f"{f[2:]} composition?")

    def value(self, identity: dict[str, Any]) -> float:
        removed = identity["charge"] * 3.6 * _mass(identity["formula"]) / 96485.33212
        return 1.0 - removed


class BandGapOptics(NumericTask):
    """Absorption-edge wavelength from a band gap, or the band gap from an absorption edge."""

    default_params = {"rel_tol": 0.002, "abs_tol": 0.0, "inverse": False}

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "eV" if self.params["inverse"] else "nm"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        name, gap = pick(rng, GAPS)
        gap = round(gap * rng.uniform(0.97, 1.03), 3)
        out: dict[str, Any] = {"material": name, "gap": gap}
        if self.params["inverse"]:
            out["edge"] = round(HC_EV_NM / gap, 1)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        if self.params["inverse"]:
            return (f"The optical absorption edge of a {identity['material']} film is at {identity['edge']} nm. "
                    "Using E = hc/λ with hc = 1239.84 eV nm, what is its band gap?")
        return (f"A {identity['material']} sample has a band gap of {identity['gap']} eV. Using λ = hc/E with "
                "hc = 1239.84 eV nm, what is the wavelength of its absorption edge?")

    def value(self, identity: dict[str, Any]) -> float:
        if self.params["inverse"]:
            return HC_EV_NM / identity["edge"]
        return HC_EV_NM / identity["gap"]


def register(registry: Any) -> None:
    registry.register(ElectrodeCapacity, "materials/theoretical_capacity", {"quantity": "capacity"},
                      "Theoretical specific capacity of a battery electrode material.")
    registry.register(ElectrodeCapacity, "materials/specific_energy", {"quantity": "energy"},
                      "Theoretical specific energy of a battery electrode material.")
    registry.register(LithiumContent, "materials/lithium_content_after_charge")
    registry.register(BandGapOptics, "materials/absorption_edge_wavelength", {"inverse": False},
                      "Absorption-edge wavelength from a band gap.")
    registry.register(BandGapOptics, "materials/band_gap_from_absorption_edge",
                      {"inverse": True, "rel_tol": 0.0, "abs_tol": 0.005}, "Band gap from an absorption-edge wavelength.")
