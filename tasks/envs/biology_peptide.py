"""Average molecular mass of a long peptide, with a residue-counting tool and the calculator.

The peptide has 60-200 residues; its mass is the sum of the average residue masses the prompt lists,
plus one water. By hand that is 20 counts over a long string and a long sum; with
``biology_residue_counts`` and ``calculator`` it is two calls. Accepted within 0.05 Da.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

#: Average residue masses (Da), as in ExPASy's table; a peptide adds one water.
RESIDUE_MASS = {"A": "71.0788", "R": "156.1875", "N": "114.1038", "D": "115.0886", "C": "103.1388",
                "E": "129.1155", "Q": "128.1307", "G": "57.0519", "H": "137.1411", "I": "113.1594",
                "L": "113.1594", "K": "128.1741", "M": "131.1926", "F": "147.1766", "P": "97.1167",
                "S": "87.0782", "T": "101.1051", "W": "186.2132", "Y": "163.1760", "V": "99.1326"}
WATER = "18.01524"
ABS_TOL = 0.05
MAX_TOOL_SEQUENCE = 5000


@tool("biology_residue_counts",
      "Count each letter of a protein sequence (one-letter amino-acid codes); returns JSON {letter: count}.",
      {"type": "object", "properties": {"sequence": {"type": "string"}}, "required": ["sequence"],
       "additionalProperties": False})
def residue_counts_tool(args: dict[str, Any], context: dict[str, Any]) -> str:
    seq = "".join(args["sequence"].split()).upper()
    if not seq or len(seq) > MAX_TOOL_SEQUENCE:
        raise ToolError(f"the sequence must have 1-{MAX_TOOL_SEQUENCE} letters")
    bad = sorted(set(seq) - set(RESIDUE_MASS))
    if bad:
        raise ToolError(f"not amino-acid codes: {''.join(bad[:10])}")
    return json.dumps({aa: seq.count(aa) for aa in sorted(set(seq))} | {"total": len(seq)})


def peptide_mass(seq: str) -> float:
    """Average mass of the neutral peptide (exact decimal sum, then rounded to float)."""
    return float(sum(Fraction(RESIDUE_MASS[aa]) for aa in seq) + Fraction(WATER))


class PeptideMass(Environment):
    """Average mass of a 60-200 residue peptide."""

    id = "biology/peptide_average_mass"
    description = "Average molecular mass of a long peptide from residue masses (residue-count tool, calculator)."
    tools = ("biology_residue_counts", "calculator")
    max_turns = 5
    max_tool_calls = 8

    def generate(self, rng: random.Random) -> dict[str, Any]:
        seq = "".join(rng.choice(sorted(RESIDUE_MASS)) for _ in range(rng.randint(60, 200)))
        return {"sequence": seq, "mass": round(peptide_mass(seq), 4)}

    def prompt(self, identity: dict[str, Any]) -> str:
        table = ", ".join(f"{aa} {m}" for aa, m in sorted(RESIDUE_MASS.items()))
        return (f"Peptide: {identity['sequence']}\nWhat is its average molecular mass in Da? Use these average "
                f"residue masses: {table}; the peptide's mass is the sum of its residue masses plus one water "
                f"({WATER}). Give the number (within {ABS_TOL} Da) in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        value = parse_number(answer)
        if value is None:
            return invalid("not a number")
        return 1.0 if close_enough(value, identity["mass"], abs_tol=ABS_TOL) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{identity['mass']:.4f}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        seq = identity["sequence"]
        if turn == 0:
            return [("biology_residue_counts", {"sequence": seq})]
        if turn == 1:
            terms = [f"{RESIDUE_MASS[aa]}*{seq.count(aa)}" for aa in sorted(set(seq))]
            return [("calculator", {"expression": " + ".join(terms) + f" + {WATER}"})]
        return []


register_env(PeptideMass())
