"""GC content of a region of a long DNA sequence, with a base-counting tool and the calculator.

The sequence (2000-4000 nt, with GC-rich and AT-rich stretches) is in the prompt, but counting the G and
C of a 500-1500 nt region by eye is hopeless; the episode's tool ``biology_base_counts`` counts the
bases of any region, and ``calculator`` turns counts into a percentage. Accepted within 0.01
percentage points (exact counts give the exact value).
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

ABS_TOL = 0.01


@tool("biology_base_counts",
      "Count the bases A, C, G, T in a region of this episode's DNA sequence (1-based, both ends inclusive).",
      {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}},
       "required": ["start", "end"], "additionalProperties": False})
def base_counts_tool(args: dict[str, Any], context: dict[str, Any]) -> str:
    dna = context["identity"]["sequence"]
    start, end = args["start"], args["end"]
    if not 1 <= start <= end <= len(dna):
        raise ToolError(f"need 1 <= start <= end <= {len(dna)}")
    region = dna[start - 1:end]
    counts = ", ".join(f"{b}: {region.count(b)}" for b in "ACGT")
    return f"region {start}-{end} ({len(region)} nt): {counts}"


def _biased(rng: random.Random, length: int, gc: float) -> str:
    return "".join(rng.choice("GC") if rng.random() < gc else rng.choice("AT") for _ in range(length))


class GcContent(Environment):
    """GC percentage of one region of a long sequence."""

    id = "biology/gc_content_region"
    description = "GC content of a region of a 2000-4000 nt sequence (base-count tool, calculator)."
    tools = ("biology_base_counts", "calculator")
    max_turns = 5
    max_tool_calls = 8

    def generate(self, rng: random.Random) -> dict[str, Any]:
        parts = [_biased(rng, rng.randint(200, 700), rng.choice((0.3, 0.45, 0.55, 0.7))) for _ in range(6)]
        dna = "".join(parts)
        length = rng.randint(500, min(1500, len(dna) - 10))
        start = rng.randint(1, len(dna) - length + 1)
        region = dna[start - 1:start - 1 + length]
        gc = region.count("G") + region.count("C")
        return {"sequence": dna, "start": start, "end": start + length - 1, "gc": gc,
                "percent": round(100 * gc / length, 6)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("DNA sequence (positions from 1):\n" + identity["sequence"] + "\n"
                f"What is the GC content (percentage of G and C bases) of the region from position "
                f"{identity['start']} to position {identity['end']}, both inclusive? Give the percentage (e.g. "
                f"47.25, within {ABS_TOL} percentage points) in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        value = parse_number(answer)
        if value is None:
            return invalid("not a number")
        return 1.0 if close_enough(value, identity["percent"], abs_tol=ABS_TOL) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{identity['percent']:.4f}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn == 0:
            return [("biology_base_counts", {"start": identity["start"], "end": identity["end"]})]
        if turn == 1:
            length = identity["end"] - identity["start"] + 1
            return [("calculator", {"expression": f"100 * {identity['gc']} / {length}"})]
        return []


register_env(GcContent())
