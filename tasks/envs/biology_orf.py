"""The protein of the longest open reading frame of a long DNA sequence, with a translation tool.

A 600-1200 nt forward strand hides one long ORF (ATG ... stop, 60-150 codons) among random sequence whose
own ORFs are much shorter. Reading the ORF's frame by eye and translating 100+ codons from the codon
table is where models fail; the episode's tool ``biology_translate`` translates the episode's sequence
from any position to the first in-frame stop codon, so the work left is finding the right start. The
answer is the protein (one-letter codes, standard code, without the stop).
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.types import Score, invalid

_STOPS = ("TAA", "TAG", "TGA")
#: The planted ORF is at least this many codons longer than any other ORF of the sequence.
MARGIN_CODONS = 20


def _translate_from(dna: str, start: int) -> tuple[str, int | None]:
    """Protein from 0-based ``start`` to the first in-frame stop, and the stop's 0-based end (None: no stop)."""
    from tasks.biology._seq import STANDARD

    out = []
    for i in range(start, len(dna) - 2, 3):
        aa = STANDARD[dna[i:i + 3]]
        if aa == "*":
            return "".join(out), i + 3
        out.append(aa)
    return "".join(out), None


def orfs(dna: str) -> list[tuple[int, str]]:
    """Every ATG-started, stop-terminated forward ORF: (0-based start, protein), outermost ATG per stop."""
    found, seen_stops = [], set()
    for i in range(len(dna) - 2):
        if dna[i:i + 3] == "ATG":
            protein, end = _translate_from(dna, i)
            if end is not None and end not in seen_stops:
                seen_stops.add(end)
                found.append((i, protein))
    return found


@tool("biology_translate",
      "Translate this episode's DNA sequence (standard genetic code) from a 1-based start position, codon by "
      "codon, up to and including the first in-frame stop codon; returns the protein and where it stopped.",
      {"type": "object", "properties": {"start": {"type": "integer", "description": "1-based position of the "
                                                  "first base of the first codon"}},
       "required": ["start"], "additionalProperties": False})
def translate_tool(args: dict[str, Any], context: dict[str, Any]) -> str:
    dna = context["identity"]["sequence"]
    start = args["start"]
    if not 1 <= start <= len(dna) - 2:
        raise ToolError(f"start must be between 1 and {len(dna) - 2}")
    protein, end = _translate_from(dna, start - 1)
    tail = f"stop codon at positions {end - 2}-{end}" if end is not None else "no stop codon before the end"
    return f"protein ({len(protein)} aa): {protein or '(empty)'}\n{tail}"


class OrfProtein(Environment):
    """Find the longest ORF of a long sequence and give its protein."""

    id = "biology/longest_orf_protein"
    description = "Protein of the longest forward ORF of a 600-1200 nt sequence (translation tool)."
    tools = ("biology_translate",)
    max_turns = 6
    max_tool_calls = 12

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.biology._seq import STANDARD, random_dna

        sense = [c for c, aa in STANDARD.items() if aa != "*"]
        while True:
            n_codons = rng.randint(60, 150)
            orf = "ATG" + "".join(rng.choice(sense) for _ in range(n_codons - 1)) + rng.choice(_STOPS)
            total = rng.randint(600, 1200)
            before = rng.randint(20, total - len(orf) - 20)
            dna = random_dna(rng, before) + orf + random_dna(rng, total - before - len(orf))
            found = sorted(orfs(dna), key=lambda o: -len(o[1]))
            if found[0][0] == before and (len(found) == 1 or len(found[1][1]) + MARGIN_CODONS <= len(found[0][1])):
                return {"sequence": dna, "start": before + 1, "protein": found[0][1]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Forward strand of a DNA sequence (5'->3', positions from 1):\n" + identity["sequence"] + "\n"
                "Find its longest open reading frame on this strand (from an ATG start codon to the first in-frame "
                "stop codon, standard genetic code) and give the protein it encodes, in one-letter codes, without "
                "the stop, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        from tasks.biology._seq import AMINO, clean_sequence

        got = clean_sequence(answer, AMINO + "*")
        if not got:
            return invalid("not a protein sequence")
        return 1.0 if got.rstrip("*") == identity["protein"] else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return identity["protein"]

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        return [("biology_translate", {"start": identity["start"]})] if turn == 0 else []


register_env(OrfProtein())
