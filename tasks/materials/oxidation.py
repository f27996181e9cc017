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
from tasks.materials.composition import (
    ANIONS,
    FIXED_CATIONS,
    VARIABLE_CATIONS,
    CompositionLevels,
    comp,
    formula_text,
)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _charges_text(oxi: dict[str, int]) -> str:
    return ", ".join(f"{el} {_signed(v)}" for el, v in oxi.items())


#: Oxidation states an element can be asked about, drawn first so that no state dominates the answers.
_STATES = sorted({*ANIONS.values(), *FIXED_CATIONS.values(), *(q for qs in VARIABLE_CATIONS.values() for q in qs)})


def _variable_note(identity: dict[str, Any]) -> str:
    var = identity.get("variable")
    if not var:
        return "Every element takes its usual (group) oxidation state."
    return (f"Only {var} can take more than one oxidation state here; every other element takes its usual "
            "(group) oxidation state.")


class OxidationState(CompositionLevels, IntegerTask):
    version = 3
    description = "Oxidation state of one element in a compound."
    default_params = {"elements": (4, 4), "max_sub": 4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        state = pick(rng, _STATES)
        c = self._compound(rng, state=state)
        asked = next(el for el, q in c["oxi"].items() if q == state and (c["variable"] in (None, el) or q < 0
                                                                         or el != c["variable"]))
        if c["variable"] and c["oxi"][c["variable"]] == state:
            asked = c["variable"]
        return {"formula": c["formula"], "element": asked, "oxi": c["oxi"], "variable": c["variable"]}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"What is the oxidation state of {identity['element']} in {identity['formula']} (the usual ionic "
                f"assignment)? {_variable_note(identity)} Write it with its sign, e.g. +3 or -2.")

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


