"""Mendelian genetics: cross probabilities as exact fractions, Punnett ratios, sex linkage, ABO, binomial families."""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction
from itertools import product
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import NumberTask

_FRACTION = ("Give the probability as an exact fraction (e.g. 3/16) or as a decimal within 0.0001, "
             "in \\boxed{}.")
_LETTERS = "ABCDE"


def fraction_text(f: Fraction) -> str:
    """'3/16', or '1' / '0' for whole numbers."""
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def offspring(p1: str, p2: str) -> dict[str, Fraction]:
    """Offspring genotype distribution at one locus ("Aa" x "aa" -> {"Aa": 1/2, "aa": 1/2})."""
    out: dict[str, Fraction] = {}
    for a, b in product(p1, p2):
        g = "".join(sorted(a + b))  # upper case sorts first: "Aa"
        out[g] = out.get(g, Fraction(0)) + Fraction(1, 4)
    return out


def _genotype(rng: random.Random, letter: str) -> str:
    return rng.choice([letter * 2, letter + letter.lower(), letter.lower() * 2])


class _ProbabilityTask(NumberTask):
    """A task whose answer is the exact probability ``value(identity)``, as a fraction or within 1e-4."""

    version = 2

    rel_tol, abs_tol = 0.0, 1e-4

    def value(self, identity: dict[str, Any]) -> Fraction:
        raise NotImplementedError

    def solve(self, identity: dict[str, Any]) -> str:
        return fraction_text(self.value(identity))


class CrossProbability(_ProbabilityTask):
    """Probability of an offspring genotype or phenotype in a multi-locus cross (independent assortment)."""

    description = "Probability of an offspring class in a cross of independently assorting genes."
    default_params = {"target": "genotype", "max_loci": 4}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        loci = rng.randint(2, self.params["max_loci"])
        p1 = [_genotype(rng, _LETTERS[i]) for i in range(loci)]
        p2 = [_genotype(rng, _LETTERS[i]) for i in range(loci)]
        target = []
        for a, b in zip(p1, p2, strict=False):
            dist = offspring(a, b)
            if self.params["target"] == "genotype":
                target.append(rng.choice(sorted(dist)))
            else:
                target.append(rng.choice(sorted({"dominant" if g[0].isupper() else "recessive" for g in dist})))
        return {"parent1": "".join(p1), "parent2": "".join(p2), "target": target}

    def prompt(self, identity: dict[str, Any]) -> str:
        cross = f"{identity['parent1']} × {identity['parent2']}"
        if self.params["target"] == "genotype":
            what = f"have the genotype {''.join(identity['target'])}"
        else:
            traits = [f"{t} for gene {_LETTERS[i]}" for i, t in enumerate(identity["target"])]
            what = "show the phenotype " + ", ".join(traits)
        return (f"In the cross {cross}, the genes assort independently and each upper-case allele is completely "
                f"dominant. What fraction of the offspring {what}? {_FRACTION}")

    def value(self, identity: dict[str, Any]) -> Fraction:
        """The exact probability."""
        n = len(identity["target"])
        p = Fraction(1)
        for i in range(n):
            dist = offspring(identity["parent1"][2 * i:2 * i + 2], identity["parent2"][2 * i:2 * i + 2])
            t = identity["target"][i]
            if self.params["target"] == "genotype":
                p *= dist.get(t, Fraction(0))
            else:
                p *= sum((f for g, f in dist.items() if g[0].isupper() == (t == "dominant")), Fraction(0))
        return p

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [fraction_text(v / 2), fraction_text(min(Fraction(1), v * 2)) if v < Fraction(1, 2) else "1/1000",
                fraction_text(1 - v) if v != Fraction(1, 2) else "1/3"]


_CLASSES = ("A_B_", "A_bb", "aaB_", "aabb")


