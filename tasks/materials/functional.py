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


#: Transition metals mixed on the redox site of the generated cathodes.
_TMS = ["Ni", "Co", "Mn", "Fe", "Cr", "Al", "Ti", "V"]
#: Cathode frameworks: formula before and after the mixed metal site, and the metal-site total.
_FRAMEWORKS = [("Li", "O2", 100), ("Li", "PO4", 100), ("Li", "O4", 200)]


def _mass(formula: str) -> float:
    return float(comp(formula).weight)


def elements(formula: str) -> int:
    """Distinct elements of a formula: one atomic weight to look up and weigh each."""
    return len(comp(formula).elements)


def mixed_cathode(rng: random.Random, metals: int) -> str:
    """A lithium cathode with ``metals`` transition metals sharing the redox site in 0.01 steps
    (e.g. LiNi0.62Co0.25Mn0.13O2, LiFe0.7Mn0.3PO4, LiMn1.52Ni0.48O4)."""
    head, tail, total = pick(rng, _FRAMEWORKS)
    tms = rng.sample(_TMS, metals)
    cuts = sorted(rng.sample(range(1, total), metals - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return head + "".join(f"{m}{x / 100:g}" for m, x in zip(tms, parts, strict=True)) + tail


#: Electrode levels: the listed electrodes; cathodes with two, then three mixed metals; then the capacity
#: of a composite electrode (active material, carbon and binder) from the three-metal cathode.
ELECTRODE_LEVELS: tuple[dict[str, Any], ...] = (
    {"metals": 1, "composite": False}, {"metals": 2, "composite": False}, {"metals": 3, "composite": False},
    {"metals": 3, "composite": True})


class ElectrodeCapacity(NumericTask):
    """Theoretical specific capacity (mAh/g) or specific energy (Wh/kg) of an electrode material."""

    version = 3
    default_params = {"rel_tol": 0.005, "abs_tol": 0.0, "quantity": "capacity", "metals": 1, "composite": False}
    levels = ELECTRODE_LEVELS
    default_level = 1

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "mAh/g" if self.params["quantity"] == "capacity" else "Wh/kg"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atomic weights to weigh the formula, plus two steps for the composite's mass share."""
        return float(elements(identity["formula"]) + (2 if "active" in identity else 0))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["metals"] == 1:
            formula, n, v = pick(rng, ELECTRODES)
        else:
            formula, n, v = mixed_cathode(rng, self.params["metals"]), 1, rng.uniform(3.2, 4.4)
        # The share of the electrons actually exchanged varies, so each formula poses many problems.
        out: dict[str, Any] = {"formula": formula, "n": round(n * rng.uniform(0.5, 1.0), 3),
                               "voltage": round(v * rng.uniform(0.95, 1.05), 2)}
        if self.params["composite"]:
            out["active"] = round(rng.uniform(70.0, 96.0), 1)
        return out

    def question(self, identity: dict[str, Any]) -> str:
        base = (f"An electrode material {identity['formula']} reversibly exchanges {identity['n']:g} electron(s) "
                "(with as many alkali ions) per formula unit. Taking the mass of the formula unit as written, with "
                "standard atomic weights and F = 96485 C/mol,")
        per = "per mass of this material only"
        if "active" in identity:
            per = (f"per mass of the whole composite electrode, which is {identity['active']:g} wt% of this material "
                   "with conductive carbon and binder that store no charge")
        if self.params["quantity"] == "capacity":
            return f"{base} what is its specific capacity ({per})?"
        return (f"{base} and an average voltage of {identity['voltage']} V, what is its specific energy "
                f"(capacity times voltage, {per})?")

    def value(self, identity: dict[str, Any]) -> float:
        capacity = identity["n"] * FARADAY / (3.6 * _mass(identity["formula"])) * identity.get("active", 100.0) / 100
        return capacity if self.params["quantity"] == "capacity" else capacity * identity["voltage"]


class LithiumContent(NumericTask):
    description = "Remaining lithium x in LixMO2-type cathodes after a given charge is extracted."
    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.005, "metals": 1, "current": False}
    levels = ({"metals": 1, "current": False}, {"metals": 2, "current": False}, {"metals": 3, "current": False},
              {"metals": 3, "current": True})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atomic weights to weigh the formula, plus two steps to turn a current and a time into a charge."""
        return float(elements(identity["formula"]) + (2 if "current" in identity else 0))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["metals"] == 1:
            formula = pick(rng, ["LiCoO2", "LiNiO2", "LiFePO4", "LiMn2O4", "LiMnPO4", "LiNi0.8Co0.1Mn0.1O2"])
        else:
            formula = mixed_cathode(rng, self.params["metals"])
        full = 96485.33212 / (3.6 * _mass(formula))
        if not self.params["current"]:
            return {"formula": formula, "charge": round(full * rng.uniform(0.05, 0.95), 2)}
        current = round(rng.uniform(5.0, 80.0), 1)  # mA per gram
        minutes = round(full * rng.uniform(0.05, 0.95) / current * 60.0)
        return {"formula": formula, "current": current, "minutes": minutes, "charge": current * minutes / 60.0}

    def question(self, identity: dict[str, Any]) -> str:
        f = identity["formula"]
        how = f"by {identity['charge']} mAh per gram of {f}"
        if "current" in identity:
            how = (f"at a constant current of {identity['current']:g} mA per gram of {f} for "
                   f"{identity['minutes']} minutes")
        return (f"A {f} cathode is charged (delithiated) {how} (standard atomic "
                f"weights, F = 96485 C/mol, one electron per Li removed). What is x in the resulting Li_x "
                f"{f[2:]} composition?")

    def value(self, identity: dict[str, Any]) -> float:
        removed = identity["charge"] * 3.6 * _mass(identity["formula"]) / 96485.33212
        return 1.0 - removed


#: Alloys A_x B_1-x: formula parts, end-member gaps (eV) and bowing parameter (eV).
ALLOYS = [(("In", "Ga", "N"), 0.7, 3.4, 1.4), (("Al", "Ga", "N"), 6.2, 3.4, 0.7), (("In", "Ga", "As"), 0.36, 1.42, 0.48),
          (("Ga", "As", "P"), 1.42, 2.26, 0.19), (("Zn", "Cd", "Te"), 2.26, 1.5, 0.26), (("Zn", "S", "Se"), 3.68, 2.7, 0.6),
          (("Al", "In", "As"), 3.0, 0.36, 0.7), (("Zn", "Cd", "Se"), 2.7, 1.74, 0.39), (("Mg", "Zn", "O"), 7.8, 3.37, 3.6)]
#: Optics levels: a gap or edge as given, in another unit, then for an alloy (bowing for the edge, the
#: composition for the inverse question).
_OPTICS_LEVELS: tuple[dict[str, Any], ...] = ({"given": "plain"}, {"given": "unit"}, {"given": "alloy"})
#: Energy units per eV and length units per nm.
_E_UNITS = {"meV": 1000.0, "kJ/mol": 96.485332, "zJ (10^-21 J)": 160.2176634}
_L_UNITS = {"Å": 10.0, "µm": 1e-3, "cm^-1 (wavenumber)": None}


def _alloy_name(parts: tuple[str, ...], x: float) -> str:
    a, b, c = parts
    if a in ("Ga", "Zn") and b in ("As", "S"):  # mixed anions: Ga As_x P_1-x
        return f"{a}{b}{x:g}{c}{round(1 - x, 3):g}"
    return f"{a}{x:g}{b}{round(1 - x, 3):g}{c}"


class BandGapOptics(NumericTask):
    """Absorption-edge wavelength from a band gap, or the band gap from an absorption edge."""

    version = 3
    default_params = {"rel_tol": 0.002, "abs_tol": 0.0, "inverse": False, "given": "plain"}
    levels = _OPTICS_LEVELS
    default_level = 1

    @property
    def unit(self) -> str:  # type: ignore[override]
        if self.params["given"] == "alloy" and self.params["inverse"]:
            return "(composition x)"
        return "eV" if self.params["inverse"] else "nm"

    def complexity(self, identity: dict[str, Any]) -> float:
        """E = hc/λ, plus a unit conversion, plus two steps for an alloy's gap (or composition)."""
        return 1.0 + ("unit" in identity) + 2.0 * ("alloy" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["given"] == "alloy":
            return self._alloy(rng)
        name, gap = pick(rng, GAPS)
        gap = round(gap * rng.uniform(0.95, 1.05), 4)  # four decimals: 24 materials pose enough problems
        out: dict[str, Any] = {"material": name, "gap": gap}
        if self.params["inverse"]:
            out["edge"] = round(HC_EV_NM / gap, 2)
        if self.params["given"] == "unit":
            out["unit"] = pick(rng, list(_L_UNITS if self.params["inverse"] else _E_UNITS))
            if self.params["inverse"]:  # the edge as shown in that unit is the given one
                f = _L_UNITS[out["unit"]]
                shown = float(f"{(1e7 / out['edge']) if f is None else out['edge'] * f:.5g}")
                out["edge"] = 1e7 / shown if f is None else shown / f
                out["shown"] = shown
            else:
                out["shown"] = float(f"{gap * _E_UNITS[out['unit']]:.5g}")
                out["gap"] = out["shown"] / _E_UNITS[out["unit"]]
        return out

    def _alloy(self, rng: random.Random) -> dict[str, Any]:
        parts, ea, eb, bow = pick(rng, ALLOYS)
        x = rng.randrange(50, 951) / 1000
        # reported end-member gaps vary from source to source: draw them near the tabulated ones
        ea, eb = round(ea * rng.uniform(0.98, 1.02), 3), round(eb * rng.uniform(0.98, 1.02), 3)
        gap = x * ea + (1 - x) * eb
        out: dict[str, Any] = {"alloy": list(parts), "ea": ea, "eb": eb, "x": x}
        if self.params["inverse"]:
            out["edge"] = round(HC_EV_NM / gap, 1)
        else:
            out["bowing"] = round(bow * rng.uniform(0.9, 1.1), 2)
        return out

    def _alloy_question(self, identity: dict[str, Any]) -> str:
        a, b, c = identity["alloy"]
        if a in ("Ga", "Zn") and b in ("As", "S"):
            ends, name = (f"{a}{b}", f"{a}{c}"), f"{a}{b}_x{c}_(1-x)"
        else:
            ends, name = (f"{a}{c}", f"{b}{c}"), f"{a}_x{b}_(1-x){c}"
        gaps = f"{ends[0]} {identity['ea']} eV and {ends[1]} {identity['eb']} eV"
        if self.params["inverse"]:
            return (f"The end members of the alloy {name} have band gaps {gaps}. Assuming the gap varies linearly "
                    f"with x (no bowing), and that the absorption edge of a film is at {identity['edge']} nm (E = hc/λ, "
                    "hc = 1239.84 eV nm), what is the composition x?")
        return (f"The alloy {_alloy_name(tuple(identity['alloy']), identity['x'])} has x = {identity['x']:g} in "
                f"{name}; its end members have band gaps {gaps}, and the gap bows as E(x) = x E_A + (1 - x) E_B - "
                f"b x (1 - x) with b = {identity['bowing']} eV. Using λ = hc/E with hc = 1239.84 eV nm, what is the "
                "wavelength of its absorption edge?")

    def question(self, identity: dict[str, Any]) -> str:
        if "alloy" in identity:
            return self._alloy_question(identity)
        if "unit" in identity:
            if self.params["inverse"]:
                u = identity["unit"]
                where = f"{identity['shown']:g} {u}"
                return (f"The optical absorption edge of a {identity['material']} film is at {where}. Using E = hc/λ "
                        "with hc = 1239.84 eV nm, what is its band gap?")
            return (f"A {identity['material']} sample has a band gap of {identity['shown']:g} {identity['unit']} "
                    "(1 eV = 96.4853 kJ/mol = 0.160218 aJ). Using λ = hc/E with hc = 1239.84 eV nm, what is the "
                    "wavelength of its absorption edge?")
        if self.params["inverse"]:
            return (f"The optical absorption edge of a {identity['material']} film is at {identity['edge']} nm. "
                    "Using E = hc/λ with hc = 1239.84 eV nm, what is its band gap?")
        return (f"A {identity['material']} sample has a band gap of {identity['gap']} eV. Using λ = hc/E with "
                "hc = 1239.84 eV nm, what is the wavelength of its absorption edge?")

    def value(self, identity: dict[str, Any]) -> float:
        if "alloy" in identity:
            ea, eb = identity["ea"], identity["eb"]
            if self.params["inverse"]:
                return (HC_EV_NM / identity["edge"] - eb) / (ea - eb)
            x = identity["x"]
            return HC_EV_NM / (x * ea + (1 - x) * eb - identity["bowing"] * x * (1 - x))
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
