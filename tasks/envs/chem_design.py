"""Molecule design with property feedback: propose a molecule that meets a molecular-weight window, a logP
ceiling, a TPSA ceiling and a required substructure.

The policy may probe any candidate with ``rdkit_descriptors`` and ``rdkit_substructure`` before it commits,
which is what makes the targets reachable: they are tight enough that guessing descriptor values by hand
rarely lands inside all of them. Targets are built around a witness molecule from the chemistry pool, so
every episode has a solution (the reference policy checks the witness with the tools, then answers it).
The final SMILES is checked with RDKit against every target: one parsed, connected molecule of at most
:data:`MAX_HEAVY_ATOMS` heavy atoms, else 0; partial credit is half the share of targets met.
"""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid

#: Largest molecule a design answer may be (RDKit work grows with size).
MAX_HEAVY_ATOMS = 70
#: Groups the designs may require (names from tasks.chem.groups.GROUPS or the ring systems of tasks.chem.design).
_REQUIRED = ("carboxylic acid", "ester", "amide", "alcohol", "phenol", "ether", "ketone", "aryl halide",
             "sulfonamide", "tertiary amine", "benzene ring", "pyridine ring", "piperidine ring",
             "morpholine ring", "piperazine ring", "thiophene ring")


def _smarts(name: str) -> str:
    from tasks.chem.design import _SMARTS_TEXT

    return _SMARTS_TEXT[name]


def _values(smiles: str) -> dict[str, float]:
    """MW, logP and TPSA of a trusted (pool) SMILES, as RDKit computes them."""
    from tasks.chem.design import _prop

    return {k: _prop(k, smiles) for k in ("mw", "logp", "tpsa")}


def _has(mol: Any, name: str) -> bool:
    from tasks.chem.design import _SUBSTRUCTURES

    return bool(mol.HasSubstructMatch(_SUBSTRUCTURES[name]))


class DesignWithFeedback(Environment):
    """Design a molecule meeting four targets, probing candidates with RDKit tools."""

    id = "chem/design_with_feedback"
    description = ("Design a molecule (MW window, logP and TPSA ceilings, a required substructure) using "
                   "RDKit descriptor and substructure tools as feedback.")
    tools = ("rdkit_descriptors", "rdkit_substructure")
    max_turns = 6
    max_tool_calls = 16

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.chem._common import POOL_SMILES, mol_of

        while True:
            witness = rng.choice(POOL_SMILES)
            mol = mol_of(witness)
            if not 10 <= mol.GetNumHeavyAtoms() <= 40 or any(a.GetFormalCharge() for a in mol.GetAtoms()):
                continue  # a neutral, drug-sized witness
            # recursive SMARTS are refused by rdkit_substructure, so only plain patterns are required
            present = [g for g in _REQUIRED if "$(" not in _smarts(g) and _has(mol, g)]
            if not present:
                continue
            v = _values(witness)
            lo = math.floor(v["mw"] - rng.uniform(3.0, 22.0))
            logp_max = round(math.ceil((v["logp"] + rng.uniform(0.1, 0.6)) * 10) / 10, 1)
            tpsa_max = float(math.ceil(v["tpsa"] + rng.uniform(2.0, 12.0)))
            return {"mw_min": float(lo), "mw_max": float(lo + 25), "logp_max": logp_max, "tpsa_max": tpsa_max,
                    "group": rng.choice(present), "witness": witness}

    def prompt(self, identity: dict[str, Any]) -> str:
        g = identity["group"]
        return (f"Design one molecule (a single connected structure, at most {MAX_HEAVY_ATOMS} heavy atoms) that "
                f"meets all of these targets, as RDKit computes them:\n"
                f"- molecular weight (RDKit MolWt) between {identity['mw_min']:g} and {identity['mw_max']:g} g/mol;\n"
                f"- Wildman-Crippen logP (RDKit MolLogP) at most {identity['logp_max']:g};\n"
                f"- topological polar surface area (RDKit TPSA) at most {identity['tpsa_max']:g} Å²;\n"
                f"- contains a {g} (SMARTS {_smarts(g)}).\n"
                "Use the tools to check candidates before you answer. Any molecule that meets every target is "
                "accepted. Give its SMILES in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        from bootcamp.verifiers.smiles import parse_molecule

        mol = parse_molecule(answer)
        if mol is None:
            return invalid("not a valid SMILES")
        from rdkit import Chem
        from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

        if len(Chem.GetMolFrags(mol)) != 1 or mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
            return Score(0.0, "wrong", "not a single molecule of allowed size")
        try:
            mw, logp, tpsa = Descriptors.MolWt(mol), Crippen.MolLogP(mol), rdMolDescriptors.CalcTPSA(mol)
        except Exception:  # noqa: BLE001 - a molecule RDKit cannot describe meets no target
            return Score(0.0, "wrong", "descriptors failed")
        met = [identity["mw_min"] <= mw <= identity["mw_max"], logp <= identity["logp_max"] + 1e-9,
               tpsa <= identity["tpsa_max"] + 1e-9, _has(mol, identity["group"])]
        if all(met):
            return 1.0
        return Score(0.5 * sum(met) / len(met), "wrong", f"{len(met) - sum(met)} target(s) not met")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return identity["witness"]

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn > 0:
            return []
        w = identity["witness"]
        return [("rdkit_descriptors", {"smiles": w}),
                ("rdkit_substructure", {"smiles": w, "smarts": _smarts(identity["group"])})]


register_env(DesignWithFeedback())
