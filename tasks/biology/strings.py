"""String algorithms on sequences: distances, k-mers, motifs, common substrings, consensus."""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask, SetTask
from tasks.biology._seq import ExactSequenceTask, clean_sequence, random_dna
from tasks.common.strings import edit_distance

_INT = "Give the answer as an integer in \\boxed{}."


def mutate(rng: random.Random, seq: str, n: int, indels: bool = False) -> str:
    """``seq`` with ``n`` random substitutions (and insertions/deletions when ``indels``)."""
    s = list(seq)
    for _ in range(n):
        op = rng.choice("sid") if indels and len(s) > 2 else "s"
        pos = rng.randrange(len(s))
        if op == "s":
            s[pos] = rng.choice([c for c in "ACGT" if c != s[pos]])
        elif op == "i":
            s.insert(pos, rng.choice("ACGT"))
        else:
            del s[pos]
    return "".join(s)


def longest_common_substring_length(a: str, b: str) -> int:
    """Length of the longest string that is a substring of both."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ca == cb else 0)
        best = max(best, max(cur))
        prev = cur
    return best


def kmer_counts(seq: str, k: int) -> Counter:
    """Overlapping k-mer counts."""
    return Counter(seq[i:i + k] for i in range(len(seq) - k + 1))


def motif_positions(seq: str, motif: str) -> list[int]:
    """1-based start positions of ``motif`` in ``seq``, overlaps included."""
    return [i + 1 for i in range(len(seq) - len(motif) + 1) if seq.startswith(motif, i)]


class IntegerSeqTask(IntegerTask):
    """Integer answers about one or two sequences; ``kind`` picks the quantity."""

    version = 3

    description = "An integer quantity of DNA sequences."
    # ``scale`` stretches each id's sequence length, so one set of levels fits every kind.
    default_params = {"kind": "hamming", "length": 40, "k": 3, "scale": 1.0}
    levels = ({"scale": 0.75}, {"scale": 1.0}, {"scale": 1.5}, {"scale": 2.0}, {"scale": 3.0})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to compare or scan (times the alignment width for the edit distance)."""
        a = identity["a"]
        if self.params["kind"] == "edit":
            return float(len(a) * len(identity["b"]))
        return float(len(a))
    _TEXT = {
        "hamming": "What is the Hamming distance between {a} and {b}?",
        "edit": "What is the edit (Levenshtein) distance between {a} and {b}, counting each substitution, "
                "insertion and deletion as 1?",
        "kmer_count": "How many times does {k} occur in {a}, counting overlapping occurrences?",
        "distinct_kmers": "How many distinct substrings of length {k} (k-mers) does {a} contain?",
    }

    def generate(self, rng: random.Random) -> dict[str, Any]:
        kind, n = self.params["kind"], round(self.params["length"] * self.params["scale"])
        a = random_dna(rng, n)
        if kind in ("hamming",):
            return {"a": a, "b": mutate(rng, a, rng.randint(3, n // 2))}
        if kind == "edit":
            # at least 8 edits may be drawn: indels cancel, so fewer make a few distances dominate
            return {"a": a, "b": mutate(rng, a, rng.randint(2, max(8, n // 3)), indels=True)}
        if kind == "kmer_count":
            k = self.params["k"]  # 2: a longer k-mer's count is 1 or 2 too often (a farmable answer)
            start = rng.randrange(n - k)
            return {"a": a, "k": a[start:start + k]}
        # k near log4(n) + 2: no 2-mers in a long sequence (it holds all 16 of them), no long k-mers in a short
        # one (they are all distinct, n - k + 1): both would be farmable answers
        log = math.log(n, 4)
        return {"a": a, "k": rng.randint(max(2, int(log)), min(self.params["k"], int(log + 2.4)))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return self._TEXT[self.params["kind"]].format(**identity) + " " + _INT

    def value(self, identity: dict[str, Any]) -> int:
        """The integer answer."""
        kind, a = self.params["kind"], identity["a"]
        if kind == "hamming":
            return sum(x != y for x, y in zip(a, identity["b"], strict=False))
        if kind == "edit":
            return edit_distance(a, identity["b"])
        if kind == "kmer_count":
            return kmer_counts(a, len(identity["k"]))[identity["k"]]
        return len(kmer_counts(a, identity["k"]))



class MostFrequentKmer(Task):
    version = 3
    description = "A most frequent k-mer of a DNA sequence (any of the tied ones is accepted)."
    default_params = {"length": 60, "k": 5}
    levels = ({"length": 30}, {"length": 45}, {"length": 60}, {"length": 90}, {"length": 120})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """k-mers to tally."""
        return float(len(identity["sequence"]) - identity["k"] + 1)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # A planted repeat makes the maximum nearly always unique, so other seeds' answers fail.
        k = rng.randint(3, self.params["k"])
        seq, kmer = list(random_dna(rng, self.params["length"])), random_dna(rng, k)
        for _ in range(rng.randint(4, 6)):
            pos = rng.randrange(len(seq) - k)
            seq[pos:pos + k] = kmer
        return {"sequence": "".join(seq), "k": k}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Which substring of length {identity['k']} occurs most often (overlaps counted) in "
                f"{identity['sequence']}? If several tie, give any one of them, in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        seq = clean_sequence(answer)
        if seq is None:
            return invalid("not a DNA sequence")
        counts = kmer_counts(identity["sequence"], identity["k"])
        return 1.0 if len(seq) == identity["k"] and counts[seq] == max(counts.values()) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        counts = kmer_counts(identity["sequence"], identity["k"])
        return min(counts, key=lambda km: (-counts[km], km))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        counts = kmer_counts(identity["sequence"], identity["k"])
        least = min(counts, key=lambda km: (counts[km], km))
        return [least, answer + "A", answer[:-1] or "T"]


class LongestCommonSubstring(Task):
    version = 3
    description = "A longest common substring of two DNA sequences (any longest one is accepted)."
    default_params = {"length": 40}
    levels = ({"length": 20}, {"length": 30}, {"length": 40}, {"length": 60}, {"length": 80})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Cells of the dynamic-programming table."""
        return float(len(identity["a"]) * len(identity["b"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a = random_dna(rng, self.params["length"])
        return {"a": a, "b": mutate(rng, a, rng.randint(3, self.params["length"] // 4), indels=True)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give a longest common substring (contiguous) of {identity['a']} and {identity['b']}. If several "
                "have the maximal length, any one is accepted. Put it in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        seq = clean_sequence(answer)
        if seq is None:
            return invalid("not a DNA sequence")
        best = longest_common_substring_length(identity["a"], identity["b"])
        ok = len(seq) == best and seq in identity["a"] and seq in identity["b"]
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        a, b = identity["a"], identity["b"]
        n = longest_common_substring_length(a, b)
        return min(a[i:i + n] for i in range(len(a) - n + 1) if a[i:i + n] in b)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer[:-1] or "A", answer + "A", answer[::-1] if answer[::-1] != answer else answer + "C"]


class MotifPositions(SetTask):
    version = 3
    description = "1-based start positions of a motif in a DNA sequence."
    default_params = {"length": 80, "motif_length": 4}
    levels = ({"length": 40}, {"length": 60}, {"length": 80}, {"length": 120}, {"length": 160})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Positions to scan."""
        return float(len(identity["sequence"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        motif = random_dna(rng, self.params["motif_length"])
        seq = list(random_dna(rng, self.params["length"]))
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(seq) - len(motif))
            seq[pos:pos + len(motif)] = motif
        return {"sequence": "".join(seq), "motif": motif}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"List every 1-based start position of the motif {identity['motif']} in {identity['sequence']} "
                "(overlapping occurrences count), in increasing order, separated by commas, in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> list[int]:
        return motif_positions(identity["sequence"], identity["motif"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        pos = motif_positions(identity["sequence"], identity["motif"])
        return [", ".join(str(p - 1) for p in pos), ", ".join(map(str, pos[:-1] + [pos[-1] + 1])),
                ", ".join(map(str, pos + [len(identity["sequence"]) + 5]))]


class Consensus(ExactSequenceTask):
    version = 3
    description = "Consensus sequence of aligned DNA sequences."
    default_params = {"count": 7, "length": 20}
    levels = ({"count": 3, "length": 10}, {"count": 5, "length": 15}, {"count": 7, "length": 20},
              {"count": 9, "length": 30}, {"count": 11, "length": 40})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bases to tally (sequences times columns)."""
        return float(len(identity["sequences"]) * len(identity["sequences"][0]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        base = random_dna(rng, self.params["length"])
        while True:
            seqs = [mutate(rng, base, rng.randint(2, self.params["length"] // 2)) for _ in range(self.params["count"])]
            cols = [Counter(col).most_common(2) for col in zip(*seqs, strict=False)]
            if all(len(c) == 1 or c[0][1] > c[1][1] for c in cols):
                return {"sequences": seqs}

    def prompt(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(identity["sequences"])
        return ("Give the consensus sequence (the most common base in each column; no column has a tie) of these "
                f"aligned sequences, in \\boxed{{}}:\n{rows}")

    def value(self, identity: dict[str, Any]) -> str:
        return "".join(Counter(col).most_common(1)[0][0] for col in zip(*identity["sequences"], strict=False))


def register(registry: Any) -> None:
    registry.register(IntegerSeqTask, "biology/hamming_distance", {"kind": "hamming"}, "Hamming distance of two sequences.")
    registry.register(IntegerSeqTask, "biology/edit_distance", {"kind": "edit", "length": 24},
                      "Levenshtein distance of two sequences.")
    registry.register(IntegerSeqTask, "biology/kmer_count", {"kind": "kmer_count", "length": 120, "k": 2},
                      "Occurrences of a k-mer in a sequence.")
    registry.register(IntegerSeqTask, "biology/distinct_kmers", {"kind": "distinct_kmers", "length": 40, "k": 5},
                      "Number of distinct k-mers of a sequence.")
    registry.register(MostFrequentKmer, "biology/most_frequent_kmer")
    registry.register(LongestCommonSubstring, "biology/longest_common_substring")
    registry.register(MotifPositions, "biology/motif_positions")
    registry.register(Consensus, "biology/consensus_sequence")
