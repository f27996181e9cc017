"""Convex hulls of generated 2-5 element systems: decompositions, phase sets, reaction energies, open systems.

Every system is generated per seed (:mod:`tasks.materials._hull`): elements, compounds
with small integer stoichiometries and formation energies in eV/atom. pymatgen's
``PhaseDiagram`` gives the reference answers. Levels add elements and listed phases.
"""

from __future__ import annotations

import math
import random
from typing import Any

from pymatgen.core import Composition

from bootcamp.answers import (
    Answer,
    Formula,
    FormulaTask,
    Number,
    Sequence,
    SequenceTask,
    YesNoTask,
    formula_text,
)
from tasks.materials import _hull as H
from tasks.materials._common import FormulaSetTask, NumericTask

#: Levels of multicomponent systems: (elements, fewest and most compounds listed).
SYSTEM_LEVELS: tuple[dict[str, Any], ...] = (
    {"n_el": 2, "phases": (2, 3)}, {"n_el": 3, "phases": (3, 5)}, {"n_el": 3, "phases": (5, 8)},
    {"n_el": 4, "phases": (6, 10)}, {"n_el": 5, "phases": (8, 12)})
#: Levels of binary open systems: compounds listed.
BINARY_LEVELS: tuple[dict[str, Any], ...] = (
    {"phases": (2, 3)}, {"phases": (3, 4)}, {"phases": (4, 6)}, {"phases": (6, 8)}, {"phases": (8, 10)})


