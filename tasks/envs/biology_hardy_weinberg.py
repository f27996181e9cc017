"""Hardy-Weinberg goodness of fit for a three-allele locus, with the calculator.

Genotype counts of a locus with alleles A, B, C (six genotypes, a few thousand individuals) are given;
the answer is the chi-square statistic against Hardy-Weinberg expectations from the sample's own allele
frequencies. Twelve divisions and six squared deviations are a long, slip-prone hand calculation and one
``calculator`` expression. Accepted within 0.1% (relative) or 0.001.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

GENOTYPES = ("AA", "AB", "AC", "BB", "BC", "CC")
REL_TOL = 1e-3


def _expected_terms(counts: dict[str, int]) -> list[tuple[str, str, str]]:
    """(genotype, observed, expected) with the expected count as calculator text, in genotype order."""
    n = sum(counts.values())
    allele = {a: f"((2*{counts[a + a]} + {sum(v for g, v in counts.items() if g.count(a) == 1)})/{2 * n})"
              for a in "ABC"}
    out = []
    for g in GENOTYPES:
        x, y = g[0], g[1]
        out.append((g, str(counts[g]), f"{n}*{allele[x]}**2" if x == y else f"2*{n}*{allele[x]}*{allele[y]}"))
    return out


def chi_square(counts: dict[str, int]) -> float:
    """Pearson's chi-square statistic of genotype counts against Hardy-Weinberg proportions (exact)."""
    n = sum(counts.values())
    freq = {a: Fraction(sum(g.count(a) * v for g, v in counts.items()), 2 * n) for a in "ABC"}
    total = Fraction(0)
    for g in GENOTYPES:
        x, y = g[0], g[1]
        e = n * freq[x] ** 2 if x == y else 2 * n * freq[x] * freq[y]
        total += (counts[g] - e) ** 2 / e
    return float(total)


class HardyWeinbergChi2(Environment):
    """Chi-square of a three-allele sample against Hardy-Weinberg proportions."""

    id = "biology/hardy_weinberg_chi2"
    description = "Hardy-Weinberg chi-square statistic for a three-allele locus (calculator)."
    tools = ("calculator",)
    max_turns = 4
    max_tool_calls = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        w = [rng.uniform(0.15, 1.0) for _ in range(3)]
        p = {a: x / sum(w) for a, x in zip("ABC", w, strict=True)}
        inbreeding = rng.choice((0.0, 0.03, 0.08, 0.15))
        counts = {}
        n = rng.randint(800, 5000)
        for g in GENOTYPES:
            x, y = g[0], g[1]
            prob = p[x] ** 2 + inbreeding * p[x] * (1 - p[x]) if x == y else 2 * p[x] * p[y] * (1 - inbreeding)
            counts[g] = max(1, round(n * prob * rng.uniform(0.93, 1.07)))
        return {"counts": counts, "chi2": round(chi_square(counts), 6)}

    def prompt(self, identity: dict[str, Any]) -> str:
        c = identity["counts"]
        rows = ", ".join(f"{g}: {c[g]}" for g in GENOTYPES)
        return (f"A sample genotyped at a locus with three alleles A, B, C has these genotype counts: {rows}. "
                "Estimate the allele frequencies from the sample, and compute Pearson's chi-square statistic "
                "comparing the observed genotype counts with the Hardy-Weinberg expected counts (all six "
                "genotypes, no continuity correction). Give the statistic (within 0.1%) in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        value = parse_number(answer)
        if value is None:
            return invalid("not a number")
        ok = close_enough(value, identity["chi2"], rel_tol=REL_TOL, abs_tol=1e-3)
        return 1.0 if ok else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{identity['chi2']:.6g}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn > 0:
            return []
        terms = [f"({obs} - {exp})**2/({exp})" for _, obs, exp in _expected_terms(identity["counts"])]
        return [("calculator", {"expression": " + ".join(terms)})]


register_env(HardyWeinbergChi2())
