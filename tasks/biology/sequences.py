"""DNA sequence basics: reverse complement, GC content."""

from __future__ import annotations

import random
from typing import Any

from bootcamp import Score, Task, invalid
from rewards.verifiers.numeric import check_number

_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def random_dna(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def clean_sequence(answer: str, alphabet: str = "ACGT") -> str | None:
    """Upper-case sequence without spaces, or None when it has foreign letters."""
    if not isinstance(answer, str) or len(answer) > 100_000:
        return None
    seq = "".join(answer.split()).upper().replace("5'", "").replace("3'", "").strip("-")
    if not seq or any(c not in alphabet for c in seq):
        return None
    return seq


class ReverseComplement(Task):
    id = "biology/reverse_complement"
    description = "Reverse complement of a DNA sequence."
    default_params = {"length": 24}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"sequence": random_dna(rng, self.params["length"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give the reverse complement of the DNA sequence 5'-{identity['sequence']}-3' "
                "(written 5' to 3', letters only) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        seq = clean_sequence(answer)
        if seq is None:
            return invalid("not a DNA sequence")
        return 1.0 if seq == self.solve(identity) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["sequence"].translate(_COMPLEMENT)[::-1]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        flipped = "A" if answer[0] != "A" else "C"
        return [answer[::-1], flipped + answer[1:], identity["sequence"]]


class GcContent(Task):
    id = "biology/gc_content"
    description = "GC content of a DNA sequence, in percent."
    default_params = {"length": 40}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"sequence": random_dna(rng, self.params["length"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"What is the GC content of {identity['sequence']} in percent? "
                "Answer with a number (within 0.5 percentage points) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_number(answer.replace("%", ""), self._value(identity), rel_tol=0.0, abs_tol=0.5)

    def solve(self, identity: dict[str, Any]) -> str:
        return f"{self._value(identity):.2f}"

    @staticmethod
    def _value(identity: dict[str, Any]) -> float:
        seq = identity["sequence"]
        return 100.0 * sum(c in "GC" for c in seq) / len(seq)


def register(registry: Any) -> None:
    registry.register(ReverseComplement)
    registry.register(GcContent)
