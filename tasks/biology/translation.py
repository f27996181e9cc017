"""Translation with NCBI genetic codes, reverse translation, ORFs and codon usage."""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask, Number
from tasks.biology._seq import (
    AMINO,
    NCBI_TABLES,
    STANDARD,
    ExactSequenceTask,
    clean_sequence,
    codon_table,
    random_dna,
    reverse_complement,
    translate,
)

_PROTEIN = "Give the protein in one-letter amino-acid codes (no stop symbol) in \\boxed{}."


class Translate(ExactSequenceTask):
    """Translate a coding sequence with an NCBI genetic code (``table``); ``strand`` says what is given."""

    description = "Translate a coding sequence with an NCBI genetic code."
    version = 3
    alphabet = AMINO
    default_params = {"table": 1, "codons": 15, "strand": "mrna"}
    levels = ({"codons": 5}, {"codons": 10}, {"codons": 15}, {"codons": 25}, {"codons": 40})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Codons to read."""
        return float(len(identity["sequence"]) // 3)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        table = codon_table(self.params["table"])
        sense = [c for c, aa in table.items() if aa != "*"]
        # Codons this code reads differently from the standard one (what makes the id its own question).
        special = [c for c in sense if table[c] != STANDARD[c]]
        codons = ["ATG"] + [rng.choice(sense) for _ in range(self.params["codons"] - 1)]
        for _ in range(min(3, len(special))):
            codons[rng.randrange(1, len(codons))] = rng.choice(special)
        stop = rng.choice([c for c, aa in table.items() if aa == "*"])
        dna = "".join(codons) + stop
        if self.params["strand"] == "template":
            return {"sequence": reverse_complement(dna)}
        return {"sequence": dna.replace("T", "U")}

    def prompt(self, identity: dict[str, Any]) -> str:
        name = NCBI_TABLES[self.params["table"]][0]
        code = f"the NCBI genetic code table {self.params['table']} ({name})"
        if self.params["strand"] == "template":
            what = (f"The template (antisense) DNA strand of a gene is 5'-{identity['sequence']}-3'. Translate the "
                    f"mRNA it encodes, from its first codon to the stop codon, using {code}.")
        else:
            what = f"Translate the mRNA 5'-{identity['sequence']}-3' from its first codon up to the stop codon using {code}."
        return f"{what} {_PROTEIN}"

    def _coding(self, identity: dict[str, Any]) -> str:
        seq = identity["sequence"]
        return reverse_complement(seq) if self.params["strand"] == "template" else seq.replace("U", "T")

    def value(self, identity: dict[str, Any]) -> str:
        return translate(self._coding(identity), codon_table(self.params["table"]), to_stop=True)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = super().perturb(answer, identity)
        standard = translate(self._coding(identity), STANDARD, to_stop=True)
        return out + ([standard] if standard and standard != answer else [])


class ReverseTranslate(Task):
    version = 3
    description = "A DNA coding sequence for a protein (any synonymous codons; checked by translating back)."
    default_params = {"length": 12}
    levels = ({"length": 6}, {"length": 9}, {"length": 12}, {"length": 18}, {"length": 30})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Residues to encode."""
        return float(len(identity["protein"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"protein": "M" + "".join(rng.choice(AMINO) for _ in range(self.params["length"] - 1))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Write a DNA coding sequence (5' to 3', A/C/G/T only) that encodes the protein {identity['protein']} "
                "under the standard genetic code, ending with a stop codon. Any choice of synonymous codons is "
                "accepted. Put the sequence in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        seq = clean_sequence(answer.replace("U", "T").replace("u", "t") if isinstance(answer, str) else answer)
        if seq is None:
            return invalid("not a DNA sequence")
        protein = identity["protein"]
        if len(seq) != 3 * (len(protein) + 1):
            return Score(0.0, "wrong", "length does not match protein plus stop codon")
        return 1.0 if translate(seq, STANDARD) == protein + "*" else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        first = {}
        for codon, aa in STANDARD.items():
            first.setdefault(aa, codon)
        return "".join(first[aa] for aa in identity["protein"]) + first["*"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer[:-3], answer[3:], "ATG" + answer[3:-3] + "TGG", answer[:3] + "TGG" + answer[6:]]


def _degeneracy(aa: str) -> int:
    return sum(1 for v in STANDARD.values() if v == aa)


class MrnaCount(IntegerTask):
    version = 3
    description = "Number of distinct mRNAs (coding region plus stop) that encode a protein."
    default_params = {"length": 8}
    levels = ({"length": 5}, {"length": 6}, {"length": 8}, {"length": 11}, {"length": 15})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Residues whose codon counts multiply."""
        return float(len(identity["protein"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["length"]
        return {"protein": "".join(rng.choice(AMINO) for _ in range(rng.randint(max(4, n // 2), n)))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Under the standard genetic code, how many different mRNA coding sequences (the codons for "
                f"{identity['protein']} followed by one stop codon) encode the protein {identity['protein']}? Give "
                "the exact integer in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> int:
        """The exact count."""
        return math.prod(_degeneracy(a) for a in identity["protein"]) * _degeneracy("*")



def open_reading_frames(dna: str) -> list[str]:
    """Proteins of every ORF (ATG to the first in-frame stop) on both strands, standard code."""
    out = []
    for strand in (dna, reverse_complement(dna)):
        for i in range(len(strand) - 2):
            if strand.startswith("ATG", i):
                protein = translate(strand[i:], STANDARD)
                if "*" in protein:
                    out.append(protein.split("*", 1)[0])
    return out


class LongestOrf(ExactSequenceTask):
    description = "Protein of the longest open reading frame in six frames."
    version = 3
    alphabet = AMINO
    default_params = {"length": 120}
    levels = ({"length": 60}, {"length": 90}, {"length": 120}, {"length": 180}, {"length": 240})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to scan in six frames."""
        return float(len(identity["sequence"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            dna = random_dna(rng, self.params["length"])
            proteins = sorted(open_reading_frames(dna), key=len, reverse=True)
            if proteins and len(proteins[0]) >= 5 and (len(proteins) == 1 or len(proteins[1]) < len(proteins[0])):
                return {"sequence": dna}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Consider all six reading frames of the DNA {identity['sequence']} (both strands). An ORF runs "
                "from ATG to the first in-frame stop codon (standard genetic code). Give the protein encoded by the "
                "longest ORF, in one-letter codes without the stop, in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> str:
        return max(open_reading_frames(identity["sequence"]), key=len)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        others = [p for p in open_reading_frames(identity["sequence"]) if p != answer]
        return super().perturb(answer, identity) + others[:2]


class CodonUsage(Task):
    version = 3
    description = "Share of an amino acid's codons that use one particular synonymous codon."
    default_params = {"codons": 60}
    levels = ({"codons": 20}, {"codons": 40}, {"codons": 60}, {"codons": 100}, {"codons": 150})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Codons to classify."""
        return float(len(identity["sequence"]) // 3)
    _AAS = ("L", "S", "R", "A", "G", "P", "T", "V")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        aa = rng.choice(self._AAS)
        syn = [c for c, a in STANDARD.items() if a == aa]
        weights = [rng.random() for _ in syn]
        sense = [c for c, a in STANDARD.items() if a not in "*"]
        codons = ["ATG"]
        for _ in range(self.params["codons"]):
            codons.append(rng.choices(syn, weights)[0] if rng.random() < 0.35 else rng.choice(sense))
        counts = Counter(c for c in codons if STANDARD[c] == aa)
        codon = rng.choice(sorted(counts))
        return {"sequence": "".join(codons) + "TAA", "codon": codon}

    def prompt(self, identity: dict[str, Any]) -> str:
        aa = STANDARD[identity["codon"]]
        return (f"In the coding sequence {identity['sequence']} (read in frame from the first base, standard code), "
                f"what fraction of the codons that encode amino acid {aa} are {identity['codon']}? Give a number "
                "between 0 and 1 within 0.005 (absolute) in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> float:
        """The fraction."""
        seq, codon = identity["sequence"], identity["codon"]
        codons = [seq[i:i + 3] for i in range(0, len(seq) - 2, 3)]
        syn = [c for c in codons if STANDARD[c] == STANDARD[codon]]
        return syn.count(codon) / len(syn)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return Number(0.0, 0.005).check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return f"{self.value(identity):.4f}"


_ALT_TABLES = (2, 3, 4, 5, 6, 9, 10, 12, 13, 14)


def register(registry: Any) -> None:
    registry.register(Translate, "biology/translate_mrna", {"table": 1},
                      "Translate an mRNA with the standard genetic code.")
    registry.register(Translate, "biology/translate_template_strand", {"table": 1, "strand": "template"},
                      "Translate the mRNA encoded by a template DNA strand (standard code).")
    for t in _ALT_TABLES:
        registry.register(Translate, f"biology/translate_table{t}", {"table": t},
                          f"Translate an mRNA with NCBI genetic code {t} ({NCBI_TABLES[t][0]}).")
    registry.register(ReverseTranslate, "biology/reverse_translation")
    registry.register(MrnaCount, "biology/mrna_count")
    registry.register(LongestOrf, "biology/longest_orf_protein")
    registry.register(CodonUsage, "biology/codon_usage_fraction")
