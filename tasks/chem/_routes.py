"""Routes: parsing a route answer, checking one step against the reaction library, replaying a whole route.

A route is JSON, ``{"steps": [{"reactants": ["SMILES", ...], "product": "SMILES"}, ...]}``. A step is valid
when each reactant is a building block or the product of an earlier step, no reactant carries a group the
reaction forbids, and some library template, over every assignment of the reactants to its roles, gives
exactly one product (a step that would give a mixture of isomers is refused, as a chemist would refuse it)
and that product is the stated one (canonical SMILES, stereo-aware where the template keeps stereo;
by-products are not written). The product a later step may use is the template's product: a stereocentre
the route's author made up on a step that cannot set it is not carried forward.

Model output is hostile: the answer, the number of steps, reactants per step, SMILES length and atoms, and
the RDKit template runs per step are all capped before any work is done.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from typing import Any

from rdkit import Chem

from bootcamp import Score, invalid
from bootcamp.verifiers.smiles import parse_molecule
from tasks.chem._blocks import block_set
from tasks.chem._library import LIBRARY, forbidden_in, role_templates, rxn_of

#: Most characters of a route answer.
MAX_ROUTE_CHARS = 8000
#: Most steps a route answer may have before its length is even compared with the level's.
MAX_PARSED_STEPS = 8
#: Most reactants of one step.
MAX_REACTANTS = 3
#: Longest SMILES of a reactant or product, and most heavy atoms of one.
MAX_SMILES_CHARS = 300
MAX_ATOMS = 80
#: Most RDKit template runs one step may cost (a run is one assignment of reactants to roles).
MAX_RUNS_PER_STEP = 60
#: Most product sets one template run returns.
MAX_PRODUCTS = 16


@dataclass(frozen=True)
class Step:
    """One parsed step: canonical reactant SMILES and the stated product (canonical)."""

    reactants: tuple[str, ...]
    product: str


def canonical(smiles: str, stereo: bool = True) -> str | None:
    """Canonical SMILES of a (possibly hostile) SMILES within the caps, or None."""
    if not isinstance(smiles, str) or len(smiles) > MAX_SMILES_CHARS:
        return None
    mol = parse_molecule(smiles)
    if mol is None or mol.GetNumHeavyAtoms() > MAX_ATOMS:
        return None
    return Chem.MolToSmiles(mol, isomericSmiles=stereo)


@functools.lru_cache(maxsize=8192)
def _mol(smiles: str) -> Chem.Mol:
    """The molecule of an already-canonical SMILES (cached; routes repeat molecules)."""
    return Chem.MolFromSmiles(smiles)


def _flat(smiles: str) -> str:
    return Chem.MolToSmiles(_mol(smiles), isomericSmiles=False)


@functools.lru_cache(maxsize=16384)
def template_products(name: str, reactants: tuple[str, ...]) -> tuple[str, ...] | None:
    """Distinct products (isomeric canonical SMILES, sorted) of library reaction ``name`` over every assignment
    of the canonical ``reactants`` to its roles; None when the reaction cannot apply (role count, or a role no
    reactant fits)."""
    templates = role_templates(name)
    if len(templates) != len(reactants):
        return None
    mols = [_mol(s) for s in reactants]
    if not all(any(m.HasSubstructMatch(t) for m in mols) for t in templates):
        return None
    rxn = rxn_of(name)
    out: set[str] = set()
    for order in dict.fromkeys(itertools.permutations(range(len(mols)))):
        ordered = [mols[i] for i in order]
        if not all(m.HasSubstructMatch(t) for m, t in zip(ordered, templates, strict=True)):
            continue
        try:
            results = rxn.RunReactants(tuple(ordered), MAX_PRODUCTS)
        except Exception:  # noqa: BLE001 - a weird reactant gives no product
            continue
        for products in results:
            mol = products[0]
            try:
                Chem.SanitizeMol(mol)
                out.add(Chem.MolToSmiles(Chem.MolFromSmiles(Chem.MolToSmiles(mol))))
            except Exception:  # noqa: BLE001 - an unsanitisable product is no product
                continue
    return tuple(sorted(out))


def unique_product(name: str, reactants: tuple[str, ...]) -> str | None:
    """The one product of ``name`` on ``reactants`` (a mixture, none, a forbidden group or a no-op give None)."""
    products = template_products(name, reactants)
    if not products:
        return None
    keys = {p if LIBRARY[name].stereo else _flat(p) for p in products}
    if len(keys) != 1 or products[0] in reactants:
        return None
    if forbidden_in(name, [_mol(s) for s in reactants]) is not None:
        return None
    return products[0]


def candidate_reactions(reactants: tuple[str, ...]) -> list[str]:
    """Library reactions whose roles the reactants could fill (same count; each role fitted by some reactant)."""
    mols = [_mol(s) for s in reactants]
    out = []
    for name in LIBRARY:
        templates = role_templates(name)
        if len(templates) == len(mols) and all(any(m.HasSubstructMatch(t) for m in mols) for t in templates):
            out.append(name)
    return out


def check_step(reactants: tuple[str, ...], product: str) -> tuple[str | None, str]:
    """``(reaction, carried product)`` when some template makes ``product`` from ``reactants``, else
    ``(None, why)``. All SMILES canonical."""
    runs = 0
    why = f"no template turns {' + '.join(reactants)} into {product}"
    for name in candidate_reactions(reactants):
        runs += max(1, len(reactants)) if len(reactants) < 3 else 6
        if runs > MAX_RUNS_PER_STEP:
            return None, why + " (template budget used up)"
        products = template_products(name, reactants)
        if not products:
            continue
        stereo = LIBRARY[name].stereo
        stated = product if stereo else _flat(product)
        keys = [p if stereo else _flat(p) for p in products]
        if stated not in keys:
            continue
        if len(set(keys)) != 1:
            why = f"{name} gives a mixture of {len(set(keys))} products on these reactants"
            continue
        if products[0] in reactants:
            why = f"{name} leaves the reactants unchanged"
            continue
        bad = forbidden_in(name, [_mol(s) for s in reactants])
        if bad is not None:
            why = f"{name} is ruled out: a reactant carries a {bad} the reagents would attack"
            continue
        return name, products[0]
    return None, why


def parse_route(answer: str) -> list[Step] | Score:
    """The steps of a route answer, or a zero score that says what is malformed (which step)."""
    if not isinstance(answer, str) or len(answer) > MAX_ROUTE_CHARS:
        return invalid(f"route answer missing or over {MAX_ROUTE_CHARS} characters")
    try:
        data = json.loads(answer)
    except (ValueError, RecursionError):
        return invalid("route is not valid JSON")
    if isinstance(data, list):
        data = {"steps": data}
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        return invalid('route must be {"steps": [...]} with at least one step')
    if len(data["steps"]) > MAX_PARSED_STEPS:
        return Score(0.0, "wrong", f"route of {len(data['steps'])} steps; far over any level's length")
    steps = []
    for k, raw in enumerate(data["steps"], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("reactants"), list) or "product" not in raw:
            return invalid(f"step {k}: needs 'reactants' (a list) and 'product'")
        if not 1 <= len(raw["reactants"]) <= MAX_REACTANTS:
            return invalid(f"step {k}: 1 to {MAX_REACTANTS} reactants")
        reactants = []
        for s in raw["reactants"]:
            can = canonical(s)
            if can is None:
                return invalid(f"step {k}: reactant {str(s)[:60]!r} is not a valid SMILES within the limits")
            reactants.append(can)
        product = canonical(raw["product"])
        if product is None:
            return invalid(f"step {k}: product {str(raw['product'])[:60]!r} is not a valid SMILES within the limits")
        if "." in product or any("." in r for r in reactants):
            return invalid(f"step {k}: one molecule per SMILES (list reactants separately)")
        steps.append(Step(tuple(reactants), product))
    return steps


def replay(steps: list[Step], target: str, max_steps: int) -> Score | float:
    """1.0 when ``steps`` is a valid route of at most ``max_steps`` steps to ``target``; else 0 with the reason."""
    if len(steps) > max_steps:
        return Score(0.0, "wrong", f"route of {len(steps)} steps; at most {max_steps} allowed")
    blocks = block_set()
    made: dict[str, str] = {}  # stated or carried product -> carried product
    last = None
    for k, step in enumerate(steps, start=1):
        used = []
        for r in step.reactants:
            if r in made:
                used.append(made[r])
            elif r in blocks:
                used.append(r)
            else:
                return Score(0.0, "wrong", f"step {k}: reactant {r} is neither a building block nor an earlier "
                                           "step's product")
        name, carried = check_step(tuple(used), step.product)
        if name is None:
            return Score(0.0, "wrong", f"step {k}: {carried}")
        made[step.product] = carried
        made[carried] = carried
        last = carried
    if last != target:
        return Score(0.0, "wrong", f"the last step makes {last}, not the target")
    return 1.0


def first_invalid_step(steps: list[Step]) -> int | None:
    """The number of the first step that does not replay (1-based), or None when every step does."""
    blocks = block_set()
    made: dict[str, str] = {}
    for k, step in enumerate(steps, start=1):
        used = [made.get(r, r) for r in step.reactants]
        if any(r not in blocks and r not in made for r in step.reactants):
            return k
        name, carried = check_step(tuple(used), step.product)
        if name is None:
            return k
        made[step.product] = carried
        made[carried] = carried
    return None


def route_json(steps: list[dict[str, Any]]) -> str:
    """The answer text of a route given as ``[{"reactants": [...], "product": ...}]``."""
    return json.dumps({"steps": [{"reactants": list(s["reactants"]), "product": s["product"]} for s in steps]},
                      separators=(",", ":"))
