"""Phase stability from a convex hull the policy can only query: stable compounds and decomposition products.

Each episode is a generated binary or ternary chemical system: the pure elements (0 eV/atom) and 4-7
compounds with formation energies. The energies are *not* in the prompt; they sit in the identity's
``entries``, which the ``phase_diagram`` tool reads, so the policy has to query the hull to answer.
Energies are redrawn until every compound is clearly on or off the hull (by at least
:data:`MARGIN` eV/atom either way), so the answer does not hinge on rounding.

Two environments:

- ``materials/hull_stable_compounds``: list every compound of the system that is on the hull.
- ``materials/hull_decomposition``: the phases a given composition decomposes into at 0 K.

Answers are sets of formulas, compared as reduced compositions (Li2Si2 = LiSi), in any order.
"""

from __future__ import annotations

import functools
import json
import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid

#: Smallest distance (eV/atom) of any compound from the hull, above or below.
MARGIN = 0.015
MAX_SET_CHARS = 500


def _formula(elements: list[str], amounts: tuple[int, ...]) -> str:
    from bootcamp.answers.chemistry import formula_text

    return formula_text({el: n for el, n in zip(elements, amounts, strict=True) if n})


@functools.lru_cache(maxsize=512)
def _analyse(entries_json: str) -> dict[str, Any]:
    """Stable compounds and each compound's signed distance to the hull of the others (cached)."""
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    entries = json.loads(entries_json)
    pd_entries = [PDEntry(Composition(e["composition"]), e["energy_per_atom"] * Composition(e["composition"]).num_atoms,
                          name=e["composition"]) for e in entries]
    pd = PhaseDiagram(pd_entries)
    compounds = [e for e in pd_entries if len(e.composition.elements) > 1]
    stable = [e.name for e in compounds if e in pd.stable_entries]
    margins = []
    for e in compounds:
        if e in pd.stable_entries:
            margins.append(-float(pd.get_decomp_and_phase_separation_energy(e)[1]))
        else:
            margins.append(float(pd.get_e_above_hull(e)))
    return {"stable": stable, "margin": min(margins)}


@functools.lru_cache(maxsize=512)
def _products(entries_json: str, formula: str) -> list[str]:
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    entries = json.loads(entries_json)
    pd = PhaseDiagram([PDEntry(Composition(e["composition"]),
                               e["energy_per_atom"] * Composition(e["composition"]).num_atoms, name=e["composition"])
                       for e in entries])
    decomp = pd.get_decomposition(Composition(formula))
    return sorted(e.name for e, amount in decomp.items() if amount > 1e-6)


def random_entries(rng: random.Random) -> list[dict[str, Any]]:
    """Elements (0 eV/atom) and 4-7 compounds of a binary or ternary system, every compound clear of the hull."""
    from tasks.materials.stability import _BINARY_STOICH, _BINARY_SYSTEMS, _TERNARY_STOICH, _TERNARY_SYSTEMS

    while True:
        ternary = rng.random() < 0.4
        elements = list(rng.choice(_TERNARY_SYSTEMS if ternary else _BINARY_SYSTEMS))
        pool = [_formula(elements[:2], s) for s in _BINARY_STOICH]
        if ternary:
            pool += [_formula(elements[1:], s) for s in _BINARY_STOICH[:6]]
            pool += [_formula(elements, s) for s in _TERNARY_STOICH]
        formulas = rng.sample(pool, rng.randint(4, 7))
        entries = [{"composition": el, "energy_per_atom": 0.0} for el in elements]
        entries += [{"composition": f, "energy_per_atom": round(-rng.uniform(0.05, 1.2), 3)} for f in formulas]
        info = _analyse(json.dumps(entries))
        if info["margin"] >= MARGIN and info["stable"]:
            return entries


