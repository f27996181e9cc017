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
# Gene symbols whose upper and lower case look different (no C/c, O/o, S/s, U/u, V/v, W/w, X/x, Z/z, K/k, P/p).
_LETTERS = "ABDEFGHJLMNQRT"


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


def _gene_letters(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct gene symbols, in a random order (the order the question lists the genes in)."""
    return rng.sample(_LETTERS, n)


def _loci(genotype: str) -> list[str]:
    """'AaBB' -> ['Aa', 'BB']."""
    return [genotype[i:i + 2] for i in range(0, len(genotype), 2)]


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

    version = 3
    description = "Probability of an offspring class in a cross of independently assorting genes."
    default_params = {"target": "genotype", "min_loci": 2, "max_loci": 4}
    # No levels yet: products of per-gene factors in {1/4, 1/2, 3/4} pile up on 1/4 and 1/2 (a constant
    # guess earns 0.34-0.56 at few genes); the question needs a wider answer (several offspring) first.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """Genes whose probabilities multiply."""
        return float(len(identity["target"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            letters = _gene_letters(rng, rng.randint(self.params["min_loci"], self.params["max_loci"]))
            p1 = [_genotype(rng, x) for x in letters]
            p2 = [_genotype(rng, x) for x in letters]
            target = []
            for a, b in zip(p1, p2, strict=False):
                dist = offspring(a, b)
                if self.params["target"] == "genotype":
                    target.append(rng.choice(sorted(dist)))
                else:
                    target.append(rng.choice(sorted({"dominant" if g[0].isupper() else "recessive" for g in dist})))
            ident = {"parent1": "".join(p1), "parent2": "".join(p2), "target": target}
            if self.value(ident) != 1:  # a certain outcome is no question (and "1" would be a farmable answer)
                return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        cross = f"{identity['parent1']} × {identity['parent2']}"
        if self.params["target"] == "genotype":
            what = f"have the genotype {''.join(identity['target'])}"
        else:
            genes = [g[0].upper() for g in _loci(identity["parent1"])]
            traits = [f"{t} for gene {g}" for g, t in zip(genes, identity["target"], strict=False)]
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


def _phenotype_classes(genes: list[str]) -> list[str]:
    """Phenotype classes in the order a ratio lists them: dominant before recessive, first gene slowest."""
    return ["".join(g + "_" if dom else g.lower() * 2 for g, dom in zip(genes, flags, strict=False))
            for flags in product((True, False), repeat=len(genes))]


class DihybridRatio(Task):
    """Expected offspring per phenotype class of a cross; ``genes`` independent genes (two by default)."""

    version = 3
    description = "Expected offspring numbers per phenotype class of a cross of independently assorting genes."
    default_params: dict[str, Any] = {"genes": 2}
    levels = ({"genes": 2}, {"genes": 3}, {"genes": 4})
    default_level = 1
    MAX_OFFSPRING_UNITS = 40  # the brood is a multiple of 4**genes, up to this many times it

    def complexity(self, identity: dict[str, Any]) -> float:
        """Phenotype classes to fill."""
        return float(2 ** len(_loci(identity["parent1"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["genes"]
        while True:
            letters = _gene_letters(rng, n)
            ident = {"parent1": "".join(_genotype(rng, x) for x in letters),
                     "parent2": "".join(_genotype(rng, x) for x in letters),
                     "offspring": 4 ** n * rng.randint(1, self.MAX_OFFSPRING_UNITS)}
            if sum(1 for c in self.value(ident) if c) > 1:  # one class only is no question
                return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        genes = [g[0].upper() for g in _loci(identity["parent1"])]
        classes = " : ".join(_phenotype_classes(genes))
        example = ":".join("0" for _ in range(2 ** len(genes)))
        return (f"The cross {identity['parent1']} × {identity['parent2']} (independent assortment, complete "
                f"dominance, each upper-case allele dominant) gives {identity['offspring']} offspring. How many "
                f"offspring are expected in each phenotype class {classes}, in this order? Give whole numbers "
                f"separated by colons (0 for an absent class), in the form \\boxed{{{example}}}.")

    def value(self, identity: dict[str, Any]) -> list[int]:
        """The expected number of offspring in each class."""
        shares = [Fraction(1)]
        for a, b in zip(_loci(identity["parent1"]), _loci(identity["parent2"]), strict=False):
            dom = sum((f for g, f in offspring(a, b).items() if g[0].isupper()), Fraction(0))
            shares = [s * f for s in shares for f in (dom, 1 - dom)]
        return [int(s * identity["offspring"]) for s in shares]

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 400:
            return invalid()
        want = self.value(identity)
        parts = [p for p in re.split(r"\s*[:,;]\s*|\s+", answer.strip().strip("$")) if p]
        if len(parts) != len(want) or not all(re.fullmatch(r"\d{1,9}", p) for p in parts):
            return invalid(f"not {len(want)} whole numbers")
        return 1.0 if [int(p) for p in parts] == want else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ":".join(map(str, self.value(identity)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        g = math.gcd(*v)
        bumped = list(v)
        bumped[v.index(min(v))] += 1
        return [":".join(str(x // g) for x in v) if g > 1 else ":".join(map(str, v[1:] + v[:1])),
                ":".join(map(str, bumped)), ":".join(map(str, v[::-1])) if v != v[::-1] else "1:" * (len(v) - 1) + "1"]


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
_RH = ("DD", "Dd", "dd")


def _blood_type(g: str) -> str:
    s = set(g) - {"O"}
    return "AB" if s == {"A", "B"} else (s.pop() if s else "O")


def _abo_text(g: str) -> str:
    return g.replace("A", "I^A").replace("B", "I^B").replace("O", "i")


class AboBloodType(NumberTask):
    """Binomial chance that ``k`` of ``n`` children have one ABO/Rh blood group, from the parents' genotypes."""

    version = 3
    description = "Probability that a number of children have an ABO/Rh blood group, from the parents' genotypes."
    default_params: dict[str, Any] = {"min_children": 2, "max_children": 4}
    levels = ({"min_children": 2, "max_children": 4}, {"min_children": 3, "max_children": 6},
              {"min_children": 4, "max_children": 8}, {"min_children": 6, "max_children": 10},
              {"min_children": 8, "max_children": 12})
    default_level = 1
    # relative, so that "0" never passes for a small probability; an exact fraction always passes
    rel_tol, abs_tol = 1e-3, 0.0

    def complexity(self, identity: dict[str, Any]) -> float:
        """Children whose outcomes combine."""
        return float(identity["n"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_children"], self.params["max_children"])
        while True:
            ident = {"p1": rng.choice(_ABO), "rh1": rng.choice(_RH), "p2": rng.choice(_ABO), "rh2": rng.choice(_RH),
                     "group": rng.choice(["A", "B", "AB", "O"]) + rng.choice("+-"), "n": n, "k": rng.randint(0, n)}
            if 0 < self.child(ident) < 1:
                return ident

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"In the ABO system I^A and I^B are codominant and both dominant over i; the Rh factor is positive (+) "
                f"with at least one dominant allele D. Parents with genotypes {_abo_text(identity['p1'])} "
                f"{identity['rh1']} and {_abo_text(identity['p2'])} {identity['rh2']} have {identity['n']} children. "
                f"What is the probability that exactly {identity['k']} of them have blood group {identity['group']}? "
                "Give an exact fraction (e.g. 27/128) or a decimal within 0.1% (relative) in \\boxed{}.")

    @staticmethod
    def child(identity: dict[str, Any]) -> Fraction:
        """The chance that one child has the blood group."""
        group = identity["group"]
        abo = sum((Fraction(1, 4) for a, b in product(identity["p1"], identity["p2"])
                   if _blood_type(a + b) == group[:-1]), Fraction(0))
        pos = sum((Fraction(1, 4) for a, b in product(identity["rh1"], identity["rh2"]) if "D" in a + b), Fraction(0))
        return abo * (pos if group[-1] == "+" else 1 - pos)

    def value(self, identity: dict[str, Any]) -> Fraction:
        """The exact probability."""
        q, n, k = self.child(identity), identity["n"], identity["k"]
        return math.comb(n, k) * q ** k * (1 - q) ** (n - k)

    def solve(self, identity: dict[str, Any]) -> str:
        return fraction_text(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v, q = self.value(identity), self.child(identity)
        n, k = identity["n"], identity["k"]
        wrong = [v / 2, q ** k * (1 - q) ** (n - k), 1 - v]  # halved; the binomial factor dropped; complement
        return [fraction_text(w) for w in wrong if w != v]


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
