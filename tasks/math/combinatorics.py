"""Counting: binomials, permutations, derangements, Catalan, Stirling, Bell, partitions, paths."""

from __future__ import annotations

import math
import random
from functools import cache
from typing import Any

import sympy as sp
from sympy.functions.combinatorial.numbers import bell, catalan, partition, stirling, subfactorial

from tasks.math._common import SymTask, register_kinds

INT = "Give the answer as an exact integer in \\boxed{}."


def binomial(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(8, 30 * level)
    kk = rng.randint(2, nn - 2)
    return f"Compute $\\binom{{{nn}}}{{{kk}}}$.", sp.binomial(nn, kk)


def committee(rng: random.Random, level: int) -> tuple[str, Any]:
    men, women, km, kw = rng.randint(4, 12), rng.randint(4, 12), rng.randint(1, 3), rng.randint(1, 3)
    return (f"A committee of {km} men and {kw} women is chosen from {men} men and {women} women. "
            "How many different committees are possible?"), sp.binomial(men, km) * sp.binomial(women, kw)


def permutations(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(6, 20)
    kk = rng.randint(2, min(nn, 8))
    return (f"In how many ways can {kk} distinct prizes be given to {kk} different people chosen from {nn} "
            "people (each person gets at most one prize)?"), sp.Integer(math.perm(nn, kk))


def multiset_perm(rng: random.Random, level: int) -> tuple[str, Any]:
    word = rng.choice(["MISSISSIPPI", "BANANA", "STATISTICS", "COMMITTEE", "BOOKKEEPER", "ABRACADABRA",
                       "MATHEMATICS", "PEPPER", "SUCCESS", "TENNESSEE", "ASSESSMENT", "REFERENCE"])
    counts = [word.count(c) for c in sorted(set(word))]
    val = math.factorial(len(word))
    for c in counts:
        val //= math.factorial(c)
    return f"How many distinct arrangements of the letters of {word} are there?", sp.Integer(val)


def circular(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4, 14)
    return f"In how many ways can {nn} people sit around a round table (rotations considered the same)?", \
        sp.factorial(nn - 1)


def derangements(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4, 12 + level)
    return (f"In how many ways can {nn} letters be put into their {nn} addressed envelopes so that no letter "
            "is in its own envelope?"), subfactorial(nn)


def catalan_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(3, 15)
    return f"How many balanced strings of {nn} pairs of parentheses are there?", catalan(nn)


def stirling2(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4, 12)
    kk = rng.randint(2, nn - 1)
    return (f"In how many ways can a set of {nn} distinct elements be partitioned into exactly {kk} non-empty "
            "unlabeled blocks?"), stirling(nn, kk, kind=2)


def stirling1(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4, 10)
    kk = rng.randint(1, nn - 1)
    return f"How many permutations of {nn} elements have exactly {kk} cycles?", stirling(nn, kk, kind=1)


def bell_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(3, 14)
    return f"In how many ways can a set of {nn} distinct elements be partitioned into non-empty blocks?", bell(nn)


def partitions(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5, 60)
    return f"How many partitions does the integer {nn} have (order of parts does not matter)?", partition(nn)


@cache
def _parts_at_most(nn: int, kk: int) -> int:
    if nn == 0:
        return 1
    if kk == 0:
        return 0
    return _parts_at_most(nn, kk - 1) + (_parts_at_most(nn - kk, kk) if nn >= kk else 0)


def partitions_bounded(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, kk = rng.randint(6, 40), rng.randint(2, 5)
    return f"How many partitions of {nn} have every part at most {kk}?", sp.Integer(_parts_at_most(nn, kk))


def grid_paths(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(2, 10), rng.randint(2, 10)
    return (f"How many shortest lattice paths go from $(0,0)$ to $({a},{b})$ using unit steps right and up?",
            sp.binomial(a + b, a))


def grid_paths_blocked(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(3, 9), rng.randint(3, 9)
    px, py = rng.randint(1, a - 1), rng.randint(1, b - 1)
    total = sp.binomial(a + b, a) - sp.binomial(px + py, px) * sp.binomial(a - px + b - py, a - px)
    return (f"How many shortest lattice paths (unit steps right and up) go from $(0,0)$ to $({a},{b})$ "
            f"without passing through the point $({px},{py})$?"), total


def stars_bars(rng: random.Random, level: int) -> tuple[str, Any]:
    balls, boxes = rng.randint(5, 20), rng.randint(2, 6)
    return f"In how many ways can {balls} identical balls be put into {boxes} distinct boxes?", \
        sp.binomial(balls + boxes - 1, boxes - 1)


def surjections(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, kk = rng.randint(4, 9), rng.randint(2, 4)
    return (f"How many functions from a {nn}-element set onto a {kk}-element set are there (every element of "
            "the codomain is hit)?"), sp.factorial(kk) * stirling(nn, kk, kind=2)


def no_consecutive(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5, 30)
    return (f"How many subsets of $\\{{1, 2, \\dots, {nn}\\}}$ (including the empty set) contain no two "
            "consecutive integers?"), sp.fibonacci(nn + 2)


def diagonals(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5, 40)
    return f"How many diagonals does a convex polygon with {nn} sides have?", sp.Integer(nn * (nn - 3) // 2)


def handshakes(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, kk = rng.randint(5, 30), rng.randint(2, 4)
    return f"How many {kk}-element subsets of a {nn}-element set contain a fixed element $a$?", \
        sp.binomial(nn - 1, kk - 1)


def inclusion_exclusion3(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = rng.sample([2, 3, 5, 7], 3)
    m = rng.randint(100, 5000)
    cnt = sum(1 for v in range(1, m + 1) if v % a == 0 or v % b == 0 or v % c == 0)
    return f"How many integers from 1 to {m} are divisible by at least one of {a}, {b}, {c}?", sp.Integer(cnt)


KINDS = {f.__name__: f for f in (
    binomial, committee, permutations, multiset_perm, circular, derangements, catalan_fn, stirling2, stirling1,
    bell_fn, partitions, partitions_bounded, grid_paths, grid_paths_blocked, stars_bars, surjections,
    no_consecutive, diagonals, handshakes, inclusion_exclusion3)}


class Counting(SymTask):
    """Combinatorics questions with exact integer answers."""

    kinds = KINDS
    answer_format = INT


TABLE = [
    ("math/binomial_coefficient", "binomial", "A binomial coefficient."),
    ("math/committee_count", "committee", "Committees chosen from two groups."),
    ("math/permutations_count", "permutations", "k-permutations of n."),
    ("math/word_arrangements", "multiset_perm", "Arrangements of a word with repeated letters."),
    ("math/circular_permutations", "circular", "Seatings around a round table."),
    ("math/derangements", "derangements", "Derangements of n items."),
    ("math/catalan_number", "catalan_fn", "Balanced parentheses strings (Catalan numbers)."),
    ("math/stirling_second_kind", "stirling2", "Stirling numbers of the second kind."),
    ("math/stirling_first_kind", "stirling1", "Unsigned Stirling numbers of the first kind."),
    ("math/bell_number", "bell_fn", "Bell numbers (set partitions)."),
    ("math/integer_partitions", "partitions", "Number of integer partitions p(n)."),
    ("math/partitions_bounded_parts", "partitions_bounded", "Partitions with parts at most k."),
    ("math/lattice_paths", "grid_paths", "Monotone lattice paths in a grid."),
    ("math/lattice_paths_blocked", "grid_paths_blocked", "Lattice paths avoiding a point."),
    ("math/stars_and_bars", "stars_bars", "Identical balls into distinct boxes."),
    ("math/surjections", "surjections", "Onto functions between finite sets."),
    ("math/subsets_no_consecutive", "no_consecutive", "Subsets with no two consecutive integers."),
    ("math/polygon_diagonals", "diagonals", "Diagonals of a convex polygon."),
    ("math/subsets_with_element", "handshakes", "k-subsets containing a fixed element."),
    ("math/inclusion_exclusion", "inclusion_exclusion3", "Inclusion-exclusion over three divisors."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Counting, TABLE)
