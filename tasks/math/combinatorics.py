"""Counting: binomials, permutations, derangements, Catalan, Stirling, Bell, partitions, paths.

Levels grow the sizes (more elements, groups, blocked points, divisors). Counts of one or two small
parameters are asked modulo a random m, so seeds pose distinct problems without astronomically long answers.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from functools import cache
from typing import Any

import sympy as sp
from sympy.functions.combinatorial.numbers import bell, catalan, partition, stirling, subfactorial

from tasks.math._common import SymTask, register_kinds

INT = "Give the answer as an exact integer in \\boxed{}."


def _mod(rng: random.Random, question: str, value: Any) -> tuple[str, Any]:
    """Ask for ``value`` modulo a random m in [1000, 99999]: counts of a few small parameters are too few
    to pose distinct problems, and the exact counts grow too fast to widen the parameters instead."""
    m = rng.randint(1000, 99999)
    return f"{question} Give the remainder of this number when divided by {m}.", sp.Integer(int(value) % m)


def binomial(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(8 + 20 * (level - 1), 30 * level)
    kk = rng.randint(2, nn - 2)
    return _mod(rng, f"Let $N = \\binom{{{nn}}}{{{kk}}}$.", sp.binomial(nn, kk))


#: Groups a committee is drawn from.
_GROUPS = ("chemists", "biologists", "physicists", "mathematicians", "engineers", "geologists")


def committee(rng: random.Random, level: int) -> tuple[str, Any]:
    groups = rng.sample(_GROUPS, 3 + (level - 1) // 2)
    sizes = [rng.randint(4, 15 + 10 * level) for _ in groups]
    picks = [rng.randint(1, 2 + level) for _ in groups]
    chosen = ", ".join(f"{k} {g}" for k, g in zip(picks, groups, strict=True))
    pool = ", ".join(f"{n} {g}" for n, g in zip(sizes, groups, strict=True))
    val = math.prod(math.comb(n, k) for n, k in zip(sizes, picks, strict=True))
    return (f"A committee of {chosen} is chosen from {pool}. How many different committees are possible?",
            sp.Integer(val))


def permutations(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(6 + 12 * (level - 1), 20 * level)
    kk = rng.randint(2, min(nn, 4 + 2 * level))
    return _mod(rng, f"In how many ways can {kk} distinct prizes be given to {kk} different people chosen from {nn} "
                     "people (each person gets at most one prize)?", math.perm(nn, kk))


def multiset_perm(rng: random.Random, level: int) -> tuple[str, Any]:
    # a random multiset of letters: more distinct letters and more repeats each level
    letters = rng.sample("ABCDEFGHIJKLMNOPQRSTUVWXYZ", rng.randint(2 + level // 2, 3 + level))
    counts = [rng.randint(1, 2 + level) for _ in letters]
    word = [c for c, k in zip(letters, counts, strict=True) for _ in range(k)]
    rng.shuffle(word)
    val = math.factorial(len(word))
    for c in counts:
        val //= math.factorial(c)
    return f"How many distinct arrangements of the letters of {''.join(word)} are there?", sp.Integer(val)


def circular(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4 + 10 * (level - 1), 14 * level)
    return _mod(rng, f"In how many ways can {nn} people sit around a round table (rotations considered the same)?",
                sp.factorial(nn - 1))


def derangements(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4 + 8 * (level - 1), 12 * level)
    return _mod(rng, f"In how many ways can {nn} letters be put into their {nn} addressed envelopes so that no "
                     "letter is in its own envelope?", subfactorial(nn))


def catalan_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(3 + 10 * (level - 1), 15 * level)
    return _mod(rng, f"How many balanced strings of {nn} pairs of parentheses are there?", catalan(nn))


def stirling2(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4 + 8 * (level - 1), 12 * level)
    kk = rng.randint(2, nn - 1)
    return _mod(rng, f"In how many ways can a set of {nn} distinct elements be partitioned into exactly {kk} "
                     "non-empty unlabeled blocks?", stirling(nn, kk, kind=2))


def stirling1(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4 + 6 * (level - 1), 10 * level)
    kk = rng.randint(1, nn - 1)
    return _mod(rng, f"How many permutations of {nn} elements have exactly {kk} cycles?", stirling(nn, kk, kind=1))


def bell_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(3 + 10 * (level - 1), 14 * level)
    return _mod(rng, f"In how many ways can a set of {nn} distinct elements be partitioned into non-empty blocks?",
                bell(nn))


def partitions(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5 + 40 * (level - 1), 60 * level)
    return _mod(rng, f"How many partitions does the integer {nn} have (order of parts does not matter)?",
                partition(nn))


@cache
def _parts_at_most(nn: int, kk: int) -> int:
    if nn == 0:
        return 1
    if kk == 0:
        return 0
    return _parts_at_most(nn, kk - 1) + (_parts_at_most(nn - kk, kk) if nn >= kk else 0)


def partitions_bounded(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, kk = rng.randint(6 + 30 * (level - 1), 40 * level), rng.randint(2 + (level - 1) // 2, 3 + level)
    return _mod(rng, f"How many partitions of {nn} have every part at most {kk}?", _parts_at_most(nn, kk))


def grid_paths(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(2 + 6 * (level - 1), 10 * level), rng.randint(2 + 6 * (level - 1), 10 * level)
    return _mod(rng, f"How many shortest lattice paths go from $(0,0)$ to $({a},{b})$ using unit steps right and "
                     "up?", sp.binomial(a + b, a))


def _paths_avoiding(a: int, b: int, blocked: set[tuple[int, int]]) -> int:
    """Monotone paths from (0, 0) to (a, b) avoiding ``blocked``, by dynamic programming over the grid."""
    ways = [[0] * (b + 1) for _ in range(a + 1)]
    for i in range(a + 1):
        for j in range(b + 1):
            if (i, j) in blocked:
                continue
            ways[i][j] = 1 if i == j == 0 else (ways[i - 1][j] if i else 0) + (ways[i][j - 1] if j else 0)
    return ways[a][b]


def grid_paths_blocked(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(3, 9 + 5 * (level - 1)), rng.randint(3, 9 + 5 * (level - 1))
    blocked: set[tuple[int, int]] = set()
    while len(blocked) < 1 + (level - 1) // 2:
        blocked.add((rng.randint(1, a - 1), rng.randint(1, b - 1)))
    pts = sorted(blocked)
    where = " or ".join(f"$({px},{py})$" for px, py in pts)
    return _mod(rng, f"How many shortest lattice paths (unit steps right and up) go from $(0,0)$ to $({a},{b})$ "
                     f"without passing through {where}?", _paths_avoiding(a, b, blocked))


def stars_bars(rng: random.Random, level: int) -> tuple[str, Any]:
    balls, boxes = rng.randint(5, 20 * level), rng.randint(2, 4 + level)
    least = [rng.randint(0, level) for _ in range(boxes)] if level >= 2 else [0] * boxes
    free = balls - sum(least)
    if free < 0:
        least, free = [0] * boxes, balls
    cond = "" if not any(least) else " if box " + ", ".join(
        f"{i + 1} must get at least {v}" for i, v in enumerate(least) if v) + " (boxes numbered 1 to " + \
        f"{boxes})"
    return _mod(rng, f"In how many ways can {balls} identical balls be put into {boxes} distinct boxes{cond}?",
                sp.binomial(free + boxes - 1, boxes - 1))


def surjections(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, kk = rng.randint(4 + 6 * (level - 1), 9 * level), rng.randint(2, 4 + level)
    kk = min(kk, nn)
    return _mod(rng, f"How many functions from a {nn}-element set onto a {kk}-element set are there (every element "
                     "of the codomain is hit)?", sp.factorial(kk) * stirling(nn, kk, kind=2))


def no_consecutive(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5 + 20 * (level - 1), 30 * level)
    return _mod(rng, f"How many subsets of $\\{{1, 2, \\dots, {nn}\\}}$ (including the empty set) contain no two "
                     "consecutive integers?", sp.fibonacci(nn + 2))


def diagonals(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(5, 10 ** (4 + level))
    return f"How many diagonals does a convex polygon with {nn} sides have?", sp.Integer(nn * (nn - 3) // 2)


def handshakes(rng: random.Random, level: int) -> tuple[str, Any]:
    # k-subsets of an n-set holding j given elements and none of i other given ones: C(n - j - i, k - j)
    nn, kk = rng.randint(10, 10 ** (2 + level)), rng.randint(2, 3 + level)
    j, i = rng.randint(1, min(2, kk)), rng.randint(0, 3)
    inc = "a fixed element $a$" if j == 1 else "two fixed elements $a$ and $b$"
    exc = "" if not i else f" and none of {i} other fixed elements"
    return (f"How many {kk}-element subsets of a {nn}-element set contain {inc}{exc}?",
            sp.binomial(nn - j - i, kk - j))


def inclusion_exclusion3(rng: random.Random, level: int) -> tuple[str, Any]:
    if level == 1:
        ds = rng.sample([2, 3, 5, 7], 3)
        m = rng.randint(100, 5000)
    else:  # more divisors, not all prime: the intersections need least common multiples
        ds = rng.sample(range(2, 7 + 3 * level), 2 + level)
        m = rng.randint(100, 5000 * 10 ** (level - 1))
    cnt = sum((-1) ** (r + 1) * (m // math.lcm(*sub)) for r in range(1, len(ds) + 1)
              for sub in itertools.combinations(ds, r))
    return (f"How many integers from 1 to {m} are divisible by at least one of {', '.join(map(str, ds))}?",
            sp.Integer(cnt))


KINDS = {f.__name__: f for f in (
    binomial, committee, permutations, multiset_perm, circular, derangements, catalan_fn, stirling2, stirling1,
    bell_fn, partitions, partitions_bounded, grid_paths, grid_paths_blocked, stars_bars, surjections,
    no_consecutive, diagonals, handshakes, inclusion_exclusion3)}


class Counting(SymTask):
    """Combinatorics questions with exact integer answers."""

    #: 4: levels; counts of small parameters asked modulo a random m; wider generators.
    version = 4
    kinds = KINDS
    answer_format = INT

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bits of the problem's parameters (the modulus of a reduced count left out): the sizes that make a
        count hard to compute."""
        question = identity["question"].split(" Give the remainder")[0]
        bits = sum(math.log2(1 + int(v)) for v in re.findall(r"\d+", question))
        # a word to arrange: its length and the variety of its letters
        words = re.findall(r"\b[A-Z]{2,}\b", question)
        return float(bits + sum(len(w) + len(set(w)) for w in words))


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
