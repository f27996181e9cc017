"""Population genetics and ecology: Hardy-Weinberg, selection, chi-square tests, linkage maps, growth models."""

from __future__ import annotations

import math

from tasks.common.formula import Formula, Var, add_formulas


def _hw(v: dict) -> tuple[float, float, float, int]:
    n = v["AA"] + v["Aa"] + v["aa"]
    p = (2 * v["AA"] + v["Aa"]) / (2 * n)
    return p, 1 - p, n, n


def _hw_chi(v: dict) -> float:
    p, q, n, _ = _hw(v)
    expected = (p * p * n, 2 * p * q * n, q * q * n)
    return sum((o - e) ** 2 / e for o, e in zip((v["AA"], v["Aa"], v["aa"]), expected, strict=False))


def _dihybrid_chi(v: dict) -> float:
    obs = (v["o1"], v["o2"], v["o3"], v["o4"])
    n = sum(obs)
    return sum((o - n * r / 16) ** 2 / (n * r / 16) for o, r in zip(obs, (9, 3, 3, 1), strict=False))


_COUNTS = (Var("AA", 5, 600, step=1), Var("Aa", 5, 600, step=1), Var("aa", 5, 600, step=1))
_GENOTYPES = "In a sample, {AA} individuals are AA, {Aa} are Aa and {aa} are aa."

TABLE = {
    "hw_carrier_frequency": Formula(
        "An autosomal recessive disease affects 1 in {N} people. Assuming Hardy-Weinberg equilibrium, what fraction "
        "of the population are heterozygous carriers?",
        (Var("N", 100, 100000, 4, log=True),),
        lambda v: 2 * (1 - math.sqrt(1 / v["N"])) * math.sqrt(1 / v["N"]), "",
        description="Carrier frequency from disease incidence (Hardy-Weinberg)."),
    "hw_allele_frequency": Formula(
        _GENOTYPES + " What is the frequency of allele A in the sample?",
        _COUNTS, lambda v: _hw(v)[0], "", rel_tol=0.0, abs_tol=0.0005,
        description="Allele frequency from genotype counts."),
    "hw_expected_heterozygotes": Formula(
        _GENOTYPES + " Using the sample's allele frequencies, how many heterozygotes are expected under "
        "Hardy-Weinberg equilibrium?",
        _COUNTS, lambda v: 2 * _hw(v)[0] * _hw(v)[1] * _hw(v)[2], "", rel_tol=0.002,
        description="Expected heterozygote count under Hardy-Weinberg."),
    "hw_chi_square": Formula(
        _GENOTYPES + " Using allele frequencies estimated from the sample, what is the chi-square statistic "
        "for departure from Hardy-Weinberg proportions (sum of (O - E)^2 / E over the three genotypes)?",
        _COUNTS, _hw_chi, "", rel_tol=0.01, abs_tol=0.01,
        description="Chi-square test of Hardy-Weinberg equilibrium."),
    "hw_x_linked_carriers": Formula(
        "An X-linked recessive trait is seen in {m}% of males in a population at Hardy-Weinberg equilibrium. What "
        "percentage of females are heterozygous carriers?",
        (Var("m", 0.1, 30, 4, log=True),),
        lambda v: 100 * 2 * (v["m"] / 100) * (1 - v["m"] / 100), "", description="Female carriers of an X-linked trait."),
    "selection_against_recessive": Formula(
        "A recessive allele has frequency {q} and its homozygotes never reproduce (complete selection), with random "
        "mating and no mutation. What is its frequency after {n} generations (q_n = q0 / (1 + n q0))?",
        (Var("q", 0.01, 0.9), Var("n", 1, 100, step=1)),
        lambda v: v["q"] / (1 + v["n"] * v["q"]), "", description="Allele frequency under selection against recessives."),
    "dihybrid_chi_square": Formula(
        "A dihybrid cross gives {o1}, {o2}, {o3} and {o4} offspring in the four phenotype classes expected in a "
        "9:3:3:1 ratio (in that order). What is the chi-square statistic against the 9:3:3:1 expectation?",
        (Var("o1", 50, 600, step=1), Var("o2", 10, 200, step=1), Var("o3", 10, 200, step=1),
         Var("o4", 2, 70, step=1)),
        _dihybrid_chi, "", rel_tol=0.01, abs_tol=0.01, description="Chi-square test of a 9:3:3:1 ratio."),
    "map_distance_testcross": Formula(
        "A testcross of a dihybrid gives {p1} and {p2} offspring of the two parental types and {r1} and {r2} of the "
        "two recombinant types. What is the map distance between the genes, in centimorgans (recombination "
        "frequency × 100)?",
        (Var("p1", 100, 600, step=1), Var("p2", 100, 600, step=1), Var("r1", 5, 150, step=1),
         Var("r2", 5, 150, step=1)),
        lambda v: 100 * (v["r1"] + v["r2"]) / (v["p1"] + v["p2"] + v["r1"] + v["r2"]), "", rel_tol=0.0,
        abs_tol=0.05, description="Map distance from testcross counts."),
    "exponential_growth": Formula(
        "A population of {N0} grows exponentially with intrinsic rate r = {r} per year. What is its size after "
        "{t} years (N = N0 e^(rt))?",
        (Var("N0", 10, 10000, step=1), Var("r", 0.01, 0.8), Var("t", 1, 30)),
        lambda v: v["N0"] * math.exp(v["r"] * v["t"]), "", description="Exponential population growth."),
    "logistic_growth": Formula(
        "A population of {N0} follows logistic growth with r = {r} per year and carrying capacity K = {K}. What is "
        "its size after {t} years (N = K / (1 + ((K - N0)/N0) e^(-rt)))?",
        (Var("N0", 10, 500, step=1), Var("r", 0.05, 1.5), Var("K", 1000, 100000, step=100), Var("t", 1, 40)),
        lambda v: v["K"] / (1 + (v["K"] - v["N0"]) / v["N0"] * math.exp(-v["r"] * v["t"])), "",
        description="Logistic population growth."),
    "bacterial_generation_time": Formula(
        "A bacterial culture grows exponentially from {N0} to {N} cells per mL in {t} minutes. What is the "
        "generation (doubling) time, in minutes?",
        (Var("N0", 1e3, 1e6), Var("N", 1e6, 1e10), Var("t", 30, 600)),
        lambda v: v["t"] / math.log2(v["N"] / v["N0"]), "", valid=lambda v: v["N"] > 4 * v["N0"],
        description="Generation time from exponential growth."),
    "logistic_max_growth_rate": Formula(
        "For logistic growth dN/dt = rN(1 - N/K) with r = {r} per day and K = {K}, what is the largest possible "
        "growth rate dN/dt, in individuals per day?",
        (Var("r", 0.01, 2), Var("K", 100, 1e6, step=10)),
        lambda v: v["r"] * v["K"] / 4, "", description="Maximum sustainable growth rate (rK/4)."),
}

register = add_formulas("biology", TABLE)
