"""Constrained molecule design: propose any molecule meeting property and substructure constraints.

Constraints are built around a witness molecule from the pool, so every
problem has a solution (``solve`` returns the witness); the verifier checks
the constraints with RDKit, so every molecule that meets them scores 1.0.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from typing import Any

from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

from bootcamp import Score, Task, invalid
from bootcamp.verifiers.smiles import parse_molecule
from tasks.chem._common import BOX, POOL_SMILES, SizeLevels, formula_of, mol_of, variants
from tasks.chem._molgen import DEFAULT_SIZE, build
from tasks.chem.groups import GROUPS

#: Largest molecule a design answer may be.
MAX_DESIGN_HEAVY_ATOMS = 100

# kind -> (function of a molecule, how the prompt names it)
PROPERTIES: dict[str, tuple[Callable[[Chem.Mol], float], str]] = {
    "mw": (Descriptors.MolWt, "molecular weight (g/mol)"),
    "logp": (Crippen.MolLogP, "Wildman-Crippen logP (RDKit MolLogP)"),
    "tpsa": (rdMolDescriptors.CalcTPSA, "topological polar surface area (RDKit TPSA, Å²)"),
    "rings": (rdMolDescriptors.CalcNumRings, "number of rings (SSSR)"),
    "aromatic_rings": (rdMolDescriptors.CalcNumAromaticRings, "number of aromatic rings"),
    "hbd": (Lipinski.NumHDonors, "number of H-bond donors (RDKit NumHDonors)"),
    "hba": (Lipinski.NumHAcceptors, "number of H-bond acceptors (RDKit NumHAcceptors)"),
    "rotb": (rdMolDescriptors.CalcNumRotatableBonds, "number of rotatable bonds (RDKit default)"),
    "heavy_atoms": (lambda m: m.GetNumHeavyAtoms(), "number of heavy atoms"),
    "nitrogens": (lambda m: sum(a.GetAtomicNum() == 7 for a in m.GetAtoms()), "number of nitrogen atoms"),
    "oxygens": (lambda m: sum(a.GetAtomicNum() == 8 for a in m.GetAtoms()), "number of oxygen atoms"),
}
RING_SYSTEMS = {"benzene ring": "c1ccccc1", "pyridine ring": "n1ccccc1", "piperidine ring": "N1CCCCC1",
                "piperazine ring": "N1CCNCC1", "morpholine ring": "N1CCOCC1", "indole": "c1ccc2[nH0,nH]ccc2c1",
                "cyclohexane ring": "C1CCCCC1", "thiophene ring": "s1cccc1", "pyrrolidine ring": "N1CCCC1",
                "imidazole ring": "c1cnc[nH0,nH]1", "naphthalene": "c1ccc2ccccc2c1", "furan ring": "o1cccc1"}
_SUBSTRUCTURES = {**{k: Chem.MolFromSmarts(v) for k, v in GROUPS.items()},
                  **{k: Chem.MolFromSmarts(v) for k, v in RING_SYSTEMS.items()}}
_SMARTS_TEXT = {**GROUPS, **RING_SYSTEMS}

#: Grid of a range constraint's ends, per property (integer properties: 1).
_STEP = {"mw": 0.1, "logp": 0.01, "tpsa": 0.1}

# A design's constraint kinds: ranges are windows of one to two widths around the witness's value.
DESIGNS: dict[str, dict[str, Any]] = {
    "design_mw_logp": {"ranges": {"mw": 20.0, "logp": 0.5}, "exact": [], "groups": 0, "rings": 0},
    "design_group_rings_mw": {"ranges": {"mw": 40.0}, "exact": ["rings"], "groups": 1, "rings": 0},
    "design_hbond_tpsa": {"ranges": {"tpsa": 10.0}, "exact": ["hbd", "hba"], "groups": 0, "rings": 0},
    "design_aromatic_rotb_size": {"ranges": {"rotb": 2.0, "heavy_atoms": 4.0, "logp": 0.5}, "exact": ["aromatic_rings"],
                                  "groups": 0, "rings": 0},
    "design_scaffold_logp_mw": {"ranges": {"logp": 1.0, "mw": 50.0}, "exact": [], "groups": 0, "rings": 1},
    "design_two_groups_heteroatoms": {"ranges": {"heavy_atoms": 3.0}, "exact": ["nitrogens", "oxygens"], "groups": 2, "rings": 0},
    "design_formula": {"ranges": {}, "exact": [], "groups": 0, "rings": 0, "formula": True},
}


@functools.lru_cache(maxsize=8192)
def _prop(kind: str, smiles: str) -> float:
    return float(PROPERTIES[kind][0](mol_of(smiles)))


def _present(name: str, smiles: str) -> bool:
    return mol_of(smiles).HasSubstructMatch(_SUBSTRUCTURES[name])


def satisfied(mol: Chem.Mol, constraint: dict[str, Any]) -> bool:
    """Whether a molecule meets one constraint of an identity."""
    kind = constraint["kind"]
    if kind == "formula":
        return formula_of(mol) == constraint["value"]
    if kind == "contains":
        return mol.HasSubstructMatch(_SUBSTRUCTURES[constraint["name"]])
    value = float(PROPERTIES[kind][0](mol))
    return constraint["min"] - 1e-9 <= value <= constraint["max"] + 1e-9


def describe(constraint: dict[str, Any]) -> str:
    kind = constraint["kind"]
    if kind == "formula":
        return f"molecular formula exactly {constraint['value']}"
    if kind == "contains":
        return f"contains the substructure '{constraint['name']}' (SMARTS {_SMARTS_TEXT[constraint['name']]})"
    what = PROPERTIES[kind][1]
    lo, hi = constraint["min"], constraint["max"]
    return f"{what} exactly {lo:g}" if lo == hi else f"{what} between {lo:g} and {hi:g}"


class MoleculeDesign(SizeLevels, Task):
    """Propose a molecule that meets every listed constraint (levels: the witness molecule's size)."""

    version = 2
    description = "Design a molecule meeting property and substructure constraints."
    default_params = {"design": "design_mw_logp", "size": DEFAULT_SIZE}
    molecule_key = "witness"

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self.spec = DESIGNS[self.params["design"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            witness = build(rng, self.params["size"])
            constraints = self._constraints(witness, rng)
            if constraints is not None:
                return {"constraints": constraints, "witness": witness}

    def _constraints(self, witness: str, rng: random.Random) -> list[dict[str, Any]] | None:
        spec = self.spec
        out: list[dict[str, Any]] = []
        if spec.get("formula"):
            out.append({"kind": "formula", "value": formula_of(mol_of(witness))})
        for kind, width in spec["ranges"].items():
            # A window of one to two widths around the witness's value, placed at random, its ends on
            # a fine grid: windows (and so prompts) rarely repeat.
            value, step = _prop(kind, witness), _STEP.get(kind, 1.0)
            span = width * rng.uniform(1.0, 2.0)
            lo = value - span * rng.uniform(0.15, 0.85)
            lo, hi = math.floor(lo / step) * step, math.ceil((lo + span) / step) * step
            out.append({"kind": kind, "min": round(lo, 2), "max": round(hi, 2)})
        for kind in spec["exact"]:
            value = _prop(kind, witness)
            out.append({"kind": kind, "min": value, "max": value})
        if spec["groups"]:
            present = [g for g in GROUPS if _present(g, witness)]
            if len(present) < spec["groups"]:
                return None
            for g in sorted(rng.sample(present, spec["groups"])):
                out.append({"kind": "contains", "name": g})
        rings = [r for r in RING_SYSTEMS if _present(r, witness)] if spec["rings"] else []
        if len(rings) < spec["rings"]:
            return None
        for r in sorted(rng.sample(rings, spec["rings"])):
            out.append({"kind": "contains", "name": r})
        return out

    def prompt(self, identity: dict[str, Any]) -> str:
        rules = "; ".join(describe(c) for c in identity["constraints"])
        return (f"Propose one molecule (a single connected structure, at most {MAX_DESIGN_HEAVY_ATOMS} heavy "
                f"atoms) that meets all of these constraints, computed with RDKit: {rules}. Any molecule that "
                f"meets them all is accepted. Give its SMILES. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        mol = parse_molecule(answer)
        if mol is None:
            return invalid("not a valid SMILES")
        if len(Chem.GetMolFrags(mol)) != 1 or mol.GetNumHeavyAtoms() > MAX_DESIGN_HEAVY_ATOMS:
            return Score(0.0, "wrong", "not a single molecule of allowed size")
        met = sum(satisfied(mol, c) for c in identity["constraints"])
        n = len(identity["constraints"])
        return 1.0 if met == n else Score(0.5 * met / n, "wrong", f"{n - met} constraint(s) not met")

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["witness"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        candidates = variants(identity["witness"], limit=6)
        start = POOL_SMILES.index(identity["witness"]) if identity["witness"] in POOL_SMILES else 0
        candidates += [POOL_SMILES[(start + k) % len(POOL_SMILES)] for k in (1, 2, 3)]
        return [c for c in candidates if self.check(c, identity) < 1.0][:6]


def register(registry: Any) -> None:
    for name in DESIGNS:
        registry.register(MoleculeDesign, f"chem/{name}", {"design": name},
                          f"Constrained molecule design ({name.removeprefix('design_').replace('_', ', ')}).")
