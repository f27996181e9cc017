"""Oxidation states and ionic radii: per-element states, charge balance, mixed valence, tolerance factors."""

from __future__ import annotations

import functools
import math
import random
import re
from typing import Any

from pymatgen.core import Composition, Species

from bootcamp import Score, Task, invalid
from bootcamp.answers import FormulaTask, IntegerTask, YesNoTask, number_text
from tasks.materials._common import NumericTask, pick
from tasks.materials.composition import comp, compounds


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _charges_text(oxi: dict[str, int]) -> str:
    return ", ".join(f"{el} {_signed(v)}" for el, v in oxi.items())


class OxidationState(IntegerTask):
    version = 2
    description = "Oxidation state of one element in a compound."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = pick(rng, compounds())
        return {"formula": c["formula"], "element": pick(rng, sorted(c["oxi"])), "oxi": c["oxi"]}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"What is the oxidation state of {identity['element']} in {identity['formula']} "
                "(the usual ionic assignment)? Write it with its sign, e.g. +3 or -2.")

    def value(self, identity: dict[str, Any]) -> int:
        return identity["oxi"][identity["element"]]


_PAIR = re.compile(r"([A-Z][a-z]?)\s*(?:[:=]|\(|\^\{?|\s)\s*([+\-−]?\d{1,2}[+\-−]?)\s*\}?\)?")


def _state(text: str) -> int | None:
    t = text.replace("−", "-")
    m = re.fullmatch(r"([+-]?)(\d{1,2})([+-]?)", t)
    if m is None or (m.group(1) and m.group(3)):
        return None
    sign = -1 if "-" in (m.group(1) + m.group(3)) else 1
    return sign * int(m.group(2))


class OxidationStates(Task):
    description = "Oxidation states of every element in a compound."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = pick(rng, compounds())
        return {"formula": c["formula"], "oxi": c["oxi"]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Assign the usual oxidation state to every element in {identity['formula']}.\n\n"
                "Give them as element: state pairs separated by commas (e.g. Fe: +3, O: -2) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 200:
            return invalid("not element: state pairs")
        text = re.sub(r"\\(?:mathrm|text)\{([^{}]*)\}", r"\1", answer)
        got: dict[str, int] = {}
        for m in _PAIR.finditer(text):
            v = _state(m.group(2))
            if v is None or m.group(1) in got:
                return invalid("unreadable oxidation state")
            got[m.group(1)] = v
        if not got:
            return invalid("not element: state pairs")
        return 1.0 if got == identity["oxi"] else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(f"{el}: {_signed(v)}" for el, v in identity["oxi"].items())

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        oxi = identity["oxi"]
        els = list(oxi)
        out = []
        for k in range(min(2, len(els))):
            wrong = dict(oxi)
            wrong[els[k]] += 1
            out.append(", ".join(f"{el}: {_signed(v)}" for el, v in wrong.items()))
        out.append(", ".join(f"{el}: {_signed(v)}" for el, v in list(oxi.items())[:-1]))
        return out


class ChargeBalanced(YesNoTask):
    version = 2
    description = "Is a formula charge-balanced for the stated ion charges?"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = pick(rng, compounds())
        amounts = {e.symbol: int(round(comp(c["formula"])[e])) for e in comp(c["formula"]).elements}
        if rng.random() < 0.5:
            el = pick(rng, sorted(amounts))
            amounts[el] = max(1, amounts[el] + pick(rng, [-1, 1, 2]))
        return {"amounts": amounts, "oxi": c["oxi"]}

    def question(self, identity: dict[str, Any]) -> str:
        f = "".join(f"{el}{n if n != 1 else ''}" for el, n in identity["amounts"].items())
        return (f"Assume the ions carry these charges: {_charges_text(identity['oxi'])}. "
                f"Is the formula {f} charge-balanced (electrically neutral)?")

    def value(self, identity: dict[str, Any]) -> bool:
        return sum(identity["oxi"][el] * n for el, n in identity["amounts"].items()) == 0


class MissingStoichiometry(NumericTask):
    description = "The subscript x that makes a formula charge-neutral."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = pick(rng, compounds())
        composition = comp(c["formula"])
        amounts = {e.symbol: composition[e] for e in composition.elements}
        return {"amounts": amounts, "unknown": pick(rng, sorted(amounts)), "oxi": c["oxi"]}

    def question(self, identity: dict[str, Any]) -> str:
        f = "".join(el + ("x" if el == identity["unknown"] else (number_text(n) if n != 1 else ""))
                    for el, n in identity["amounts"].items())
        return (f"The ions carry these charges: {_charges_text(identity['oxi'])}. "
                f"What value of x makes {f} electrically neutral?")

    def value(self, identity: dict[str, Any]) -> float:
        el = identity["unknown"]
        rest = sum(identity["oxi"][e] * n for e, n in identity["amounts"].items() if e != el)
        return -rest / identity["oxi"][el]


#: Mixed-valence compounds: formula template with {x}, the element asked, its fixed neighbours' charges.
_MIXED = [
    ("Fe3O4", None, "Fe"), ("Co3O4", None, "Co"), ("Mn3O4", None, "Mn"), ("Pb3O4", None, "Pb"),
    ("Ti4O7", None, "Ti"), ("V6O13", None, "V"), ("Li{x}Mn2O4", (0.1, 1.0), "Mn"), ("Li{x}CoO2", (0.3, 1.0), "Co"),
    ("La{y}Sr{x}MnO3", (0.05, 0.6), "Mn"), ("La{y}Sr{x}CoO3", (0.05, 0.6), "Co"), ("Na{x}WO3", (0.1, 0.9), "W"),
    ("YBa2Cu3O{z}", (6.3, 7.0), "Cu"), ("Li{x}FePO4", (0.05, 1.0), "Fe"), ("Li{x}NiO2", (0.2, 1.0), "Ni"),
]
_FIXED = {"O": -2, "Li": 1, "Na": 1, "La": 3, "Sr": 2, "Y": 3, "Ba": 2, "P": 5}


class AverageOxidationState(NumericTask):
    description = "Average oxidation state of a mixed-valence element."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        template, span, el = pick(rng, _MIXED)
        f = template
        if span:
            x = round(rng.uniform(*span), 2)
            f = f.replace("{x}", number_text(x)).replace("{y}", number_text(round(1 - x, 2))).replace("{z}", number_text(x))
        return {"formula": f, "element": el}

    def question(self, identity: dict[str, Any]) -> str:
        c = comp(identity["formula"])
        fixed = {e.symbol: _FIXED[e.symbol] for e in c.elements if e.symbol != identity["element"]}
        return (f"In {identity['formula']}, take {_charges_text(fixed)}. What is the average oxidation state "
                f"of {identity['element']}?")

    def value(self, identity: dict[str, Any]) -> float:
        c = comp(identity["formula"])
        el = identity["element"]
        rest = sum(_FIXED[e.symbol] * c[e] for e in c.elements if e.symbol != el)
        return -rest / c[el]


class OxygenDeficiency(NumericTask):
    description = "Oxygen non-stoichiometry delta of a perovskite ABO(3-delta) from the B-site valence."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a, qa = pick(rng, [("Sr", 2), ("Ba", 2), ("Ca", 2), ("La", 3)])
        b = pick(rng, ["Fe", "Co", "Mn", "Ni", "Cu"] if qa == 3 else ["Fe", "Co", "Mn", "Ti"])
        top = 6 - qa
        return {"a": a, "qa": qa, "b": b, "valence": round(rng.uniform(top - 1.0, top - 0.02), 2)}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A perovskite {identity['a']}{identity['b']}O(3-δ) has {identity['a']} in the "
                f"{_signed(identity['qa'])} state, O in the -2 state, and an average {identity['b']} oxidation "
                f"state of {identity['valence']:.2f} (from titration). What is δ?")

    def value(self, identity: dict[str, Any]) -> float:
        return 3.0 - (identity["qa"] + identity["valence"]) / 2.0


