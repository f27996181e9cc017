"""Shared sequence helpers for the biology tasks: alphabets, codon tables, the sequence answer kind."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import Answer, AnswerTask, Text, unwrap

COMPLEMENT = str.maketrans("ACGTU", "TGCAA")
DNA_COMPLEMENT = str.maketrans("ACGT", "TGCA")
AMINO = "ACDEFGHIKLMNPQRSTVWY"
MAX_SEQ_CHARS = 20_000

_BASES = "TCAG"
_CODONS = [a + b + c for a in _BASES for b in _BASES for c in _BASES]
# NCBI genetic codes in NCBI's compact form (amino acids for codons TTT, TTC, TTA, ... GGG).
NCBI_TABLES = {
    1: ("Standard", "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    2: ("Vertebrate Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSS**VVVVAAAADDEEGGGG"),
    3: ("Yeast Mitochondrial", "FFLLSSSSYY**CCWWTTTTPPPPHHQQRRRRIIMMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    4: ("Mold, Protozoan and Coelenterate Mitochondrial and Mycoplasma/Spiroplasma",
        "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    5: ("Invertebrate Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSSSSVVVVAAAADDEEGGGG"),
    6: ("Ciliate, Dasycladacean and Hexamita Nuclear", "FFLLSSSSYYQQCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    9: ("Echinoderm and Flatworm Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNNKSSSSVVVVAAAADDEEGGGG"),
    10: ("Euplotid Nuclear", "FFLLSSSSYY**CCCWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    12: ("Alternative Yeast Nuclear", "FFLLSSSSYY**CC*WLLLSPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    13: ("Ascidian Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSSGGVVVVAAAADDEEGGGG"),
    14: ("Alternative Flatworm Mitochondrial", "FFLLSSSSYYY*CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNNKSSSSVVVVAAAADDEEGGGG"),
    16: ("Chlorophycean Mitochondrial", "FFLLSSSSYY*LCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    21: ("Trematode Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNNKSSSSVVVVAAAADDEEGGGG"),
    22: ("Scenedesmus obliquus Mitochondrial", "FFLLSS*SYY*LCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    23: ("Thraustochytrium Mitochondrial", "FF*LSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    24: ("Rhabdopleuridae Mitochondrial", "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSSKVVVVAAAADDEEGGGG"),
    25: ("Candidate Division SR1 and Gracilibacteria", "FFLLSSSSYY**CCGWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
    26: ("Pachysolen tannophilus Nuclear", "FFLLSSSSYY**CC*WLLLAPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"),
}


def codon_table(table_id: int = 1) -> dict[str, str]:
    """DNA codon -> one-letter amino acid ('*' for stop) of an NCBI genetic code."""
    return dict(zip(_CODONS, NCBI_TABLES[table_id][1], strict=False))


STANDARD = codon_table(1)


def translate(dna: str, table: dict[str, str] = STANDARD, to_stop: bool = False) -> str:
    """Translate a DNA (or RNA) coding sequence codon by codon."""
    dna = dna.replace("U", "T")
    out = []
    for i in range(0, len(dna) - 2, 3):
        aa = table[dna[i:i + 3]]
        if to_stop and aa == "*":
            break
        out.append(aa)
    return "".join(out)


def random_dna(rng: random.Random, length: int) -> str:
    """A uniformly random DNA string."""
    return "".join(rng.choice("ACGT") for _ in range(length))


def reverse_complement(dna: str) -> str:
    """Reverse complement of a DNA string."""
    return dna.translate(DNA_COMPLEMENT)[::-1]


class Residues(Text):
    """A nucleotide or protein sequence over ``alphabet``: the :class:`~bootcamp.answers.Text` rule, with
    strand labels (``5'-...-3'``) and dashes dropped; with ``stop`` a final ``*`` (stop codon) is ignored."""

    expects = "a sequence"

    def __init__(self, alphabet: str = "ACGT", stop: bool = False) -> None:
        super().__init__(alphabet + ("*" if stop else ""), MAX_SEQ_CHARS)
        self.stop = stop

    def normalise(self, text: str) -> str:
        t = "".join(unwrap(text).split()).upper()
        for mark in ("5'", "3'", "-"):
            t = t.replace(mark, "")
        return t.strip("\"'`")

    def matches(self, got: Any, expected: Any) -> bool:
        want = self.normalise(str(expected))
        return got.rstrip("*") == want.rstrip("*") if self.stop else got == want


def clean_sequence(answer: str, alphabet: str = "ACGT") -> str | None:
    """The sequence an answer states (see :class:`Residues`), or None when it has foreign letters."""
    return Residues(alphabet).parse(answer) if isinstance(answer, str) and len(answer) <= MAX_SEQ_CHARS else None


def point_mutants(seq: str, alphabet: str, n: int = 3) -> list[str]:
    """A few one-letter changes of ``seq`` (deterministic)."""
    out = []
    for pos in (0, len(seq) // 2, len(seq) - 1)[:n]:
        repl = next(c for c in alphabet if c != seq[pos])
        out.append(seq[:pos] + repl + seq[pos + 1:])
    return out


class ExactSequenceTask(AnswerTask):
    """A task whose answer is one exact sequence over ``alphabet`` (subclasses define ``value``)."""

    version = 2

    alphabet = "ACGT"

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Residues(self.alphabet, stop=True)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        seq = self.value(identity)
        return point_mutants(seq, self.alphabet) + [seq[:-1] or "A", seq + seq[-1]]
