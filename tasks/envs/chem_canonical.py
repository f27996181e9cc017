"""Which SMILES strings are the same molecule? Canonicalise them with RDKit to find out.

Eight entries: shuffled-atom-order spellings of a reference molecule mixed with spellings of its one-edit
near-misses (the other enantiomer, a methyl homologue, N/O swapped...). Comparing such strings by eye is
unreliable; ``rdkit_canonical`` makes it mechanical. The answer is the set of entry numbers (other than
entry 1) that are the same molecule as entry 1, stereochemistry included.
"""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid

N_ENTRIES = 8
_INT_LIST = re.compile(r"^\{?\s*\d{1,2}(?:\s*[,;]\s*\d{1,2}|\s+(?:and\s+)?\d{1,2})*\s*\}?$")


def parse_int_set(answer: object, largest: int) -> set[int] | None:
    """The set of integers 1..``largest`` a short list states (``2, 5, 7``, ``{2;5}``, ``2 and 5``), or None.

    ``none`` and the empty set ``{}`` give the empty set; a repeated or out-of-range number is None."""
    if not isinstance(answer, str) or len(answer) > 200:
        return None
    t = answer.strip().removeprefix("\\text{").removesuffix("}").replace("\\{", "{").replace("\\}", "}").strip()
    if t.lower() in ("none", "{}", "\\emptyset", "∅"):
        return set()
    if not _INT_LIST.match(t):
        return None
    nums = [int(x) for x in re.findall(r"\d+", t)]
    if len(set(nums)) != len(nums) or any(not 1 <= n <= largest for n in nums):
        return None
    return set(nums)


class SameMolecule(Environment):
    """Find the entries that spell the same molecule as entry 1."""

    id = "chem/same_molecule_smiles"
    description = "Group SMILES spellings by molecule (near-miss decoys, stereo included) with RDKit canonicalisation."
    tools = ("rdkit_canonical",)
    max_turns = 5
    max_tool_calls = 12

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.chem._common import POOL_SMILES, mol_of, random_smiles, variants

        while True:
            ref = rng.choice(POOL_SMILES)
            if not 8 <= mol_of(ref).GetNumHeavyAtoms() <= 30:
                continue
            decoys = variants(ref, limit=6, offset=rng.randrange(64))
            if len(decoys) < 3:
                continue
            n_same = rng.randint(2, 4)  # entries 2..8 that are the reference molecule
            others = [rng.choice(decoys) for _ in range(N_ENTRIES - 1 - n_same)]
            rest = [ref] * n_same + others
            rng.shuffle(rest)
            molecules = [ref] + rest
            entries: list[str] = []
            for m in molecules:  # distinct spellings, none identical to the canonical one when avoidable
                s = random_smiles(m, rng)
                for _ in range(5):
                    if s not in entries and s != m:
                        break
                    s = random_smiles(m, rng)
                entries.append(s)
            answer = sorted(i + 1 for i in range(1, N_ENTRIES) if molecules[i] == ref)
            return {"entries": entries, "answer": answer}

    def prompt(self, identity: dict[str, Any]) -> str:
        lines = "\n".join(f"{i + 1}: {s}" for i, s in enumerate(identity["entries"]))
        return ("Here are eight SMILES strings:\n" + lines + "\nWhich of entries 2-8 describe exactly the same "
                "molecule as entry 1 (same constitution and the same stereochemistry)? Give their numbers as a "
                "comma-separated list in \\boxed{} (e.g. \\boxed{2, 5}), or \\boxed{none}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        got = parse_int_set(answer, N_ENTRIES)
        if got is None:
            return invalid("not a list of entry numbers 2-8")
        return 1.0 if got == set(identity["answer"]) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return ", ".join(str(n) for n in identity["answer"]) or "none"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("rdkit_canonical", {"smiles": s}) for s in identity["entries"][4 * turn: 4 * turn + 4]]


register_env(SameMolecule())
