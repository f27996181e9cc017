"""Thermodynamic stability from formation energies: convex hulls with pymatgen's PhaseDiagram."""

from __future__ import annotations

import functools
import json
import random
from typing import Any

from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition

from bootcamp.answers import IntegerTask, YesNoTask, formula_text
from tasks.materials._common import FormulaSetTask, NumericTask, pick

_BINARY_SYSTEMS = [("Li", "Si"), ("Al", "Ni"), ("Ti", "O"), ("Fe", "O"), ("Li", "O"), ("Mg", "Si"), ("Cu", "Zr"),
                   ("Ni", "Ti"), ("Co", "Sb"), ("Ga", "N"), ("V", "O"), ("Mn", "O"), ("Na", "S"), ("Zr", "H"),
                   ("Pt", "Ti"), ("Fe", "Al"), ("Nb", "Sn"), ("Cu", "Sn"), ("Mo", "S"), ("Ce", "O")]
_TERNARY_SYSTEMS = [("Li", "Co", "O"), ("Sr", "Ti", "O"), ("Li", "Fe", "P"), ("Ba", "Ti", "O"), ("Na", "Mn", "O"),
                    ("Ti", "Al", "C"), ("Li", "Ti", "S"), ("Mg", "Al", "O"), ("Zn", "Ga", "O"), ("Ca", "Si", "O")]
_BINARY_STOICH = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 3), (3, 2), (3, 4), (4, 3), (1, 4), (2, 5), (5, 2)]
_TERNARY_STOICH = [(1, 1, 1), (2, 1, 1), (1, 2, 4), (1, 1, 3), (2, 1, 4), (1, 1, 2), (3, 1, 2), (1, 2, 1)]


def _formula(elements: list[str], amounts: tuple[int, ...]) -> str:
    return formula_text({el: n for el, n in zip(elements, amounts, strict=False) if n})


#: Hull levels: (fewest, most) phases listed and the share of ternary systems; level 3 is the original.
HULL_LEVELS: tuple[dict[str, Any], ...] = (
    {"phases": (2, 3), "ternary": 0.0}, {"phases": (3, 4), "ternary": 0.2}, {"phases": (3, 6), "ternary": 0.4},
    {"phases": (5, 8), "ternary": 0.7}, {"phases": (7, 10), "ternary": 1.0})


def hull_complexity(identity: dict[str, Any]) -> float:
    """Phases to place on the hull plus the dimension of the composition space."""
    return float(len(identity["phases"]) + len(identity["elements"]))


def random_system(rng: random.Random, target_stable: bool | None = None, phases: tuple[int, int] = (3, 6),
                  ternary_share: float = 0.4) -> dict[str, Any]:
    """Elements and ``phases`` (fewest, most) compounds with formation energies (eV/atom); ``target`` indexes one."""
    lo, hi = phases
    while True:
        ternary = rng.random() < ternary_share
        elements = list(pick(rng, _TERNARY_SYSTEMS if ternary else _BINARY_SYSTEMS))
        pool = [_formula(elements[:2], s) for s in _BINARY_STOICH]
        if ternary:
            pool += [_formula(elements[1:], s) for s in _BINARY_STOICH[:6]]
            pool += [_formula(elements, s) for s in _TERNARY_STOICH]
        rng.shuffle(pool)
        formulas = sorted(set(pool[: rng.randint(lo, hi)]), key=pool.index)
        phases = [{"formula": f, "ef": round(-rng.uniform(0.05, 1.2), 3)} for f in formulas]
        system = {"elements": elements, "phases": phases, "target": rng.randrange(len(phases))}
        info = hull_info(system)
        margin = info["e_hull"] if info["e_hull"] > 0 else -info["decomp_energy"]
        if margin < 0.01:  # too close to the hull to call stable or unstable robustly
            continue
        if target_stable is not None and (info["e_hull"] == 0) != target_stable:
            continue
        return system


def _key(system: dict[str, Any]) -> str:
    return json.dumps(system, sort_keys=True)


@functools.lru_cache(maxsize=2048)
def _diagram(k: str) -> tuple[PhaseDiagram, list[PDEntry]]:
    system = json.loads(k)
    entries = [PDEntry(Composition(el), 0.0, name=el) for el in system["elements"]]
    for p in system["phases"]:
        c = Composition(p["formula"])
        entries.append(PDEntry(c, p["ef"] * c.num_atoms, name=p["formula"]))
    return PhaseDiagram(entries), entries