def parse_formula_set(answer: object) -> list[Any] | None:
    """Compositions of a comma-, semicolon- or 'and'-separated list of formulas; None when any item fails."""
    from bootcamp.verifiers.formula import parse_formula

    if not isinstance(answer, str) or len(answer) > MAX_SET_CHARS:
        return None
    t = answer.strip().removeprefix("\\{").removesuffix("\\}").strip().strip("{}")
    for sep in (";", " and ", " + ", "+"):
        t = t.replace(sep, ",")
    parts = [p.strip() for p in t.split(",")]
    if not parts or any(not p for p in parts) or len(parts) > 20:
        return None
    comps = [parse_formula(p) for p in parts]
    return None if any(c is None for c in comps) else comps


def same_formula_set(answer: str, truth: list[str]) -> float:
    """1.0 when ``answer`` lists exactly the phases ``truth`` (reduced compositions, any order, no repeats)."""
    from bootcamp.verifiers.formula import parse_formula, same_composition

    got = parse_formula_set(answer)
    if got is None:
        return invalid("not a list of formulas")
    want = [parse_formula(t) for t in truth]
    unmatched = list(want)
    for comp in got:
        hit = next((w for w in unmatched if same_composition(comp, w, reduced=True)), None)
        if hit is None:
            return Score(0.0, "wrong", "a listed phase is not in the answer")
        unmatched.remove(hit)
    return 1.0 if not unmatched else Score(0.0, "wrong", f"{len(unmatched)} phase(s) missing")


def _system(entries: list[dict[str, Any]]) -> str:
    elements = [e["composition"] for e in entries if e["energy_per_atom"] == 0.0]  # compounds are below -0.05
    compounds = [e["composition"] for e in entries if e["energy_per_atom"] != 0.0]
    return (f"The {'-'.join(elements)} system has these phases (formation energies relative to the pure elements, "
            f"which are at 0 eV/atom, are available only through the phase_diagram tool): "
            f"{', '.join(elements + compounds)}. No other phases exist.")


class StableCompounds(Environment):
    """List every compound on the hull of a system whose energies only the tool knows."""

    id = "materials/hull_stable_compounds"
    description = "List the stable compounds of a generated chemical system by querying its convex hull."
    tools = ("phase_diagram",)
    max_turns = 5
    max_tool_calls = 12

    def generate(self, rng: random.Random) -> dict[str, Any]:
        entries = random_entries(rng)
        return {"entries": entries, "stable": _analyse(json.dumps(entries))["stable"]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (_system(identity["entries"]) + " Which of the compounds (not the pure elements) are thermodynamically "
                "stable at 0 K, i.e. on the convex hull? List all of them, comma-separated, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return same_formula_set(answer, identity["stable"])

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return ", ".join(identity["stable"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        compounds = [e["composition"] for e in identity["entries"] if e["energy_per_atom"] != 0.0]
        return [("phase_diagram", {"formula": f}) for f in compounds[4 * turn: 4 * turn + 4]]


class Decomposition(Environment):
    """The phases a composition separates into, from a hull only the tool can see."""

    id = "materials/hull_decomposition"
    description = "Decomposition products of a composition in a generated chemical system (convex hull queries)."
    tools = ("phase_diagram",)
    max_turns = 4
    max_tool_calls = 8

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            entries = random_entries(rng)
            stable = set(_analyse(json.dumps(entries))["stable"])
            unstable = [e["composition"] for e in entries if e["energy_per_atom"] != 0.0
                        and e["composition"] not in stable]
            if unstable and rng.random() < 0.7:
                target = rng.choice(unstable)
            else:
                elements = [e["composition"] for e in entries if e["energy_per_atom"] == 0.0]
                target = _formula(elements, tuple(rng.randint(1, 7) for _ in elements))
            products = _products(json.dumps(entries), target)
            return {"entries": entries, "target": target, "products": products}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (_system(identity["entries"]) + f" A sample of overall composition {identity['target']} is brought to "
                "equilibrium at 0 K. Which phases does it consist of (its decomposition products on the convex "
                "hull; a single phase if it is itself stable)? List them, comma-separated, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return same_formula_set(answer, identity["products"])

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return ", ".join(identity["products"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("phase_diagram", {"formula": identity["target"]})] if turn == 0 else []


register_env(StableCompounds())
register_env(Decomposition())
