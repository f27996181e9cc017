"""Shared sequence helpers for the biology tasks: alphabets, codon tables, answer cleaning, base classes."""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp import Score, Task, invalid

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


def clean_sequence(answer: str, alphabet: str = "ACGT") -> str | None:
    """Upper-case sequence without spaces, or None when it has foreign letters."""
    if not isinstance(answer, str) or len(answer) > MAX_SEQ_CHARS:
        return None
    seq = re.sub(r"\\text\{([^{}]*)\}", r"\1", answer)
    seq = "".join(seq.split()).upper().replace("5'", "").replace("3'", "").replace("-", "").replace("$", "")
    if not seq or any(c not in alphabet for c in seq):
        return None
    return seq


def point_mutants(seq: str, alphabet: str, n: int = 3) -> list[str]:
    """A few one-letter changes of ``seq`` (deterministic)."""
    out = []
    for pos in (0, len(seq) // 2, len(seq) - 1)[:n]:
        repl = next(c for c in alphabet if c != seq[pos])
        out.append(seq[:pos] + repl + seq[pos + 1:])
    return out


class ExactSequenceTask(Task):
    """A task whose answer is one exact sequence over ``alphabet`` (subclasses define ``answer``)."""

    alphabet = "ACGT"

    def answer(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        seq = clean_sequence(answer, self.alphabet + "*")
        if seq is None:
            return invalid("not a sequence over " + self.alphabet)
        return 1.0 if seq.rstrip("*") == self.answer(identity).rstrip("*") else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return self.answer(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        seq = self.answer(identity)
        return point_mutants(seq, self.alphabet) + [seq[:-1] or "A", seq + seq[-1]]


def parse_int_list(answer: str, limit: int = 500) -> list[int] | None:
    """Integers of a list answer ("3, 17, 40" or "[3 17 40]"); None when it is not one."""
    if not isinstance(answer, str) or len(answer) > 10_000:
        return None
    t = answer.strip().strip("$").replace("\\{", "").replace("\\}", "")
    t = t.strip().strip("[](){}").strip()
    if t.lower() in ("none", "empty", "-", ""):
        return []
    parts = [p for p in re.split(r"[,;\s]+", t) if p]
    if len(parts) > limit or not all(re.fullmatch(r"[-+]?\d{1,9}", p) for p in parts):
        return None
    return [int(p) for p in parts]
