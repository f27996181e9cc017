"""Identify a molecule from its descriptor profile among near-identical candidates.

The candidates are the hidden molecule and its one-edit variants (a methyl added, N and O swapped, a
terminal atom dropped...), written as non-canonical SMILES, so their profiles differ by a few g/mol or a
fraction of a logP unit: telling them apart by hand is error-prone, with ``rdkit_descriptors`` it is a
lookup. The answer is the candidate's letter; every candidate's profile differs from the target's in at
least one stated value beyond its rounding, so exactly one letter is right.
"""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid

LETTERS = "ABCDEF"
_LETTER = re.compile(r"^\(?([A-Fa-f])\)?\.?$")


def _profile(smiles: str) -> dict[str, float]:
    """The stated profile of a trusted SMILES: values rounded as the prompt shows them."""
    from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

    from tasks.chem._common import mol_of

    mol = mol_of(smiles)
    return {"mol_weight": round(Descriptors.MolWt(mol), 2), "logp": round(Crippen.MolLogP(mol), 2),
            "tpsa": round(rdMolDescriptors.CalcTPSA(mol), 2), "hbd": Lipinski.NumHDonors(mol),
            "hba": Lipinski.NumHAcceptors(mol), "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(mol)}


def _distinct(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two profiles differ clearly in at least one value (beyond rounding noise)."""
    return (abs(a["mol_weight"] - b["mol_weight"]) > 0.05 or abs(a["logp"] - b["logp"]) > 0.05
            or abs(a["tpsa"] - b["tpsa"]) > 0.05 or any(a[k] != b[k] for k in ("hbd", "hba", "rotatable_bonds")))


def parse_letter(answer: object) -> str | None:
    """The candidate letter an answer names (``C``, ``(c)``, ``C.``), or None."""
    if not isinstance(answer, str) or len(answer) > 20:
        return None
    t = answer.strip().removeprefix("\\text{").removesuffix("}").strip()
    m = _LETTER.match(t)
    return m.group(1).upper() if m else None


class IdentifyByProfile(Environment):
    """Pick the candidate whose RDKit descriptor profile is the stated one."""

    id = "chem/identify_by_profile"
    description = "Identify a molecule from its descriptor profile among near-identical candidates (RDKit tools)."
    tools = ("rdkit_descriptors",)
    max_turns = 5
    max_tool_calls = 12

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.chem._common import POOL_SMILES, mol_of, random_smiles, variants

        while True:
            target = rng.choice(POOL_SMILES)
            if not 8 <= mol_of(target).GetNumHeavyAtoms() <= 35:
                continue
            want = _profile(target)
            chosen = [target]
            for v in variants(target, limit=8, offset=rng.randrange(64)) + rng.sample(POOL_SMILES, 6):
                if len(chosen) == len(LETTERS):
                    break
                if v not in chosen and all(_distinct(_profile(v), _profile(c)) for c in chosen):
                    chosen.append(v)
            if len(chosen) < len(LETTERS) or not all(_distinct(want, _profile(c)) for c in chosen[1:]):
                continue
            rng.shuffle(chosen)
            return {"candidates": [random_smiles(s, rng) for s in chosen], "profile": want,
                    "answer": LETTERS[chosen.index(target)]}

    def prompt(self, identity: dict[str, Any]) -> str:
        p = identity["profile"]
        cands = "\n".join(f"{LETTERS[i]}: {s}" for i, s in enumerate(identity["candidates"]))
        return ("Exactly one of these molecules has the descriptor profile below (RDKit: MolWt, MolLogP, TPSA, "
                "NumHDonors, NumHAcceptors, NumRotatableBonds; values rounded to 2 decimals):\n"
                f"molecular weight {p['mol_weight']:.2f}, logP {p['logp']:.2f}, TPSA {p['tpsa']:.2f}, "
                f"H-bond donors {p['hbd']}, H-bond acceptors {p['hba']}, rotatable bonds {p['rotatable_bonds']}.\n"
                f"Candidates:\n{cands}\n"
                "Answer with the candidate's letter only, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        letter = parse_letter(answer)
        if letter is None:
            return invalid("not a candidate letter A-F")
        return 1.0 if letter == identity["answer"] else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return identity["answer"]

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        cands = identity["candidates"]
        batch = cands[4 * turn: 4 * turn + 4]
        return [("rdkit_descriptors", {"smiles": s}) for s in batch]


register_env(IdentifyByProfile())