@functools.lru_cache(maxsize=512)
def shannon(el: str, oxi: int, cn: str) -> float | None:
    try:
        return float(Species(el, oxi).get_shannon_radius(cn))
    except Exception:  # noqa: BLE001 - pymatgen has no value for this ion and coordination
        try:
            return float(Species(el, oxi).get_shannon_radius(cn, spin="High Spin"))
        except Exception:  # noqa: BLE001
            return None


_A_SITE = [("Ca", 2), ("Sr", 2), ("Ba", 2), ("Pb", 2), ("La", 3), ("Na", 1), ("K", 1), ("Nd", 3), ("Cs", 1), ("Rb", 1)]
_B_SITE = [("Ti", 4), ("Zr", 4), ("Sn", 4), ("Hf", 4), ("Al", 3), ("Fe", 3), ("Ga", 3), ("Cr", 3), ("Sc", 3),
           ("Nb", 5), ("Ta", 5), ("Mn", 4), ("Mg", 2), ("Ge", 2), ("Pb", 2), ("Sn", 2), ("Zn", 2), ("Ni", 2)]
_X = [("O", -2), ("F", -1), ("Cl", -1), ("Br", -1), ("I", -1)]


class ToleranceFactor(NumericTask):
    description = "Goldschmidt tolerance factor of an ABX3 perovskite from Shannon radii."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            a, qa = pick(rng, _A_SITE)
            b, qb = pick(rng, _B_SITE)
            x, qx = pick(rng, _X)
            if qa + qb + 3 * qx != 0 or a == b:
                continue
            ra, rb, rx = shannon(a, qa, "XII"), shannon(b, qb, "VI"), shannon(x, qx, "VI")
            if None not in (ra, rb, rx):
                return {"formula": f"{a}{b}{x}3", "radii": {"A": ra, "B": rb, "X": rx}}

    def question(self, identity: dict[str, Any]) -> str:
        r = identity["radii"]
        return (f"For the perovskite {identity['formula']}, the Shannon ionic radii are r_A = {r['A']:.3f} Å "
                f"(12-coordinate), r_B = {r['B']:.3f} Å (6-coordinate) and r_X = {r['X']:.3f} Å. What is the "
                "Goldschmidt tolerance factor t = (r_A + r_X) / (√2 (r_B + r_X))?")

    def value(self, identity: dict[str, Any]) -> float:
        r = identity["radii"]
        return (r["A"] + r["X"]) / (math.sqrt(2) * (r["B"] + r["X"]))