class _SystemLevels:
    """Levels by elements and listed compounds; complexity is their sum."""

    params: dict[str, Any]
    levels = SYSTEM_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus listed compounds: the dimension and size of the hull to build."""
        return float(len(identity["elements"]) + len(identity["phases"]))

    def _system(self, rng: random.Random) -> dict[str, Any]:
        return H.random_system(rng, self.params["n_el"], tuple(self.params["phases"]))


class DecompositionMap(_SystemLevels, SequenceTask):
    """The products of an unstable phase with their atomic fractions, or with reaction coefficients."""

    version = 1
    default_params = {"n_el": 3, "phases": (5, 8), "quantity": "fractions"}

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        if self.params["quantity"] == "fractions":
            return H.FormulaMap(0.0, 0.01, "atomic fraction")
        return H.FormulaMap(0.01, 0.005, "coefficient")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            unstable = [p["formula"] for p in system["phases"] if H.analysis(system)["e_hull"][p["formula"]] > 0]
            if unstable:
                return {**system, "target": unstable[rng.randrange(len(unstable))]}

    def question(self, identity: dict[str, Any]) -> str:
        t = identity["target"]
        if self.params["quantity"] == "fractions":
            ask = (f"{t} is unstable. Into which phases (compounds or pure elements) does it decompose at 0 K, and "
                   f"what fraction of its atoms ends up in each (atomic fractions, summing to 1)?")
        else:
            ask = (f"{t} is unstable. Write its decomposition at 0 K as a balanced reaction per formula unit of {t}: "
                   f"1 {t} -> sum of c_i P_i. Give each product P_i (a compound or pure element, written per formula "
                   "unit exactly as listed, an element as one atom) with its coefficient c_i.")
        return f"{H.system_text(identity)} {ask}"

    def value(self, identity: dict[str, Any]) -> dict[str, float]:
        fractions = H.decomposition(identity, H.phase_amounts(identity["target"]))
        if self.params["quantity"] == "fractions":
            return fractions
        n = Composition(identity["target"]).num_atoms
        return {name: x * n / Composition(name).num_atoms for name, x in fractions.items()}


class StableSet(_SystemLevels, FormulaSetTask):
    version = 1
    default_params = {"n_el": 3, "phases": (5, 8)}
    description = "The set of stable compounds of a generated 2-5 element system."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            stable = H.analysis(system)["stable"]
            if 0 < len(stable) < len(system["phases"]):
                return system

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{H.system_text(identity)} Which of the listed compounds are thermodynamically stable at 0 K (on "
                "the convex hull)? Do not list the pure elements.")

    def value(self, identity: dict[str, Any]) -> list[str]:
        return list(H.analysis(identity)["stable"])


def _overall(rng: random.Random, elements: list[str]) -> dict[str, float]:
    """An overall composition, atomic fractions with 3 decimals summing to 1."""
    weights = [rng.uniform(0.1, 1.0) for _ in elements]
    total = sum(weights)
    fr = [round(w / total, 3) for w in weights]
    fr[-1] = round(1.0 - sum(fr[:-1]), 3)
    return dict(zip(elements, fr, strict=True))


class Assemblage(_SystemLevels, FormulaSetTask):
    version = 1
    default_params = {"n_el": 3, "phases": (5, 8)}
    description = "The phases in equilibrium at an overall composition of a generated system."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            at = _overall(rng, system["elements"])
            dec = H.decomposition(system, at)
            # every phase of the assemblage clearly present, so the answer does not hinge on a boundary
            if min(dec.values()) >= 0.03:
                return {**system, "at": at}

    def question(self, identity: dict[str, Any]) -> str:
        at = ", ".join(f"{el} {x:.3f}" for el, x in identity["at"].items())
        return (f"{H.system_text(identity)} A sample with the overall composition (atomic fractions) {at} is "
                "equilibrated at 0 K. Which phases (compounds or pure elements) does it consist of?")

    def value(self, identity: dict[str, Any]) -> list[str]:
        return list(H.decomposition(identity, identity["at"]))


_RATIOS = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 3), (3, 2)]


class ReactionEnergy(_SystemLevels, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "n_el": 3, "phases": (5, 8)}
    unit = "eV/atom"
    description = "Reaction energy between two given phases of a generated system, per atom of the mixture."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            names = list(system["elements"]) + list(H.analysis(system)["stable"])
            a, b = rng.sample(names, 2)
            na, nb = _RATIOS[rng.randrange(len(_RATIOS))]
            out = {**system, "reactants": [[a, na], [b, nb]]}
            if self.value(out) <= -H.MARGIN:
                return out

    def question(self, identity: dict[str, Any]) -> str:
        (a, na), (b, nb) = identity["reactants"]
        mix = f"{na} {a} + {nb} {b}"
        return (f"{H.system_text(identity)} The mixture {mix} (formula units as written; an element as one atom) "
                "reacts completely to its equilibrium products at 0 K. What is the reaction energy per atom of the "
                "mixture (products minus reactants, a negative number)?")

    def value(self, identity: dict[str, Any]) -> float:
        energy = {p["formula"]: p["ef"] for p in identity["phases"]}
        amounts: dict[str, float] = {}
        atoms = total = 0.0
        for name, n in identity["reactants"]:
            c = Composition(name)
            atoms += n * c.num_atoms
            total += n * c.num_atoms * energy.get(name, 0.0)
            for el in c.elements:
                amounts[el.symbol] = amounts.get(el.symbol, 0.0) + n * c[el]
        return H.hull_energy(identity, amounts) - total / atoms


class StabilizingEnergy(_SystemLevels, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "n_el": 3, "phases": (5, 8)}
    unit = "eV/atom"
    description = "The formation energy a new compound of a generated system needs to become stable."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            els = system["elements"]
            chosen = sorted(rng.sample(range(len(els)), rng.randint(2, min(len(els), 4))))
            amounts = {els[i]: rng.randint(1, 6) for i in chosen}
            known = {Composition(p["formula"]).reduced_formula for p in system["phases"]}
            if Composition(amounts).reduced_formula in known or Composition(amounts).num_atoms > 14:
                continue
            # a composition whose hull is only the pure elements would make 0 a constant answer
            if H.hull_energy(system, amounts) <= -H.MARGIN:
                return {**system, "new": formula_text(amounts)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{H.system_text(identity)} A new compound {identity['new']} is proposed. What is the highest "
                f"formation energy (eV/atom) {identity['new']} can have and still lie on the convex hull at 0 K (the "
                "energy of the hull at its composition)?")

    def value(self, identity: dict[str, Any]) -> float:
        return H.hull_energy(identity, H.phase_amounts(identity["new"]))


class InterfaceReaction(_SystemLevels, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "n_el": 3, "phases": (5, 8)}
    unit = "eV/atom"
    description = "The most negative reaction energy of two phases in contact over all mixing ratios."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = self._system(rng)
            names = list(system["elements"]) + list(H.analysis(system)["stable"])
            pairs = [[a, b] for i, a in enumerate(names) for b in names[i + 1:]]
            rng.shuffle(pairs)
            for a, b in pairs[:6]:  # neighbours on the hull do not react: try a few pairs per system
                if H.interface_minimum(system, a, b) <= -H.MARGIN:
                    return {**system, "pair": [a, b] if rng.random() < 0.5 else [b, a]}

    def question(self, identity: dict[str, Any]) -> str:
        a, b = identity["pair"]
        return (f"{H.system_text(identity)} {a} and {b} are brought into contact (an interface). Mixing them in "
                "every possible ratio and letting each mixture reach its equilibrium products at 0 K, what is the "
                "most negative reaction energy per atom of the mixture (products minus reactants)?")

    def value(self, identity: dict[str, Any]) -> float:
        return H.interface_minimum(identity, *identity["pair"])


# -- open systems: a binary in contact with a reservoir of its anion ---------------------------------


class _Binary:
    """Binary metal-anion systems with a reservoir fixing the anion's chemical potential."""

    params: dict[str, Any]
    levels = BINARY_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Compounds listed: the hull segments whose slopes bound the windows."""
        return float(len(identity["phases"]))

    def _system(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = H.random_system(rng, 2, tuple(self.params["phases"]))
            if H.analysis(system)["stable"] and min(w[1] - w[0] for w in H.windows(system).values()) >= 0.05:
                return system


class MuWindow(_Binary, SequenceTask):
    version = 1
    default_params = {"phases": (4, 6)}
    description = "The range of the anion chemical potential over which a binary compound is stable."

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Sequence(Number(0.0, 0.004), noun="two bounds (lower first)")

    def instruction(self, identity: dict[str, Any]) -> str:
        return ("Give the lower and the upper bound of Δμ, in eV/atom, separated by a comma, e.g. \\boxed{-1.234, "
                "-0.567} (within 0.004 (absolute) each).")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        system = self._system(rng)
        stable = list(H.analysis(system)["stable"])
        return {**system, "target": stable[rng.randrange(len(stable))]}

    def question(self, identity: dict[str, Any]) -> str:
        x = identity["elements"][1]
        return (f"{H.system_text(identity)} {H.mu_text(identity)} Over which range of Δμ_{x} is "
                f"{identity['target']} the stable phase?")

    def value(self, identity: dict[str, Any]) -> list[float]:
        return list(H.windows(identity)[identity["target"]])


class MuStable(_Binary, YesNoTask):
    version = 1
    default_params = {"phases": (4, 6)}
    description = "Is a binary compound stable over a whole range of the anion chemical potential?"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        want = rng.random() < 0.5  # the label first: yes and no balanced by construction
        system = self._system(rng)
        win = H.windows(system)
        phases = [p["formula"] for p in system["phases"]]
        pool = [p for p in phases if p in win] if want else phases
        target = pool[rng.randrange(len(pool))]
        if target not in win:  # a phase above the hull is stable nowhere
            b = round(-rng.uniform(0.05, 2.0), 3)
            a = round(b - rng.uniform(0.05, 0.8), 3)
        elif want:
            lo, hi = win[target]
            a = round(rng.uniform(lo + 0.01, hi - 0.035), 3)
            b = round(rng.uniform(a + 0.02, hi - 0.01), 3)
        else:  # the range crosses one edge of the window by at least 0.02 eV
            lo, hi = win[target]
            if hi < -0.03 and rng.random() < 0.5:
                b = round(min(hi + rng.uniform(0.02, 0.4), 0.0), 3)
                a = round(rng.uniform(max(lo, hi - 0.5), b - 0.02), 3)
            else:
                a = round(lo - rng.uniform(0.02, 0.4), 3)
                b = round(rng.uniform(a + 0.02, min(hi, lo + 0.5)), 3)
        return {**system, "target": target, "range": [a, b]}

    def question(self, identity: dict[str, Any]) -> str:
        x = identity["elements"][1]
        a, b = identity["range"]
        return (f"{H.system_text(identity)} {H.mu_text(identity)} Is {identity['target']} the stable phase for every "
                f"value of Δμ_{x} from {a:.3f} to {b:.3f} eV/atom?")

    def value(self, identity: dict[str, Any]) -> bool:
        win = H.windows(identity).get(identity["target"])
        a, b = identity["range"]
        return win is not None and win[0] <= a and b <= win[1]


class PhaseAtMu(_Binary, FormulaTask):
    version = 1
    reduced = True
    default_params = {"phases": (4, 6)}
    description = "Which phase of a binary system is stable at a given anion chemical potential?"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        system = self._system(rng)
        win = H.windows(system)
        names = list(win)
        name = names[rng.randrange(len(names))]
        lo, hi = win[name]
        lo = max(lo, hi - 1.5)
        return {**system, "mu": round(rng.uniform(lo + 0.01, hi - 0.01), 3)}

    def question(self, identity: dict[str, Any]) -> str:
        x = identity["elements"][1]
        return (f"{H.system_text(identity)} {H.mu_text(identity)} Which phase (a compound or the pure metal) is "
                f"stable at Δμ_{x} = {identity['mu']:.3f} eV/atom?")

    def value(self, identity: dict[str, Any]) -> str:
        return next(n for n, (lo, hi) in H.windows(identity).items() if lo <= identity["mu"] <= hi)

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Formula(reduced=True)


#: Δμ_O(T, p° = 1 bar) relative to ½ E(O2) (eV), from JANAF data as tabulated by Reuter and Scheffler (2001).
MU_O_STANDARD = {300: -0.27, 400: -0.38, 500: -0.50, 600: -0.61, 700: -0.73, 800: -0.85, 900: -0.98, 1000: -1.10}
K_B = 8.617333262e-5  # eV/K


class ReductionPressure(_Binary, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.05, "phases": (4, 6)}
    unit = "log10(p_O2 / 1 bar)"
    description = "The oxygen partial pressure below which a binary oxide reduces, from its hull window."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Compounds listed, plus the conversion from Δμ_O to a pressure."""
        return float(len(identity["phases"]) + 2)

    def _system(self, rng: random.Random) -> dict[str, Any]:
        while True:
            system = H.random_system(rng, 2, tuple(self.params["phases"]), anions=["O"])
            if H.analysis(system)["stable"] and min(w[1] - w[0] for w in H.windows(system).values()) >= 0.05:
                return system

    def generate(self, rng: random.Random) -> dict[str, Any]:
        system = self._system(rng)
        stable = list(H.analysis(system)["stable"])
        temps = sorted(MU_O_STANDARD)
        return {**system, "target": stable[rng.randrange(len(stable))], "T": temps[rng.randrange(len(temps))]}

    def question(self, identity: dict[str, Any]) -> str:
        t = identity["T"]
        return (f"{H.system_text(identity)} {H.mu_text(identity)} At T = {t} K the oxygen chemical potential of O2 "
                f"gas is Δμ_O(T, p) = Δμ_O(T, p°) + ½ k_B T ln(p_O2/p°), with Δμ_O({t} K, p° = 1 bar) = "
                f"{MU_O_STANDARD[t]:.2f} eV and k_B = 8.617333e-5 eV/K; take the solids' energies as "
                f"temperature-independent. Below what oxygen partial pressure does {identity['target']} stop being the "
                "stable phase (it is reduced)? Give log10(p_O2 / 1 bar).")

    def value(self, identity: dict[str, Any]) -> float:
        lo = H.windows(identity)[identity["target"]][0]
        t = identity["T"]
        return 2 * (lo - MU_O_STANDARD[t]) / (K_B * t * math.log(10))


def register(registry: Any) -> None:
    registry.register(DecompositionMap, "materials/decomposition_fractions", {"quantity": "fractions"},
                      "Decomposition products of an unstable phase with the atomic fraction going to each.")
    registry.register(DecompositionMap, "materials/decomposition_reaction", {"quantity": "coefficients"},
                      "Balanced decomposition reaction of an unstable phase into its hull products.")
    registry.register(StableSet, "materials/stable_compounds_multicomponent")
    registry.register(Assemblage, "materials/equilibrium_phase_assemblage")
    registry.register(ReactionEnergy, "materials/phase_reaction_energy")
    registry.register(StabilizingEnergy, "materials/stabilizing_formation_energy")
    registry.register(InterfaceReaction, "materials/interface_reaction_energy")
    registry.register(ReductionPressure, "materials/oxide_reduction_pressure")
    registry.register(MuWindow, "materials/chemical_potential_window")
    registry.register(MuStable, "materials/stable_over_chemical_potential_range")
    registry.register(PhaseAtMu, "materials/phase_at_chemical_potential")
