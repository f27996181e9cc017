"""Generated chemical systems of 2-5 elements and their convex hulls (pymatgen), plus a strict map answer.

A system is plain JSON: ``elements`` and ``phases`` (reduced formula, formation
energy in eV/atom relative to the pure elements). Every analysis is cached on the
system's JSON key, so ``check`` and ``solve`` never rebuild a phase diagram. Not a
task module (leading underscore): it registers nothing.
"""

from __future__ import annotations

import functools
import json
import math
import random
from typing import Any

import numpy as np
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition

from bootcamp import Score, invalid
from bootcamp.answers import Answer, Formula, formula_text, number_text, parse_value, split_items
from bootcamp.verifiers.numeric import close_enough, tolerance_text

#: Metals and semimetals that form the cation side of generated systems.
METALS = ["Li", "Na", "K", "Mg", "Ca", "Sr", "Ba", "Al", "Ga", "In", "Sc", "Y", "La", "Ti", "Zr", "Hf", "V", "Nb",
          "Ta", "Cr", "Mo", "W", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Sn", "Bi", "Ce", "Si", "Ge", "Sb"]
#: Elements that take the anion side (the open element of chemical-potential questions).
ANIONS = ["O", "N", "S", "Se", "F", "Cl", "H", "P", "C", "Te", "Br"]
#: Margin (eV/atom) every phase keeps from the hull's edge, so no answer hinges on rounding.
MARGIN = 0.012


def key(system: dict[str, Any]) -> str:
    """The cache key of a system (its elements and phases only)."""
    return json.dumps({"elements": system["elements"], "phases": system["phases"]}, sort_keys=True)


@functools.lru_cache(maxsize=4096)
def _diagram(k: str) -> tuple[PhaseDiagram, tuple[PDEntry, ...]]:
    system = json.loads(k)
    entries = [PDEntry(Composition(el), 0.0, name=el) for el in system["elements"]]
    for p in system["phases"]:
        c = Composition(p["formula"])
        entries.append(PDEntry(c, p["ef"] * c.num_atoms, name=p["formula"]))
    return PhaseDiagram(entries), tuple(entries)


def diagram(system: dict[str, Any]) -> tuple[PhaseDiagram, tuple[PDEntry, ...]]:
    """The phase diagram of ``system`` and its entries (elements first, then the listed phases), cached."""
    return _diagram(key(system))


@functools.lru_cache(maxsize=4096)
def _analysis(k: str) -> dict[str, Any]:
    pd, entries = _diagram(k)
    n_el = len(json.loads(k)["elements"])
    on_hull = set(pd.stable_entries)
    e_hull = {e.name: 0.0 if e in on_hull else float(pd.get_e_above_hull(e)) for e in entries[n_el:]}
    stable = [e.name for e in entries[n_el:] if e in on_hull]
    # how far each stable phase sits below the hull of all the others (its robustness)
    depth = {}
    els = [el.symbol for el in pd.elements]
    points = np.array([[e.composition.get_atomic_fraction(el) for el in els[:-1]] + [e.energy_per_atom]
                       for e in entries])
    for i, e in enumerate(entries):
        if i >= n_el and e.name in stable:
            depth[e.name] = _depth(points, i)
            if depth[e.name] is None:  # a degenerate point set for qhull: ask pymatgen
                depth[e.name] = -float(pd.get_equilibrium_reaction_energy(e))
    return {"e_hull": e_hull, "stable": stable, "depth": depth}


def _depth(points: np.ndarray, i: int) -> float | None:
    """How far point ``i`` (fractions of all but one element, energy per atom) lies below the lower hull of
    all the other points (eV/atom), or None when qhull cannot build that hull.

    The lower hull of the others at entry i's composition is the highest of their lower facets' planes
    there (a convex function is the maximum of its supporting planes). One small qhull call instead
    of a new PhaseDiagram per phase. Unlike pymatgen's ``get_equilibrium_reaction_energy`` (stable
    competitors only), every other phase counts, so an unstable phase that would take over is seen.
    """
    from scipy.spatial import ConvexHull, QhullError

    others = np.delete(points, i, axis=0)
    target = points[i]
    if np.all(np.abs(others[:, -1]) < 1e-12):
        return float(-target[-1])
    try:
        hull = ConvexHull(others)
    except (QhullError, ValueError):
        return None
    eq = hull.equations[hull.equations[:, -2] < -1e-9]  # lower facets: the energy normal points down
    heights = -(eq[:, :-2] @ target[:-1] + eq[:, -1]) / eq[:, -2]
    return float(np.max(heights) - target[-1])


def analysis(system: dict[str, Any]) -> dict[str, Any]:
    """Energy above hull of every phase, the stable phases, and how deep each stable phase lies (cached)."""
    return _analysis(key(system))


def robust(system: dict[str, Any]) -> bool:
    """True when every phase is either clearly above the hull or clearly on it (by ``MARGIN``)."""
    info = analysis(system)
    return (all(v == 0.0 or v >= MARGIN for v in info["e_hull"].values())
            and all(d >= MARGIN for d in info["depth"].values()))


def decomposition(system: dict[str, Any], composition: dict[str, float]) -> dict[str, float]:
    """The phases (name -> atomic fraction) the hull decomposes ``composition`` into."""
    pd, _ = diagram(system)
    dec = pd.get_decomposition(Composition(composition))
    return {e.name: float(x) for e, x in sorted(dec.items(), key=lambda kv: kv[0].name) if x > 1e-9}


def hull_energy(system: dict[str, Any], composition: dict[str, float]) -> float:
    """Formation energy (eV/atom) of the hull at ``composition``."""
    pd, _ = diagram(system)
    return float(pd.get_hull_energy_per_atom(Composition(composition)))


def random_system(rng: random.Random, n_elements: int, n_phases: tuple[int, int],
                  anions: list[str] | None = None) -> dict[str, Any]:
    """A robust system of ``n_elements`` elements (one anion) with ``n_phases`` (fewest, most) compounds.

    Compounds have small integer stoichiometries over 2 or more of the elements; formation energies
    follow a bowl in the anion fraction (ionic compounds near the middle are the most stable) plus
    scatter, -0.05 to -2.5 eV/atom, the range of computed oxides, nitrides and intermetallics.
    """
    while True:
        pool = anions or ANIONS
        anion = pool[rng.randrange(len(pool))]
        metals = rng.sample(METALS, n_elements - 1)
        elements = [*metals, anion]
        depth = rng.uniform(0.4, 2.0)
        n = rng.randint(*n_phases)
        phases: list[dict[str, Any]] = []
        seen: set[str] = set()
        tries = 0
        while len(phases) < n and tries < 200:
            tries += 1
            size = rng.randint(2, min(n_elements, 4))
            chosen = sorted(rng.sample(range(n_elements), size))
            amounts = {elements[i]: rng.randint(1, 5) for i in chosen}
            g = 0
            for v in amounts.values():
                g = math.gcd(g, v)
            amounts = {el: v // g for el, v in amounts.items()}
            comp = Composition(amounts)
            reduced = comp.reduced_formula
            if reduced in seen or comp.num_atoms > 12:
                continue
            seen.add(reduced)
            x = comp.get_atomic_fraction(anion)
            ef = -depth * 4 * x * (1 - x) * rng.uniform(0.6, 1.1) - rng.uniform(0.05, 0.35)
            phases.append({"formula": formula_text(amounts), "ef": round(max(-2.5, min(-0.05, ef)), 3)})
        if len(phases) < n_phases[0]:
            continue
        system = {"elements": elements, "phases": phases}
        if robust(system):
            return system


def system_text(system: dict[str, Any]) -> str:
    """The system as the prompt states it."""
    els = system["elements"]
    rows = "; ".join(f"{p['formula']}: {p['ef']:.3f}" for p in system["phases"])
    return (f"In the {'-'.join(els)} system, the computed formation energies (eV/atom, relative to the pure "
            f"elements {', '.join(els)}, whose energies are 0) of all known phases are: {rows}. No other phases "
            "exist.")


def phase_amounts(formula: str) -> dict[str, float]:
    """Element amounts of a formula."""
    c = Composition(formula)
    return {e.symbol: float(c[e]) for e in c.elements}


def windows(system: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Each hull phase of a binary (metal first) with its range of Δμ of the anion (eV/atom).

    On the hull E(x) (x the anion fraction), two neighbouring phases p, q coexist where the common
    tangent E = μ_M (1 - x) + μ_X x passes through both: μ_X = E_p + (1 - x_p) (E_q - E_p) / (x_q - x_p).
    The metal end extends to -∞, the anion end is its own element (Δμ = 0).
    """
    metal, anion = system["elements"]
    info = analysis(system)
    energy = {p["formula"]: p["ef"] for p in system["phases"]}
    pts = sorted([(0.0, 0.0, metal), (1.0, 0.0, anion)]
                 + [(Composition(n).get_atomic_fraction(anion), energy[n], n) for n in info["stable"]])
    bounds = [p[1] + (1 - p[0]) * (q[1] - p[1]) / (q[0] - p[0]) for p, q in zip(pts, pts[1:], strict=False)]
    out = {pts[0][2]: (float("-inf"), bounds[0])}
    for i in range(1, len(pts) - 1):
        out[pts[i][2]] = (bounds[i - 1], bounds[i])
    return out


def mu_text(identity: dict[str, Any]) -> str:
    x = identity["elements"][1]
    return (f"The sample is in contact with a reservoir that fixes the chemical potential of {x}; write Δμ_{x} for "
            f"it relative to the pure element (eV/atom; Δμ_{x} = 0 is {x}-rich, very negative is {x}-poor). A phase "
            f"is stable at a given Δμ_{x} when it minimises the grand potential E - μ_{x} N_{x} per metal atom.")


@functools.lru_cache(maxsize=4096)
def _interface_minimum(k: str, a: str, b: str) -> float:
    system = json.loads(k)
    energy = {p["formula"]: p["ef"] for p in system["phases"]}
    ca, cb = Composition(a).fractional_composition, Composition(b).fractional_composition
    els = sorted({e.symbol for e in ca.elements} | {e.symbol for e in cb.elements})
    va, vb = [ca[el] for el in els], [cb[el] for el in els]
    ea, eb = energy.get(a, 0.0), energy.get(b, 0.0)
    pd, _ = _diagram(k)

    def f(x: float) -> float:
        mix = Composition({el: x * p + (1 - x) * q for el, p, q in zip(els, va, vb, strict=True) if x * p + (1 - x) * q > 0})
        return float(pd.get_hull_energy_per_atom(mix)) - (x * ea + (1 - x) * eb)

    # f is convex along the mixing line (the hull is convex, the reactant energy linear): the best point of a
    # coarse grid brackets the minimum, and a golden-section search narrows the bracket to ~1e-6
    grid = [i / 6 for i in range(7)]
    values = [0.0 if x in (0.0, 1.0) else f(x) for x in grid]  # both ends lie on the hull: f = 0 there
    if values[3] > -1e-9:  # convex and 0 at both ends: no reaction at 1:1 means none at all
        return 0.0
    best = values.index(min(values))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, 6)]
    g = (math.sqrt(5) - 1) / 2
    m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = f(m1), f(m2)
    for _ in range(22):
        if f1 <= f2:
            hi, m2, f2 = m2, m1, f1
            m1 = hi - g * (hi - lo)
            f1 = f(m1)
        else:
            lo, m1, f1 = m1, m2, f2
            m2 = lo + g * (hi - lo)
            f2 = f(m2)
    return min(min(values), f1, f2, 0.0)


def interface_minimum(system: dict[str, Any], a: str, b: str) -> float:
    """The most negative reaction energy (eV/atom of the mixture) of phases ``a`` and ``b`` over all mixing ratios."""
    return _interface_minimum(key(system), a, b)


class FormulaMap(Answer):
    """A map ``formula: number, formula: number`` (braces optional; ``:`` or ``=``; ``,`` or ``;`` between pairs).

    Formulas are compared as reduced compositions (Fe4O6 is Fe2O3); every expected
    formula must appear exactly once, none other may, and each number must lie within
    the tolerance. The expected value is a dict formula -> number.
    """

    expects = "a map formula: number"
    max_chars = 2000
    max_items = 16

    def __init__(self, rel_tol: float = 0.0, abs_tol: float = 0.01, what: str = "fraction") -> None:
        self.rel_tol, self.abs_tol, self.what = rel_tol, abs_tol, what
        self._formula = Formula(reduced=True)

    @property
    def instruction(self) -> str:  # type: ignore[override]
        return (f"Give every phase with its {self.what} as formula: number pairs separated by commas, e.g. "
                f"\\boxed{{Fe2O3: 0.6, Fe: 0.4}} ({tolerance_text(self.rel_tol, self.abs_tol)} is accepted for "
                "each number; list every phase once and no other).")

    def parse(self, text: str) -> list[tuple[Any, float]] | None:
        items = split_items(text, self.max_items, self.max_chars)
        if not items:
            return None
        out = []
        for item in items:
            sep = ":" if ":" in item else "="
            if item.count(sep) != 1:
                return None
            left, right = (s.strip() for s in item.split(sep))
            if len(left) > self._formula.max_chars:
                return None
            comp = self._formula.parse(left.replace("\\text{", "").replace("\\mathrm{", "").replace("}", ""))
            value = parse_value(right)
            if comp is None or value is None or comp[1] != 0:
                return None
            out.append((comp, value))
        return out

    def compare(self, text: str, expected: Any) -> float:
        got = self.parse(text)
        if got is None:
            return invalid(f"expected {self.expects}")
        want = dict(expected)
        if len(got) != len(want):
            return Score(0.0, "wrong", "wrong number of phases")
        left = list(got)
        for formula, value in want.items():
            hit = next((i for i, g in enumerate(left) if self._formula.matches(g[0], formula)), None)
            if hit is None:
                return Score(0.0, "wrong", f"missing {formula}")
            if not close_enough(left[hit][1], float(value), self.rel_tol, self.abs_tol):
                return Score(0.0, "wrong", f"wrong amount of {formula}")
            left.pop(hit)
        return 1.0

    def write(self, expected: Any) -> str:
        return ", ".join(f"{f}: {number_text(round(float(v), 4))}" for f, v in dict(expected).items())

    def near_misses(self, expected: Any) -> list[str]:
        items = list(dict(expected).items())
        step = 5 * max(self.abs_tol, self.rel_tol * max(abs(float(v)) for _, v in items))
        out = [self.write(dict(items[:-1])) if len(items) > 1 else self.write({items[0][0]: 2.0 * items[0][1] + 1})]
        out.append(self.write({**dict(items), items[0][0]: float(items[0][1]) + step}))
        if len(items) > 1:  # the amounts swapped between two phases
            swapped = dict(items)
            swapped[items[0][0]], swapped[items[1][0]] = float(items[1][1]) + step, float(items[0][1])
            out.append(self.write(swapped))
        out.append(self.write({**dict(items), "Xe": 0.1}))
        return [w for w in dict.fromkeys(out) if self.check(w, expected) < 1.0]