_CATIONS = [("Li", 1), ("Na", 1), ("K", 1), ("Cs", 1), ("Mg", 2), ("Ca", 2), ("Sr", 2), ("Ba", 2), ("Zn", 2),
            ("Ni", 2), ("Al", 3), ("Ga", 3), ("Sc", 3), ("Y", 3), ("La", 3), ("Ti", 4), ("Zr", 4), ("Si", 4),
            ("Ge", 4), ("Be", 2), ("B", 3), ("Cd", 2), ("Mn", 2), ("Fe", 3), ("Cr", 3), ("Th", 4), ("U", 4), ("Ce", 4)]
_ANIONS = [("O", -2), ("F", -1), ("Cl", -1), ("Br", -1), ("I", -1), ("S", -2), ("Se", -2), ("N", -3)]
#: Radius-ratio limits (lower bound of r+/r-) and the coordination number they predict.
_RATIO_RULES = [(0.0, 2), (0.155, 3), (0.225, 4), (0.414, 6), (0.732, 8), (1.0, 12)]


def predicted_cn(ratio: float) -> int:
    cn = 2
    for lower, n in _RATIO_RULES:
        if ratio >= lower:
            cn = n
    return cn


class RadiusRatioCoordination(IntegerTask):
    version = 2
    description = "Cation coordination number predicted by Pauling's radius-ratio rule."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            c, qc = pick(rng, _CATIONS)
            a, qa = pick(rng, _ANIONS)
            rc, ra = shannon(c, qc, "VI"), shannon(a, qa, "VI")
            if rc is None or ra is None:
                continue
            ratio = rc / ra
            if min(abs(ratio - lo) for lo, _ in _RATIO_RULES[1:]) > 0.01:
                return {"cation": c, "qc": qc, "anion": a, "qa": qa, "rc": rc, "ra": ra}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A cation {identity['cation']}{_signed(identity['qc'])} (radius {identity['rc']:.3f} Å) sits "
                f"among anions {identity['anion']}{_signed(identity['qa'])} (radius {identity['ra']:.3f} Å). Using "
                "the radius-ratio rules (limits 0.155, 0.225, 0.414, 0.732, 1.0 for coordination numbers "
                "3, 4, 6, 8, 12; below 0.155 it is 2), what coordination number is predicted for the cation?")

    def value(self, identity: dict[str, Any]) -> int:
        return predicted_cn(identity["rc"] / identity["ra"])


_POLY_ANIONS = [("SO4", -2), ("PO4", -3), ("NO3", -1), ("CO3", -2), ("OH", -1), ("SiO4", -4), ("ClO4", -1),
                ("CrO4", -2), ("MnO4", -1), ("WO4", -2), ("BO3", -3), ("AsO4", -3), ("SeO4", -2), ("TiO3", -2)]


class FormulaFromIons(FormulaTask):
    description = "Neutral formula unit built from a cation and a (poly)anion."
    reduced = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c, qc = pick(rng, _CATIONS)
        while True:
            a, qa = pick(rng, _POLY_ANIONS + _ANIONS)
            if c not in {e.symbol for e in Composition(a).elements}:
                return {"cation": c, "qc": qc, "anion": a, "qa": qa}

    def question(self, identity: dict[str, Any]) -> str:
        qc, qa = identity["qc"], identity["qa"]
        return (f"Write the neutral formula unit (smallest whole numbers) of the compound made of "
                f"{identity['cation']} ions with charge {_signed(qc)} and {identity['anion']} ions with charge "
                f"{_signed(qa)}.")

    def value(self, identity: dict[str, Any]) -> str:
        qc, qa = identity["qc"], -identity["qa"]
        g = math.gcd(qc, qa)
        nc, na = qa // g, qc // g
        anion = identity["anion"]
        group = f"({anion})" if len(Composition(anion).elements) > 1 and na > 1 else anion
        return f"{identity['cation']}{nc if nc > 1 else ''}{group}{na if na > 1 else ''}"


def register(registry: Any) -> None:
    registry.register(OxidationState, "materials/oxidation_state")
    registry.register(OxidationStates, "materials/oxidation_states")
    registry.register(ChargeBalanced, "materials/charge_balanced")
    registry.register(MissingStoichiometry, "materials/charge_balance_stoichiometry")
    registry.register(AverageOxidationState, "materials/average_oxidation_state")
    registry.register(OxygenDeficiency, "materials/oxygen_nonstoichiometry")
    registry.register(ToleranceFactor, "materials/tolerance_factor")
    registry.register(RadiusRatioCoordination, "materials/radius_ratio_coordination")
    registry.register(FormulaFromIons, "materials/formula_from_ions")
