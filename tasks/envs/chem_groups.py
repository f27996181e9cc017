"""Count functional groups in a large molecule with SMARTS substructure searches.

The molecule is one of the larger pool molecules; three SMARTS patterns (functional groups and ring
atoms) are given, and the answer is the number of matches of each, in order. Counting overlapping
matches in a 30-80 atom SMILES by eye is where models slip; ``rdkit_substructure`` counts exactly. The
count is what RDKit's ``GetSubstructMatches`` returns (unique matches), which the prompt states.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid

#: Patterns beyond the functional groups: counted atom by atom, so counts run higher.
EXTRA_PATTERNS = {"aromatic carbon": "c", "aromatic nitrogen": "n", "carbonyl group": "[CX3]=[OX1]",
                  "sp3 carbon": "[CX4]", "ring nitrogen": "[#7;R]", "hydroxyl group": "[OX2H]",
                  "halogen atom": "[F,Cl,Br,I]", "methyl group": "[CH3]"}
_COUNTS = re.compile(r"^\(?\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\)?$")


def _patterns() -> dict[str, str]:
    from tasks.chem.groups import GROUPS

    # rdkit_substructure refuses recursive SMARTS ($(...)): only plain patterns are asked for
    return {k: v for k, v in {**GROUPS, **EXTRA_PATTERNS}.items() if "$(" not in v}


@functools.lru_cache(maxsize=2048)
def count_matches(smiles: str, smarts: str) -> int:
    """Unique SMARTS matches in a trusted SMILES (RDKit ``GetSubstructMatches`` defaults)."""
    from rdkit import Chem

    from tasks.chem._common import mol_of

    return len(mol_of(smiles).GetSubstructMatches(Chem.MolFromSmarts(smarts)))


def parse_counts(answer: object, n: int) -> list[int] | None:
    """``n`` non-negative integers separated by commas or semicolons (``3, 0, 12``), or None."""
    if not isinstance(answer, str) or len(answer) > 100:
        return None
    t = answer.strip().removeprefix("\\text{").removesuffix("}").strip()
    if not _COUNTS.match(t):
        return None
    nums = [int(x) for x in re.findall(r"\d+", t)]
    return nums if len(nums) == n else None


class SmartsCounts(Environment):
    """Count three SMARTS patterns in one large molecule."""

    id = "chem/smarts_group_counts"
    description = "Count functional groups and ring atoms of a large molecule with SMARTS searches (RDKit)."
    tools = ("rdkit_substructure",)
    max_turns = 4
    max_tool_calls = 8

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.chem._common import POOL_SMILES, mol_of

        big = [s for s in POOL_SMILES if mol_of(s).GetNumHeavyAtoms() >= 22]
        pats = _patterns()
        while True:
            smiles = rng.choice(big)
            counts = {name: count_matches(smiles, sm) for name, sm in pats.items()}
            present = sorted(n for n, c in counts.items() if c > 0)
            absent = sorted(n for n, c in counts.items() if c == 0)
            if len(present) < 2:
                continue
            names = rng.sample(present, 2)
            rest = [p for p in present if p not in names]
            if absent and (rng.random() < 0.3 or not rest):  # sometimes a pattern that does not occur
                names.append(rng.choice(absent))
            elif rest:
                names.append(rng.choice(rest))
            else:
                continue
            rng.shuffle(names)
            return {"smiles": smiles, "groups": [{"name": n, "smarts": pats[n]} for n in names],
                    "answer": [counts[n] for n in names]}

    def prompt(self, identity: dict[str, Any]) -> str:
        groups = "\n".join(f"{i + 1}. {g['name']}: SMARTS {g['smarts']}" for i, g in enumerate(identity["groups"]))
        return (f"Molecule (SMILES): {identity['smiles']}\n"
                f"For each pattern below, how many times does it match the molecule? Count unique matches as "
                f"RDKit's GetSubstructMatches does (default options).\n{groups}\n"
                "Give the three counts in order, comma-separated, in \\boxed{} (e.g. \\boxed{2, 0, 7}).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        got = parse_counts(answer, len(identity["answer"]))
        if got is None:
            return invalid(f"not {len(identity['answer'])} comma-separated counts")
        right = sum(a == b for a, b in zip(got, identity["answer"], strict=True))
        if right == len(got):
            return 1.0
        return Score(0.5 * right / len(got), "wrong", f"{len(got) - right} count(s) wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return ", ".join(str(n) for n in identity["answer"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn > 0:
            return []
        return [("rdkit_substructure", {"smiles": identity["smiles"], "smarts": g["smarts"]})
                for g in identity["groups"]]


register_env(SmartsCounts())