class DihybridRatio(Task):
    description = "Phenotypic ratio of a dihybrid cross, as four whole numbers."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"parent1": _genotype(rng, "A") + _genotype(rng, "B"), "parent2": _genotype(rng, "A") + _genotype(rng, "B")}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"In the cross {identity['parent1']} × {identity['parent2']} (independent assortment, complete "
                "dominance), give the phenotypic ratio of the offspring classes A_B_ : A_bb : aaB_ : aabb in this "
                "order, as whole numbers in lowest terms separated by colons (use 0 for an absent class), e.g. "
                "\\boxed{9:3:3:1}.")

    def value(self, identity: dict[str, Any]) -> list[int]:
        """The ratio in lowest terms."""
        a = offspring(identity["parent1"][:2], identity["parent2"][:2])
        b = offspring(identity["parent1"][2:], identity["parent2"][2:])
        pa = sum((f for g, f in a.items() if g[0] == "A"), Fraction(0))
        pb = sum((f for g, f in b.items() if g[0] == "B"), Fraction(0))
        shares = [pa * pb, pa * (1 - pb), (1 - pa) * pb, (1 - pa) * (1 - pb)]
        ints = [int(s * 16) for s in shares]
        g = math.gcd(*ints)
        return [i // g for i in ints]

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 200:
            return invalid()
        parts = [p for p in re.split(r"\s*[:,;]\s*|\s+", answer.strip().strip("$")) if p]
        if len(parts) != 4 or not all(re.fullmatch(r"\d{1,9}", p) for p in parts):
            return invalid("not four whole numbers")
        got, want = [int(p) for p in parts], self.value(identity)
        if sum(got) == 0:
            return Score(0.0)
        same = all(g * sum(want) == w * sum(got) for g, w in zip(got, want, strict=False))
        return 1.0 if same else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ":".join(map(str, self.value(identity)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        bumped = list(v)
        bumped[v.index(min(v))] += 1  # never proportional to v
        return [":".join(map(str, v[::-1])), ":".join(map(str, bumped)), "9:3:3:1" if v != [9, 3, 3, 1] else "1:1:1:1"]


_MOTHERS = ("X^A X^A", "X^A X^a", "X^a X^a")
_FATHERS = ("X^A Y", "X^a Y")
_XQ = {"an affected son": ("son", "affected"), "an affected daughter": ("daughter", "affected"),
       "a carrier daughter": ("daughter", "carrier"), "affected": ("child", "affected")}


class XLinked(_ProbabilityTask):
    description = "Probability questions for an X-linked recessive trait."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            ident = {"mother": rng.randrange(3), "father": rng.randrange(2), "question": rng.choice(sorted(_XQ))}
            if self.value(ident) > 0:
                return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        q = identity["question"]
        ask = ("is affected" if q == "affected" else f"is {q}")
        return (f"A recessive trait is X-linked (allele a on the X chromosome). A woman with genotype "
                f"{_MOTHERS[identity['mother']]} and a man with genotype {_FATHERS[identity['father']]} have a "
                "child. Sons and "
                f"daughters are equally likely. What is the probability that the child {ask}? {_FRACTION}")

    def value(self, identity: dict[str, Any]) -> Fraction:
        """The exact probability."""
        mother = ["AA", "Aa", "aa"][identity["mother"]]
        father = "Aa"[identity["father"]]
        sex, state = _XQ[identity["question"]]
        p = Fraction(0)
        for m in mother:
            for child_sex in ("son", "daughter"):
                if sex not in ("child", child_sex):
                    continue
                alleles = m if child_sex == "son" else m + father
                hit = (alleles.count("a") == len(alleles)) if state == "affected" else (alleles.count("a") == 1)
                p += Fraction(1, 4) * hit
        return p

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [fraction_text(v / 2), fraction_text(1 - v) if v != Fraction(1, 2) else "1/4", "1/3"]


_ABO = ("AA", "AO", "BB", "BO", "AB", "OO")


def _blood_type(g: str) -> str:
    s = set(g) - {"O"}
    return "AB" if s == {"A", "B"} else (s.pop() if s else "O")


class AboBloodType(_ProbabilityTask):
    description = "Probability of a child's ABO blood type from the parents' genotypes."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            ident = {"p1": rng.choice(_ABO), "p2": rng.choice(_ABO), "type": rng.choice(["A", "B", "AB", "O"])}
            if self.value(ident) > 0:
                return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"In the ABO system (I^A and I^B codominant, both dominant over i), parents with genotypes "
                f"{identity['p1'].replace('A', 'I^A').replace('B', 'I^B').replace('O', 'i')} and "
                f"{identity['p2'].replace('A', 'I^A').replace('B', 'I^B').replace('O', 'i')} have a child. What is "
                f"the probability the child has blood type {identity['type']}? {_FRACTION}")

    def value(self, identity: dict[str, Any]) -> Fraction:
        """The exact probability."""
        return sum((Fraction(1, 4) for a, b in product(identity["p1"], identity["p2"])
                    if _blood_type(a + b) == identity["type"]), Fraction(0))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [fraction_text(v / 2), fraction_text(1 - v) if v != Fraction(1, 2) else "1/4", "1/3"]


class CarrierFamily(_ProbabilityTask):
    description = "Binomial probability of affected children for two carrier parents."
    default_params = {"max_children": 6}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(2, self.params["max_children"])
        return {"n": n, "k": rng.randint(0, n), "mode": rng.choice(["exactly", "at least"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Two parents are both heterozygous carriers of an autosomal recessive disease. They have "
                f"{identity['n']} children. What is the probability that {identity['mode']} {identity['k']} of them "
                f"are affected? {_FRACTION}")

    def value(self, identity: dict[str, Any]) -> Fraction:
        """The exact probability."""
        n, k = identity["n"], identity["k"]
        ks = [k] if identity["mode"] == "exactly" else range(k, n + 1)
        return sum((math.comb(n, j) * Fraction(1, 4) ** j * Fraction(3, 4) ** (n - j) for j in ks), Fraction(0))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [fraction_text(v / 2), fraction_text(1 - v) if v != Fraction(1, 2) else "1/4", "1/3"]


def register(registry: Any) -> None:
    registry.register(CrossProbability, "biology/cross_genotype_probability", {"target": "genotype"},
                      "Probability of an offspring genotype in a multi-gene cross.")
    registry.register(CrossProbability, "biology/cross_phenotype_probability", {"target": "phenotype"},
                      "Probability of an offspring phenotype in a multi-gene cross.")
    registry.register(DihybridRatio, "biology/dihybrid_phenotype_ratio")
    registry.register(XLinked, "biology/x_linked_probability")
    registry.register(AboBloodType, "biology/abo_blood_type_probability")
    registry.register(CarrierFamily, "biology/carrier_family_binomial")
