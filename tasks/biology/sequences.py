"""DNA sequence basics: complements, transcription, GC content, melting temperatures."""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp import Task, invalid
from bootcamp.answers import INTEGER, Number
from tasks.biology._seq import ExactSequenceTask, Residues, clean_sequence, random_dna, reverse_complement

__all__ = ["clean_sequence", "random_dna"]

_COMPLEMENT = str.maketrans("ACGT", "TGCA")

# SantaLucia (1998) unified nearest-neighbour parameters: dH (kcal/mol), dS (cal/(mol K)), 5'->3' / 3'->5'.
NN = {
    "AA": (-7.9, -22.2), "TT": (-7.9, -22.2), "AT": (-7.2, -20.4), "TA": (-7.2, -21.3),
    "CA": (-8.5, -22.7), "TG": (-8.5, -22.7), "GT": (-8.4, -22.4), "AC": (-8.4, -22.4),
    "CT": (-7.8, -21.0), "AG": (-7.8, -21.0), "GA": (-8.2, -22.2), "TC": (-8.2, -22.2),
    "CG": (-10.6, -27.2), "GC": (-9.8, -24.4), "GG": (-8.0, -19.9), "CC": (-8.0, -19.9),
}
INIT = {"GC": (0.1, -2.8), "AT": (2.3, 4.1)}  # per terminal base pair
_NN_TEXT = ("AA/TT -7.9 -22.2; AT/TA -7.2 -20.4; TA/AT -7.2 -21.3; CA/GT -8.5 -22.7; GT/CA -8.4 -22.4; "
            "CT/GA -7.8 -21.0; GA/CT -8.2 -22.2; CG/GC -10.6 -27.2; GC/CG -9.8 -24.4; GG/CC -8.0 -19.9; "
            "initiation per terminal G·C pair 0.1 -2.8, per terminal A·T pair 2.3 4.1")
_CT = 250e-9


def tm_nearest_neighbour(seq: str) -> float:
    """Duplex Tm (°C) in 1 M NaCl, non-self-complementary, total strand concentration 250 nM."""
    dh = sum(NN[seq[i:i + 2]][0] for i in range(len(seq) - 1))
    ds = sum(NN[seq[i:i + 2]][1] for i in range(len(seq) - 1))
    for end in (seq[0], seq[-1]):
        h, s = INIT["GC" if end in "GC" else "AT"]
        dh, ds = dh + h, ds + s
    return 1000 * dh / (ds + 1.987 * math.log(_CT / 4)) - 273.15


_DNA = Residues("ACGT")
_GC = Number(0.0, 0.5, percent=True)