@functools.lru_cache(maxsize=2048)
def _info(k: str) -> dict[str, Any]:
    system = json.loads(k)
    pd, entries = _diagram(k)
    n_el = len(system["elements"])
    target = entries[n_el + system["target"]]
    e_hull = float(pd.get_e_above_hull(target))
    e_hull = 0.0 if abs(e_hull) < 1e-9 else e_hull
    decomp = pd.get_decomposition(target.composition)
    stable = [e.name for e in entries[n_el:] if e in pd.stable_entries]
    out: dict[str, Any] = {"e_hull": e_hull, "stable": stable,
                           "products": [e.name for e in decomp if decomp[e] > 1e-9],
                           "decomp_energy": float(pd.get_decomp_and_phase_separation_energy(target)[1])}
    return out


def hull_info(system: dict[str, Any]) -> dict[str, Any]:
    """Energy above hull, stable compounds, decomposition products, phase-separation energy (cached)."""
    return _info(_key({k: system[k] for k in ("elements", "phases", "target")}))


def system_text(system: dict[str, Any]) -> str:
    els = system["elements"]
    rows = "; ".join(f"{p['formula']}: {p['ef']:.3f}" for p in system["phases"])
    return (f"In the {'-'.join(els)} system, the computed formation energies (eV/atom, relative to the pure "
            f"elements {', '.join(els)}, which have 0) of all known phases are: {rows}. No other phases exist.")