class OxidationStates(CompositionLevels, Task):
    version = 2
    description = "Oxidation states of every element in a compound."
    default_params = {"elements": (4, 4), "max_sub": 4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = self._compound(rng)
        return {"formula": c["formula"], "oxi": c["oxi"], "variable": c["variable"]}

    def prompt(self, identity: dict[str, Any]) -> str:
        note = f" {_variable_note(identity)}" if "variable" in identity else ""
        return (f"Assign the usual oxidation state to every element in {identity['formula']}.{note}\n\n"
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


class ChargeBalanced(CompositionLevels, YesNoTask):
    version = 3
    description = "Is a formula charge-balanced for the stated ion charges?"
    default_params = {"elements": (4, 4), "max_sub": 4}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus atoms of the charge sum."""
        return float(len(identity["amounts"])) + math.log2(1.0 + sum(identity["amounts"].values()))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        balanced = rng.random() < 0.5  # the label is drawn first: yes and no are equally likely
        c = self._compound(rng)
        amounts = dict(c["amounts"])
        if not balanced:
            el = pick(rng, sorted(amounts))
            amounts[el] = amounts[el] + 1 if amounts[el] == 1 else amounts[el] + pick(rng, [-1, 1, 2])
        return {"amounts": amounts, "oxi": c["oxi"]}

    def question(self, identity: dict[str, Any]) -> str:
        f = "".join(f"{el}{n if n != 1 else ''}" for el, n in identity["amounts"].items())
        return (f"Assume the ions carry these charges: {_charges_text(identity['oxi'])}. "
                f"Is the formula {f} charge-balanced (electrically neutral)?")

    def value(self, identity: dict[str, Any]) -> bool:
        return sum(identity["oxi"][el] * n for el, n in identity["amounts"].items()) == 0


class MissingStoichiometry(CompositionLevels, NumericTask):
    version = 3
    description = "The subscript x that makes a formula charge-neutral."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.001, "elements": (4, 4), "max_sub": 4}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Elements plus atoms of the charge sum."""
        return float(len(identity["amounts"])) + math.log2(1.0 + sum(identity["amounts"].values()))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = self._compound(rng)
        amounts = dict(c["amounts"])
        # A fractional subscript on one other cation (a doped composition) spreads the answers beyond small integers.
        others = [el for el in amounts if c["oxi"][el] > 0]
        unknown = pick(rng, sorted(amounts))
        doped = [el for el in others if el != unknown]
        if doped and rng.random() < 0.6:
            el = pick(rng, doped)
            amounts[el] = round(amounts[el] * rng.uniform(0.3, 0.95), 2)
        return {"amounts": amounts, "unknown": unknown, "oxi": c["oxi"]}

    def question(self, identity: dict[str, Any]) -> str:
        f = "".join(el + ("x" if el == identity["unknown"] else (number_text(n) if n != 1 else ""))
                    for el, n in identity["amounts"].items())
        return (f"The ions carry these charges: {_charges_text(identity['oxi'])}. "
                f"What value of x makes {f} electrically neutral?")

    def value(self, identity: dict[str, Any]) -> float:
        el = identity["unknown"]
        rest = sum(identity["oxi"][e] * n for e, n in identity["amounts"].items() if e != el)
        return -rest / identity["oxi"][el]


_FIXED = {"O": -2, "Li": 1, "Na": 1, "La": 3, "Sr": 2, "Y": 3, "Ba": 2, "P": 5}


class AverageOxidationState(CompositionLevels, NumericTask):
    version = 2
    description = "Average oxidation state of a mixed-valence element."
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "elements": (4, 4), "max_sub": 4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            c = self._compound(rng, variable=True)
            var, oxi = c["variable"], c["oxi"]
            fixed = [el for el in c["amounts"] if oxi[el] > 0 and el != var]
            if var is None or not fixed:
                continue
            amounts: dict[str, float] = dict(c["amounts"])
            el = pick(rng, fixed)
            amounts[el] = round(amounts[el] * rng.uniform(0.2, 1.8), 2)
            avg = -sum(oxi[e] * n for e, n in amounts.items() if e != var) / amounts[var]
            states = VARIABLE_CATIONS[var]
            if min(states) <= avg <= max(states) and abs(avg - round(avg)) > 0.02:
                return {"formula": formula_text(amounts), "element": var,
                        "fixed": {e: q for e, q in oxi.items() if e != var}}

    def _fixed(self, identity: dict[str, Any]) -> dict[str, int]:
        if "fixed" in identity:
            return identity["fixed"]
        c = comp(identity["formula"])
        return {e.symbol: _FIXED[e.symbol] for e in c.elements if e.symbol != identity["element"]}

    def question(self, identity: dict[str, Any]) -> str:
        return (f"In {identity['formula']}, take {_charges_text(self._fixed(identity))}. What is the average "
                f"oxidation state of {identity['element']}?")

    def value(self, identity: dict[str, Any]) -> float:
        c = comp(identity["formula"])
        el = identity["element"]
        fixed = self._fixed(identity)
        rest = sum(fixed[e.symbol] * c[e] for e in c.elements if e.symbol != el)
        return -rest / c[el]


_A_MIX = [("Sr", 2), ("Ba", 2), ("Ca", 2), ("La", 3), ("Nd", 3), ("Pr", 3), ("Sm", 3), ("Gd", 3), ("Y", 3)]


class OxygenDeficiency(NumericTask):
    description = "Oxygen non-stoichiometry delta of a perovskite ABO(3-delta) from the B-site valence."
    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "a_species": 1}
    levels = ({"a_species": 1}, {"a_species": 2}, {"a_species": 3}, {"a_species": 4})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Terms of the charge balance: A-site species plus B and O."""
        return float(len(identity.get("a_site", [1])) + 2)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        species = rng.sample(_A_MIX, self.params["a_species"])
        cuts = sorted(round(rng.uniform(0.05, 0.95), 2) for _ in species[1:])
        fracs = [round(b - a, 2) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
        if min(fracs) <= 0:
            return self.generate(rng)
        qa = sum(f * q for f, (_, q) in zip(fracs, species, strict=False))
        b = pick(rng, ["Fe", "Co", "Mn", "Ni", "Cu", "Ti", "Cr", "V"])
        top = 6 - qa
        return {"a_site": [[el, q, f] for (el, q), f in zip(species, fracs, strict=False)], "b": b,
                "valence": round(rng.uniform(top - 1.0, top - 0.02), 3)}

    def _a(self, identity: dict[str, Any]) -> list[list[Any]]:
        return identity.get("a_site") or [[identity["a"], identity["qa"], 1.0]]

    def question(self, identity: dict[str, Any]) -> str:
        a_site = self._a(identity)
        a = "".join(f"{el}{number_text(f) if len(a_site) > 1 else ''}" for el, _, f in a_site)
        states = ", ".join(f"{el} in the {_signed(q)} state" for el, q, _ in a_site)
        return (f"A perovskite {a}{identity['b']}O(3-δ) has {states}, O in the -2 state, and an average "
                f"{identity['b']} oxidation state of {identity['valence']:.3f} (from titration). What is δ?")

    def value(self, identity: dict[str, Any]) -> float:
        qa = sum(q * f for _, q, f in self._a(identity))
        return 3.0 - (qa + identity["valence"]) / 2.0


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


def _mix(rng: random.Random, pool: list[tuple[str, int]], n: int, cn: str, digits: int = 2) -> list[list[Any]] | None:
    """``n`` species of one charge from ``pool`` with site fractions and Shannon radii, or None."""
    q = pick(rng, sorted({c for _, c in pool}))
    same = [el for el, c in pool if c == q and shannon(el, c, cn) is not None]
    if len(same) < n:
        return None
    cuts = sorted(round(rng.uniform(0.05, 0.95), digits) for _ in range(n - 1))
    fracs = [round(b - a, digits) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
    if min(fracs) <= 0:
        return None
    return [[el, q, f, shannon(el, q, cn)] for el, f in zip(rng.sample(same, n), fracs, strict=False)]


class ToleranceFactor(NumericTask):
    description = "Goldschmidt tolerance factor of an ABX3 perovskite from Shannon radii."
    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "a_species": 2, "b_species": 1}
    levels = ({"a_species": 2, "b_species": 1}, {"a_species": 2, "b_species": 2}, {"a_species": 3, "b_species": 2},
              {"a_species": 3, "b_species": 3})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average: species on the A and B sites plus the anion."""
        return float(len(identity["a_site"]) + len(identity["b_site"]) + 1)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            a = _mix(rng, _A_SITE, self.params["a_species"], "XII")
            b = _mix(rng, _B_SITE, self.params["b_species"], "VI")
            x, qx = pick(rng, _X)
            if a is None or b is None or a[0][1] + b[0][1] + 3 * qx != 0:
                continue
            if {s[0] for s in a} & {s[0] for s in b}:
                continue
            return {"a_site": a, "b_site": b, "x": x, "qx": qx, "rx": shannon(x, qx, "VI")}

    @staticmethod
    def _site(site: list[list[Any]]) -> str:
        if len(site) == 1:
            return site[0][0]
        return "(" + "".join(f"{el}{number_text(f)}" for el, _, f, _ in site) + ")"

    def question(self, identity: dict[str, Any]) -> str:
        radii = "; ".join(f"{el}{_signed(q)}: {r:.3f} Å" for site in (identity["a_site"], identity["b_site"])
                          for el, q, _, r in site)
        formula = f"{self._site(identity['a_site'])}{self._site(identity['b_site'])}{identity['x']}3"
        return (f"For the perovskite {formula}, the Shannon ionic radii are {radii} (A-site ions 12-coordinate, "
                f"B-site ions 6-coordinate) and {identity['x']}{_signed(identity['qx'])}: {identity['rx']:.3f} Å. "
                "Taking each site's radius as the site-fraction-weighted mean, what is the Goldschmidt tolerance "
                "factor t = (r_A + r_X) / (√2 (r_B + r_X))?")

    def value(self, identity: dict[str, Any]) -> float:
        if "radii" in identity:
            r = identity["radii"]
            ra, rb, rx = r["A"], r["B"], r["X"]
        else:
            ra = sum(f * round(r, 3) for _, _, f, r in identity["a_site"])
            rb = sum(f * round(r, 3) for _, _, f, r in identity["b_site"])
            rx = round(identity["rx"], 3)
        return (ra + rx) / (math.sqrt(2) * (rb + rx))


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
    """Radius-ratio rule on mixed sites: site radii are fraction-weighted means of isovalent ions."""

    version = 3
    description = "Cation coordination number predicted by Pauling's radius-ratio rule."
    default_params = {"cations": 1, "anions": 2}
    levels = ({"cations": 1, "anions": 2}, {"cations": 2, "anions": 2}, {"cations": 3, "anions": 2},
              {"cations": 3, "anions": 3})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the two sites."""
        return float(len(identity.get("cation_site", [1])) + len(identity.get("anion_site", [1])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        target = pick(rng, [n for _, n in _RATIO_RULES])  # the answer is drawn first: no number dominates
        for attempt in range(10**6):
            if attempt % 300 == 299:  # rare on mixed sites (e.g. 2 needs B3+ among large anions): draw again
                target = pick(rng, [n for _, n in _RATIO_RULES])
            cats = _mix(rng, _CATIONS, self.params["cations"], "VI", 3)
            ans = _mix(rng, _ANIONS, self.params["anions"], "VI", 3)
            if cats is None or ans is None:
                continue
            ident = {"cation_site": cats, "anion_site": ans}
            ratio = self._ratio(ident)
            if predicted_cn(ratio) == target and min(abs(ratio - lo) for lo, _ in _RATIO_RULES[1:]) > 0.01:
                return ident
        raise RuntimeError("no mixed site found")

    @staticmethod
    def _ratio(identity: dict[str, Any]) -> float:
        if "rc" in identity:
            return identity["rc"] / identity["ra"]
        rc = sum(f * round(r, 3) for _, _, f, r in identity["cation_site"])
        ra = sum(f * round(r, 3) for _, _, f, r in identity["anion_site"])
        return rc / ra

    def question(self, identity: dict[str, Any]) -> str:
        def site(ions: list[list[Any]]) -> str:
            return ", ".join(f"{el}{_signed(q)} (fraction {f:g}, radius {r:.3f} Å)" for el, q, f, r in ions)

        return (f"A cation site is shared by {site(identity['cation_site'])}; the anion site by "
                f"{site(identity['anion_site'])}. Taking each site's radius as the fraction-weighted mean and "
                "using the radius-ratio rules (limits 0.155, 0.225, 0.414, 0.732, 1.0 for coordination numbers "
                "3, 4, 6, 8, 12; below 0.155 it is 2), what coordination number is predicted for the cations?")

    def value(self, identity: dict[str, Any]) -> int:
        return predicted_cn(self._ratio(identity))


_POLY_ANIONS = [("SO4", -2), ("PO4", -3), ("NO3", -1), ("CO3", -2), ("OH", -1), ("SiO4", -4), ("ClO4", -1),
                ("CrO4", -2), ("MnO4", -1), ("WO4", -2), ("BO3", -3), ("AsO4", -3), ("SeO4", -2), ("TiO3", -2)]


class FormulaFromIons(FormulaTask):
    """Neutral formula unit of a salt from its cations (in a given ratio) and one (poly)anion."""

    version = 2
    description = "Neutral formula unit built from cations and a (poly)anion."
    reduced = False
    default_params = {"cations": 2, "poly": 0.0}
    levels = ({"cations": 2, "poly": 0.0}, {"cations": 2, "poly": 1.0}, {"cations": 3, "poly": 0.5},
              {"cations": 3, "poly": 1.0}, {"cations": 4, "poly": 1.0})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Ions to balance, plus one for a polyatomic anion (its group must be kept)."""
        poly = len(Composition(identity["anion"]).elements) > 1
        return float(len(identity.get("cations", {identity.get("cation"): 0})) + 1 + poly)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        anion, qa = pick(rng, _POLY_ANIONS if rng.random() < self.params["poly"] else _ANIONS)
        banned = {e.symbol for e in Composition(anion).elements}
        pool = [(c, q) for c, q in _CATIONS if c not in banned]
        chosen = rng.sample(pool, self.params["cations"])
        return {"cations": {c: [q, rng.randint(1, 3)] for c, q in chosen}, "anion": anion, "qa": qa}

    def question(self, identity: dict[str, Any]) -> str:
        if "cation" in identity:
            ions = f"{identity['cation']} ions with charge {_signed(identity['qc'])}"
        else:
            ions = ", ".join(f"{c} ions with charge {_signed(q)}" for c, (q, _) in identity["cations"].items())
            ratio = ":".join(str(n) for _, n in identity["cations"].values())
            ions += f" (in the mole ratio {':'.join(identity['cations'])} = {ratio})"
        return (f"Write the neutral formula unit (smallest whole numbers) of the compound made of {ions} and "
                f"{identity['anion']} ions with charge {_signed(identity['qa'])}. Write the cations in the order "
                "given, then the anion.")

    def value(self, identity: dict[str, Any]) -> str:
        cations = identity.get("cations") or {identity["cation"]: [identity["qc"], 1]}
        qa = -identity["qa"]
        plus = sum(q * n for q, n in cations.values())
        k = qa // math.gcd(plus, qa)
        counts = [n * k for _, n in cations.values()] + [plus * k // qa]
        g = 0
        for n in counts:
            g = math.gcd(g, n)
        counts = [n // g for n in counts]
        anion = identity["anion"]
        na = counts[-1]
        group = f"({anion})" if len(Composition(anion).elements) > 1 and na > 1 else anion
        head = "".join(f"{c}{n if n > 1 else ''}" for c, n in zip(cations, counts, strict=False))
        return f"{head}{group}{na if na > 1 else ''}"


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