class ReverseComplement(Task):
    version = 2
    id = "biology/reverse_complement"
    description = "Reverse complement of a DNA sequence."
    default_params = {"length": 24}
    levels = ({"length": 8}, {"length": 16}, {"length": 24}, {"length": 48}, {"length": 96})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to complement."""
        return float(len(identity["sequence"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"sequence": random_dna(rng, self.params["length"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give the reverse complement of the DNA sequence 5'-{identity['sequence']}-3' "
                "(written 5' to 3', letters only) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return _DNA.check(answer, self.solve(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["sequence"].translate(_COMPLEMENT)[::-1]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        flipped = "A" if answer[0] != "A" else "C"
        return [answer[::-1], flipped + answer[1:], identity["sequence"]]


class GcContent(Task):
    version = 3
    id = "biology/gc_content"
    description = "GC content of a DNA sequence, in percent."
    default_params = {"length": 40}
    # 12 bases, not fewer: a shorter sequence makes 50 % the answer of a quarter of the problems.
    levels = ({"length": 12}, {"length": 24}, {"length": 40}, {"length": 80}, {"length": 160})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to count."""
        return float(len(identity["sequence"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"sequence": random_dna(rng, self.params["length"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"What is the GC content of {identity['sequence']} in percent? "
                "Answer with a number (within 0.5 percentage points) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return _GC.check(answer, self._value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return f"{self._value(identity):.2f}"

    @staticmethod
    def _value(identity: dict[str, Any]) -> float:
        seq = identity["sequence"]
        return 100.0 * sum(c in "GC" for c in seq) / len(seq)


class StrandTask(ExactSequenceTask):
    """Complement or transcribe a strand; ``mode`` says which (params, not task names)."""

    version = 3
    description = "Complement or transcription of a DNA strand."
    default_params = {"length": 30, "mode": "complement"}
    levels = ({"length": 10}, {"length": 20}, {"length": 30}, {"length": 60}, {"length": 120})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to rewrite."""
        return float(len(identity["sequence"]))
    _MODES = {
        "complement": ("Give the complementary DNA strand of 5'-{s}-3', written 3' to 5' so that each base "
                       "pairs with the base above it (letters only)", "ACGT"),
        "transcribe_coding": ("The DNA coding (sense) strand of a gene is 5'-{s}-3'. Give the mRNA transcribed "
                              "from this gene, 5' to 3', in RNA letters (A, C, G, U)", "ACGU"),
        "transcribe_template": ("The DNA template (antisense) strand of a gene is 5'-{s}-3'. Give the mRNA "
                                "transcribed from it, 5' to 3', in RNA letters (A, C, G, U)", "ACGU"),
    }

    @property
    def alphabet(self) -> str:  # type: ignore[override]
        return self._MODES[self.params["mode"]][1]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"sequence": random_dna(rng, self.params["length"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return self._MODES[self.params["mode"]][0].format(s=identity["sequence"]) + ", in \\boxed{}."

    def value(self, identity: dict[str, Any]) -> str:
        seq, mode = identity["sequence"], self.params["mode"]
        if mode == "complement":
            return seq.translate(_COMPLEMENT)
        if mode == "transcribe_coding":
            return seq.replace("T", "U")
        return reverse_complement(seq).replace("T", "U")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        seq = identity["sequence"]
        return super().perturb(answer, identity) + [seq, reverse_complement(seq), seq.replace("T", "U")]


class MeltingTemperature(Task):
    """Melting temperature of an oligonucleotide by a stated rule (``method`` param)."""

    version = 3

    description = "Melting temperature of a DNA oligonucleotide."
    # ``scale`` stretches each id's primer length range, so one set of levels fits every method.
    default_params = {"method": "wallace", "min_length": 14, "max_length": 20, "scale": 1.0}
    levels = ({"scale": 0.5}, {"scale": 0.75}, {"scale": 1.0}, {"scale": 1.5}, {"scale": 2.0})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases (and nearest-neighbour stacks) to sum over."""
        return float(len(identity["sequence"]))
    _TEXT = {
        "wallace": "Using the Wallace rule Tm = 2 °C × (A + T) + 4 °C × (G + C), what is the melting temperature "
                   "of the primer 5'-{s}-3'? Give the number of °C as an integer in \\boxed{{}}.",
        "basic": "Using Tm = 64.9 + 41 × (nG + nC - 16.4) / N (N = length), what is the melting temperature of the "
                 "primer 5'-{s}-3', in °C? Give a number within 0.1 °C in \\boxed{{}}.",
        "nearest_neighbour": "Estimate the melting temperature of the duplex formed by 5'-{s}-3' and its exact "
                             "complement with the nearest-neighbour model: sum ΔH (kcal/mol) and ΔS (cal/(mol K)) "
                             "over the stacks (SantaLucia 1998, written 5'-3'/3'-5': " + _NN_TEXT + "), then "
                             "Tm = 1000 ΔH / (ΔS + R ln(CT/4)) - 273.15 with R = 1.987 cal/(mol K) and total strand "
                             "concentration CT = 250 nM (1 M NaCl, no salt correction). Give Tm in °C within "
                             "0.5 °C in \\boxed{{}}.",
    }

    def generate(self, rng: random.Random) -> dict[str, Any]:
        scale = self.params["scale"]
        lo, hi = round(self.params["min_length"] * scale), round(self.params["max_length"] * scale)
        return {"sequence": random_dna(rng, rng.randint(lo, hi))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return self._TEXT[self.params["method"]].format(s=identity["sequence"])

    def value(self, identity: dict[str, Any]) -> float:
        """The melting temperature in °C."""
        seq = identity["sequence"]
        gc = sum(c in "GC" for c in seq)
        if self.params["method"] == "wallace":
            return 2 * (len(seq) - gc) + 4 * gc
        if self.params["method"] == "basic":
            return 64.9 + 41 * (gc - 16.4) / len(seq)
        return tm_nearest_neighbour(seq)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str):
            return invalid()
        answer = answer.replace("°C", "").replace("^\\circ C", "").replace("^{\\circ}C", "")
        if self.params["method"] == "wallace":
            return INTEGER.check(answer, int(self.value(identity)))
        tol = 0.1 if self.params["method"] == "basic" else 0.5
        return Number(0.0, tol).check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        value = self.value(identity)
        return str(int(value)) if self.params["method"] == "wallace" else f"{value:.2f}"


def register(registry: Any) -> None:
    registry.register(ReverseComplement)
    registry.register(GcContent)
    registry.register(StrandTask, "biology/complement", {"mode": "complement"},
                      "Complementary strand of a DNA sequence (not reversed).")
    registry.register(StrandTask, "biology/transcription", {"mode": "transcribe_coding"},
                      "mRNA transcribed from a gene given its coding strand.")
    registry.register(StrandTask, "biology/transcription_from_template", {"mode": "transcribe_template"},
                      "mRNA transcribed from a gene given its template strand.")
    registry.register(MeltingTemperature, "biology/tm_wallace", {"method": "wallace"},
                      "Primer melting temperature by the Wallace rule.")
    registry.register(MeltingTemperature, "biology/tm_basic", {"method": "basic", "min_length": 18, "max_length": 30},
                      "Primer melting temperature by the basic GC formula.")
    registry.register(MeltingTemperature, "biology/tm_nearest_neighbour", {"method": "nearest_neighbour"},
                      "Duplex melting temperature by the nearest-neighbour model.")