class _HullLevels:
    """Hull levels for the tasks on one chemical system: more phases and more ternary systems."""

    params: dict[str, Any]
    levels = HULL_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Phases listed plus elements."""
        return hull_complexity(identity)

    def _system(self, rng: random.Random, stable: bool | None) -> dict[str, Any]:
        return random_system(rng, stable, tuple(self.params["phases"]), self.params["ternary"])


class HullEnergy(_HullLevels, NumericTask):
    """Energy above the hull of a phase, its phase-separation energy, or the hull energy at a composition."""

    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.002, "quantity": "e_hull", "phases": (3, 6), "ternary": 0.4}
    unit = "eV/atom"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        q = self.params["quantity"]
        stable = {"e_hull": None, "decomp_energy": True, "hull_at": None}[q]
        system = self._system(rng, stable)
        if q == "e_hull" and hull_info(system)["e_hull"] == 0 and rng.random() < 0.6:
            system = self._system(rng, False)
        if q == "hull_at":
            fractions = [rng.uniform(0.05, 1.0) for _ in system["elements"]]
            total = sum(fractions)
            system["at"] = {el: round(f / total, 3) for el, f in zip(system["elements"], fractions, strict=False)}
        return system

    def question(self, identity: dict[str, Any]) -> str:
        target = identity["phases"][identity["target"]]["formula"]
        q = self.params["quantity"]
        if q == "e_hull":
            ask = f"What is the energy above the convex hull of {target}?"
        elif q == "decomp_energy":
            ask = (f"{target} is on the hull. What is its decomposition energy: its formation energy minus the "
                   "energy of the hull built from all the other phases, at its composition (a negative number)?")
        else:
            at = ", ".join(f"{el} {x:g}" for el, x in identity["at"].items())
            ask = f"What is the formation energy of the convex hull (the ground state) at the composition with atomic fractions {at}?"
        return f"{system_text(identity)} {ask}"

    def value(self, identity: dict[str, Any]) -> float:
        q = self.params["quantity"]
        if q == "hull_at":
            pd, _ = _diagram(_key({k: identity[k] for k in ("elements", "phases", "target")}))
            return float(pd.get_hull_energy_per_atom(Composition(identity["at"])))
        return float(hull_info(identity)[q])


class IsStable(_HullLevels, YesNoTask):
    version = 3
    default_params = {"phases": (3, 6), "ternary": 0.4}
    description = "Is a phase thermodynamically stable (on the convex hull)?"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return self._system(rng, rng.random() < 0.5)

    def question(self, identity: dict[str, Any]) -> str:
        target = identity["phases"][identity["target"]]["formula"]
        return f"{system_text(identity)} Is {target} thermodynamically stable at 0 K (on the convex hull)?"

    def value(self, identity: dict[str, Any]) -> bool:
        return hull_info(identity)["e_hull"] == 0


class HullPhases(_HullLevels, FormulaSetTask):
    """The stable compounds of a system, or the decomposition products of an unstable phase."""

    version = 3
    default_params = {"quantity": "stable", "phases": (3, 6), "ternary": 0.4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng, False if self.params["quantity"] == "products" else None)
            if self.params["quantity"] == "products" or hull_info(system)["stable"]:
                return system

    def question(self, identity: dict[str, Any]) -> str:
        if self.params["quantity"] == "stable":
            return (f"{system_text(identity)} Which compounds are thermodynamically stable at 0 K (on the convex "
                    "hull)? Do not list the pure elements.")
        target = identity["phases"][identity["target"]]["formula"]
        return (f"{system_text(identity)} {target} is unstable. Into which phases (compounds or pure elements) "
                "does it decompose at 0 K?")

    def value(self, identity: dict[str, Any]) -> list[str]:
        return list(hull_info(identity)[self.params["quantity"]])


class StableCount(_HullLevels, IntegerTask):
    version = 3
    default_params = {"phases": (3, 6), "ternary": 0.4}
    # No levels yet: with few phases the count is 2 most of the time (a constant guess earns 0.58 at level 1).
    levels = ()
    default_level = None
    description = "Number of stable compounds in a chemical system."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return self._system(rng, None)

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{system_text(identity)} How many of these compounds (not counting the pure elements) are "
                "thermodynamically stable at 0 K?")

    def value(self, identity: dict[str, Any]) -> int:
        return len(hull_info(identity)["stable"])


RY_EV = 13.605693123  # eV per rydberg


class FormationEnergy(NumericTask):
    description = "Formation energy per atom from total energies of a compound and its elements."
    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.002, "systems": "all", "units": False}
    #: Levels: binary systems; binaries and ternaries (the original); ternaries; ternaries with the total
    #: energy in rydberg per conventional cell of several formula units.
    levels = ({"systems": "binary", "units": False}, {"systems": "all", "units": False},
              {"systems": "ternary", "units": False}, {"systems": "ternary", "units": True})
    default_level = 2
    unit = "eV/atom"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Two terms per element (its amount and reference), plus two steps for rydberg per cell."""
        return 2.0 * len(identity["refs"]) + 2.0 * ("cell_ry" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pool = {"all": _BINARY_SYSTEMS + _TERNARY_SYSTEMS, "binary": _BINARY_SYSTEMS,
                "ternary": _TERNARY_SYSTEMS}[self.params["systems"]]
        els = list(pick(rng, pool))
        amounts = [rng.randint(1, 4) for _ in els]
        refs = {el: round(-rng.uniform(1.5, 9.5), 4) for el in els}
        n = sum(amounts)
        ef = -rng.uniform(0.05, 1.5)
        total = round(sum(a * refs[el] for a, el in zip(amounts, els, strict=False)) + ef * n, 4)
        out: dict[str, Any] = {"formula": _formula(els, tuple(amounts)), "refs": refs, "total": total}
        if self.params["units"]:
            z = rng.randint(2, 8)
            out["z"], out["cell_ry"] = z, round(total * z / RY_EV, 5)
            out["total"] = out["cell_ry"] * RY_EV / z  # the per-formula-unit energy the shown cell energy implies
        return out

    def question(self, identity: dict[str, Any]) -> str:
        refs = ", ".join(f"{el}: {e:.4f} eV/atom" for el, e in identity["refs"].items())
        if "cell_ry" in identity:
            given = (f"a total energy of {identity['cell_ry']:.5f} Ry for a cell of {identity['z']} formula units of "
                     f"{identity['formula']} (1 Ry = 13.605693 eV)")
        else:
            given = f"a total energy of {identity['total']:.4f} eV per formula unit of {identity['formula']}"
        return (f"A DFT calculation gives {given}. The elemental reference energies are {refs}. What is the "
                "formation energy per atom of the compound?")

    def value(self, identity: dict[str, Any]) -> float:
        c = Composition(identity["formula"])
        ref = sum(c[el] * e for el, e in identity["refs"].items())
        return (identity["total"] - ref) / c.num_atoms


def register(registry: Any) -> None:
    registry.register(HullEnergy, "materials/energy_above_hull", {"quantity": "e_hull"},
                      "Energy above the convex hull of a phase from given formation energies.")
    registry.register(HullEnergy, "materials/decomposition_energy", {"quantity": "decomp_energy"},
                      "Decomposition (phase-separation) energy of a stable phase.")
    registry.register(HullEnergy, "materials/hull_energy", {"quantity": "hull_at"},
                      "Formation energy of the convex hull at a given composition.")
    registry.register(IsStable, "materials/is_stable")
    registry.register(HullPhases, "materials/stable_phases", {"quantity": "stable"},
                      "The set of stable compounds in a chemical system.")
    registry.register(HullPhases, "materials/decomposition_products", {"quantity": "products"},
                      "Decomposition products of an unstable phase.")
    registry.register(StableCount, "materials/stable_phase_count")
    registry.register(FormationEnergy, "materials/formation_energy_per_atom")
